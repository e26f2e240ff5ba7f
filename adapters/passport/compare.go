package passport

import (
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/sangam-hub/sangam/canonical"
)

// compareMRZ reports, each at the zone's pointer, the fields of the old
// passport's zone z that contradict the applicant. A document code that
// does not start with P is not a passport's (rule mrz-not-passport). A
// date of birth, sex or nationality that differs from the application's
// contradicts it (rule mrz-mismatch). Nationality is compared only when
// the application gives one. When the zone's date of birth has the
// applicant's day, month and two-digit year, the applicant's date
// settles the century. Names are not compared, because the zone holds
// them transliterated into A to Z, which the application's names need
// not match letter for letter.
func (c *checker) compareMRZ(z *canonical.MRZ, applicant *canonical.Person) {
	if !strings.HasPrefix(z.DocumentCode, "P") {
		c.Add(mrzPointer, ruleMRZPassport, "document code in the MRZ is %s, which is not a "+
			"passport's: the old passport's zone has a document code that starts with P", z.DocumentCode)
	}

	birth := applicant.DateOfBirth
	if birth != "" && birth != z.DateOfBirth {
		if len(birth) == len(time.DateOnly) && birth[2:] == z.DateOfBirth[2:] {
			z.DateOfBirth = birth
		} else {
			c.Add(mrzPointer, ruleMRZMatch, "date of birth in the MRZ, %s, differs from "+
				"the applicant's, %s", z.DateOfBirth, birth)
		}
	}

	if want, ok := mrzSex[z.Sex]; ok && applicant.Sex != want && applicant.Sex != canonical.SexTransgender {
		c.Add(mrzPointer, ruleMRZMatch, "sex in the MRZ, %s, differs from the applicant's, %s",
			z.Sex, applicant.Sex)
	}

	if n := applicant.Nationality; n != "" && !sameNationality(n, z.Nationality) {
		c.Add(mrzPointer, ruleMRZMatch, "nationality in the MRZ, %s, differs from the "+
			"applicant's, %s", z.Nationality, n)
	}
}

// mrzSex maps the MRZ's M and F to the applicant's sex. The zone's X, or
// '<', leaves the sex unspecified and contradicts none. A transgender
// applicant is not compared, because ICAO Doc 9303 has no code for that
// sex and an earlier passport may give M, F or X.
var mrzSex = map[string]canonical.Sex{"M": canonical.SexMale, "F": canonical.SexFemale}

// icaoNationalities are the ICAO Doc 9303 nationality codes that differ
// from the ISO 3166-1 alpha-3 code of the country, by its alpha-2 code.
var icaoNationalities = map[string][]string{
	"DE": {"D"},
	"GB": {"GBD", "GBN", "GBO", "GBP", "GBS"},
	"XK": {"RKS"},
}

// sameNationality reports whether the MRZ nationality code is that of
// the ISO 3166-1 alpha-2 country code alpha2. A code that names no
// country is not compared, and counts as the same.
func sameNationality(alpha2, code string) bool {
	region, err := language.ParseRegion(alpha2)
	if err != nil || !region.IsCountry() {
		return true
	}
	if code == region.ISO3() {
		return true
	}
	for _, icao := range icaoNationalities[alpha2] {
		if code == icao {
			return true
		}
	}
	return false
}
