package canonical

import "slices"

// Person is anyone a case names: complainant, accused, witness, officer.
// Indian records often know a person by a father's or husband's name, an
// age rather than a date of birth, and an address, so all are optional and
// several names in several scripts may describe one person.
type Person struct {
	// Names are the person's names, the primary one first. Other entries
	// are the same name in another script or transliteration.
	Names []Name `json:"names"`
	// Aliases are other names the person is known by.
	Aliases []Name `json:"aliases,omitempty"`
	// Sex is one of the Sex constants.
	Sex Sex `json:"sex,omitempty"`
	// DateOfBirth is a calendar date, YYYY-MM-DD.
	DateOfBirth string `json:"date_of_birth,omitempty"`
	// BirthYear is set when only the year of birth is known.
	BirthYear int `json:"birth_year,omitempty"`
	// Age is set when only an age is known.
	Age *Age `json:"age,omitempty"`
	// Relatives are the father's, husband's or guardian's names that
	// identify the person on Indian forms.
	Relatives []Relative `json:"relatives,omitempty"`
	// Addresses are the person's present, permanent and other addresses.
	Addresses []Address `json:"addresses,omitempty"`
	// Identifiers are documents and registry numbers. An Aadhaar number is
	// never held in clear: see Identifier.
	Identifiers []Identifier `json:"identifiers,omitempty"`
	// Nationality is an ISO 3166-1 alpha-2 country code, such as IN.
	Nationality string `json:"nationality,omitempty"`
	// Occupation is free text.
	Occupation string `json:"occupation,omitempty"`
}

// Name is one written form of a person's name. Text is stored in Unicode
// normalization form C (see NormalizeName).
type Name struct {
	// Full is the name as written.
	Full string `json:"full"`
	// Given, Middle and Family are the parts when the sender gives them.
	Given  string `json:"given,omitempty"`
	Middle string `json:"middle,omitempty"`
	Family string `json:"family,omitempty"`
	// Initials are the initials written before or after a South Indian
	// name, such as "K. R." for house and father's names.
	Initials string `json:"initials,omitempty"`
	// Script is the ISO 15924 code of the writing system: Latn, Mlym,
	// Deva, Taml and so on. DetectScript fills it when the sender did not.
	Script string `json:"script,omitempty"`
}

// Sex values follow the categories of Indian police forms.
type Sex string

// Sex values.
const (
	SexMale        Sex = "male"
	SexFemale      Sex = "female"
	SexTransgender Sex = "transgender"
	SexUnknown     Sex = "unknown"
)

// Age is an age in whole years as stated on a given date.
type Age struct {
	Years int `json:"years"`
	// AsOf is the date the age was stated, YYYY-MM-DD.
	AsOf string `json:"as_of,omitempty"`
}

// Relative is a named relation that identifies a person.
type Relative struct {
	// Relation is father, mother, husband, wife or guardian.
	Relation string `json:"relation"`
	Name     string `json:"name"`
}

// Address is a postal address. PIN is the six-digit Indian postal index
// number.
type Address struct {
	// Kind is present, permanent, occurrence or other.
	Kind     string `json:"kind,omitempty"`
	Line     string `json:"line,omitempty"`
	Locality string `json:"locality,omitempty"`
	City     string `json:"city,omitempty"`
	District string `json:"district,omitempty"`
	State    string `json:"state,omitempty"`
	PIN      string `json:"pin,omitempty"`
	// Country is an ISO 3166-1 alpha-2 code.
	Country string `json:"country,omitempty"`
}

// Identifier is a document or registry number.
//
// An Aadhaar number is never held in clear. Adapters that receive one
// replace it with MaskAadhaar's result: Value keeps only the last four
// digits and Token carries a keyed digest for exact matching.
type Identifier struct {
	// Type is one of the IDType constants, or the sender's own category
	// when it fits none of them.
	Type string `json:"type"`
	// Value is the number as issued, or its masked form.
	Value string `json:"value"`
	// Issuer is the issuing authority or country when known.
	Issuer string `json:"issuer,omitempty"`
	// Token is a keyed digest of a masked value, for matching without the
	// clear value. Empty unless Value is masked.
	Token string `json:"token,omitempty"`
}

// Identifier types.
const (
	IDAadhaar        = "aadhaar"
	IDPassport       = "passport"
	IDPAN            = "pan"
	IDVoter          = "voter_id"
	IDDrivingLicence = "driving_licence"
	IDRationCard     = "ration_card"
	IDTax            = "tax_id"
	IDCCTNSPerson    = "cctns_person"
	IDOther          = "other"
)

// UniqueIdentifiers returns ids without the identifiers equal in every
// field to an earlier one, in their order. One Aadhaar number written
// twice, in two spellings or scripts, masks to two equal identifiers,
// and a receiver given both would count two documents.
func UniqueIdentifiers(ids []Identifier) []Identifier {
	if len(ids) < 2 {
		return ids
	}
	out := make([]Identifier, 0, len(ids))
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
