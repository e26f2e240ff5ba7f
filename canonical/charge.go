package canonical

import (
	"fmt"
	"regexp"
	"strconv"
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
	ipcSection = regexp.MustCompile(`^([0-9]{1,3})([A-Z]{0,2})(\([0-9]+\))?$`)
	bnsSection = regexp.MustCompile(`^([0-9]{1,3})(\([0-9]+\))?(\([a-z]\))?$`)
)

// Highest section numbers of the two penal codes.
const (
	ipcLastSection = 511
	bnsLastSection = 358
)

// CheckSection returns an error when act is IPC or BNS and section is not
// a section of it. Sections of other acts are not checked.
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
		return fmt.Errorf("unknown %s section %q: want a number with optional "+
			"sub-section, such as %s", act, section, sectionExample(act))
	}
	n, _ := strconv.Atoi(m[1])
	if n < 1 || n > last {
		return fmt.Errorf("unknown %s section %q: %s has sections 1 to %d", act, section, act, last)
	}
	return nil
}

func sectionExample(act string) string {
	if act == ActIPC {
		return `"302" or "498A"`
	}
	return `"103(1)" or "326(f)"`
}

// WithEquivalent returns c with Equivalent filled from the IPC-BNS table
// when the table has its section.
func (c Charge) WithEquivalent() Charge {
	if s, ok := EquivalentSection(c.Act, c.Section); ok {
		c.Equivalent = &s
	}
	return c
}
