package canonical

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Act codes for the penal codes the hub checks section by section. Other
// acts (special and local laws such as the NDPS Act) are carried as the
// sender names them.
const (
	ActIPC = "IPC" // Indian Penal Code, 1860, for offences before 1 July 2024
	ActBNS = "BNS" // Bharatiya Nyaya Sanhita, 2023, from 1 July 2024
)

// BNSCommencement is the day the BNS replaced the IPC. Offences committed
// before it stay under the IPC.
var BNSCommencement = time.Date(2024, time.July, 1, 0, 0, 0, 0, indiaZone)

var indiaZone = time.FixedZone("IST", 5*3600+1800)

// Charge is one act and section a case or person is charged under.
type Charge struct {
	// Sequence is the charge's position in the filing, from 1.
	Sequence int `json:"sequence,omitempty"`
	// Act is ActIPC, ActBNS or the name or code of another act.
	Act string `json:"act"`
	// Section is the section with any sub-section and clause, such as
	// "103(1)" or "498A".
	Section string `json:"section,omitempty"`
	// OffenseID is the sender's own offence code, when it has one.
	OffenseID string `json:"offense_id,omitempty"`
	// Description is the offence as the sender words it.
	Description string `json:"description,omitempty"`
	// Equivalent is the section of the other penal code that corresponds
	// to this one (BNS for an IPC charge and the reverse), when the hub's
	// table has it.
	Equivalent *Statute `json:"equivalent,omitempty"`
}

// Statute is an act and a section.
type Statute struct {
	Act     string `json:"act"`
	Section string `json:"section"`
}

var (
	ipcSection = regexp.MustCompile(`^([0-9]{1,3})([A-Z]{0,2})(\([0-9]+\)(\([a-z]{1,4}\))?)?$`)
	bnsSection = regexp.MustCompile(`^([0-9]{1,3})(\([0-9]+\))?(\([a-z]{1,4}\))?$`)
)

// Highest section numbers of the two penal codes.
const (
	ipcLastSection = 511
	bnsLastSection = 358
)

// ipcLettered lists the IPC's sections with a letter suffix, as Parliament
// inserted them up to 2018. The BNS numbers its sections without letters.
//
// NOTE: compiled by hand from the IPC as amended. A section that a state
// amendment inserted is not listed, so it is rejected until it is added.
var ipcLettered = map[string]bool{
	"29A": true, "52A": true, "53A": true, "55A": true, "108A": true,
	"120A": true, "120B": true, "121A": true, "124A": true,
	"153A": true, "153AA": true, "153B": true, "166A": true, "166B": true,
	"171A": true, "171B": true, "171C": true, "171D": true, "171E": true,
	"171F": true, "171G": true, "171H": true, "171I": true, "174A": true,
	"195A": true, "216A": true, "225A": true, "225B": true, "228A": true,
	"229A": true, "263A": true, "294A": true, "295A": true, "304A": true,
	"304B": true, "326A": true, "326B": true, "354A": true, "354B": true,
	"354C": true, "354D": true, "363A": true, "364A": true, "366A": true,
	"366B": true, "370A": true, "376A": true, "376AB": true, "376B": true,
	"376C": true, "376D": true, "376DA": true, "376DB": true, "376E": true,
	"477A": true, "489A": true, "489B": true, "489C": true, "489D": true,
	"489E": true, "498A": true,
}

// CheckSection returns an error when act is IPC or BNS and section is not
// a section of it. Sub-sections and clauses are checked for their form
// only, and sections of other acts not at all.
func CheckSection(act, section string) error {
	var pattern *regexp.Regexp
	var last int
	switch act {
	case ActIPC:
		pattern, last = ipcSection, ipcLastSection
	case ActBNS:
		pattern, last = bnsSection, bnsLastSection
	default:
		return nil
	}
	m := pattern.FindStringSubmatch(section)
	if m == nil {
		if written := codeForm(section); written != section && CheckSection(act, written) == nil {
			return fmt.Errorf("invalid %s section %s: the code writes it %s; send it so", act,
				QuoteMasked(section), QuoteMasked(written))
		}
		return fmt.Errorf("unknown %s section %s: want a number with optional "+
			"sub-section and clause, such as %s", act, QuoteMasked(section), sectionExample(act))
	}
	n, _ := strconv.Atoi(m[1])
	if n < 1 || n > last {
		return fmt.Errorf("unknown %s section %s: %s has sections 1 to %d", act, QuoteMasked(section), act, last)
	}
	if act == ActIPC && m[2] != "" && !ipcLettered[m[1]+m[2]] {
		return fmt.Errorf("unknown IPC section %s: the IPC has no section %s%s", QuoteMasked(section), m[1], m[2])
	}
	return nil
}

// codeForm returns section as the penal codes write it, as far as the
// notations common in records allow. It drops spaces and a hyphen before
// a letter suffix and writes the suffix in capitals, so "498-a" becomes
// 498A and "376 (2)(n)" becomes 376(2)(n). A leading sign is no
// notation of a section, so "-5" stays as it is.
func codeForm(section string) string {
	s := strings.ReplaceAll(section, " ", "")
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
		return s
	}
	number, rest, _ := strings.Cut(s, "(")
	number = strings.ToUpper(strings.ReplaceAll(number, "-", ""))
	if rest != "" {
		return number + "(" + rest
	}
	return number
}

func sectionExample(act string) string {
	if act == ActIPC {
		return `"302", "498A" or "376(2)(n)"`
	}
	return `"103(1)" or "64(2)(m)"`
}

// WithEquivalent returns c with Equivalent filled from the IPC-BNS table
// when the table has its section.
func (c Charge) WithEquivalent() Charge {
	if s, ok := EquivalentSection(c.Act, c.Section); ok {
		c.Equivalent = &s
	}
	return c
}
