package jurisdiction

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

var (
	pinPattern = regexp.MustCompile(`^[1-9][0-9]{5}$`)
	// codePattern is the format of a CCTNS code, as the passport and
	// police schemas give it for a report's police_station and the
	// routes for a destination's police_unit. A code outside it could be
	// assigned to requests, but no report could name it.
	codePattern = regexp.MustCompile(`^[A-Z0-9_-]{1,32}$`)
)

// maxProblems is the maximum number of problems that Load's error
// lists. The error counts the problems beyond it.
const maxProblems = 50

// checker collects the problems of a table, each with the line of the
// value at fault.
type checker struct {
	root     *yaml.Node
	problems []problem
	// unread are the lines of the values that the decoder left unset
	// for their type. A problem of a station or office that contains one
	// is left out, since the unset value would cause it.
	unread []int
	// shifted names the lists, district_offices or stations, that the
	// decoder left an item out of. The index of each later item is then
	// not its place in the file, so no problem of the list is listed.
	shifted map[string]bool
}

// problem is one problem of a table, at a line of the file.
type problem struct {
	line int
	text string
}

// add records a problem of the value at path, whose first two elements
// lead to a list item, and field names the value within the item. An
// empty path is the whole table.
func (c *checker) add(path []any, field, format string, args ...any) {
	if c.incomplete(path) {
		return
	}
	where := field
	if len(path) >= 2 {
		where = c.itemName(path[0], path[1]) + ": " + field
	}
	c.problems = append(c.problems, problem{lineOf(c.root, path...),
		where + ": " + fmt.Sprintf(format, args...)})
}

// incomplete reports whether the list item that path leads to, or the
// list when path has one element, contains a value the decoder left
// unset.
func (c *checker) incomplete(path []any) bool {
	if len(path) == 0 {
		return false
	}
	if list, ok := path[0].(string); ok && c.shifted[list] {
		return true
	}
	n := top(c.root)
	for _, step := range path[:min(len(path), 2)] {
		if n = child(n, step); n == nil {
			return false
		}
	}
	first, last := n.Line, lastLine(n)
	return slices.ContainsFunc(c.unread, func(line int) bool { return first <= line && line <= last })
}

// itemName names item index of list, with its code when it has one,
// such as stations[2] "EKM0412".
func (c *checker) itemName(list, index any) string {
	name := fmt.Sprintf("%s[%d]", list, index)
	n := top(c.root)
	for _, step := range []any{list, index, "code"} {
		if n = child(n, step); n == nil {
			return name
		}
	}
	if n.Kind == yaml.ScalarNode && n.Value != "" {
		name += fmt.Sprintf(" %q", n.Value)
	}
	return name
}

// err returns the problems in the order of their lines, or nil when
// there are none.
func (c *checker) err() error {
	if len(c.problems) == 0 {
		return nil
	}
	slices.SortStableFunc(c.problems, func(a, b problem) int { return a.line - b.line })
	listed := c.problems
	more := ""
	if len(listed) > maxProblems {
		listed = listed[:maxProblems]
		more = fmt.Sprintf("\n  and %d more problems", len(c.problems)-maxProblems)
	}
	lines := make([]string, len(listed))
	for i, p := range listed {
		lines[i] = p.String()
	}
	return errors.New("invalid jurisdiction table:\n" + indent(strings.Join(lines, "\n")) + more)
}

// String returns p as the error lists it.
func (p problem) String() string {
	if p.line == 0 {
		return p.text
	}
	return fmt.Sprintf("line %d: %s", p.line, p.text)
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(s, "\n", "\n  ")
}

// checkCode records the problems of a code of a district office or a
// station at path.
func (c *checker) checkCode(path []any, code string) {
	switch {
	case code == "":
		c.add(append(path, "code"), "code", "missing")
	case !codePattern.MatchString(code):
		c.add(append(path, "code"), "code", "invalid code %q: want 1 to 32 capital letters, "+
			"digits, hyphens or underscores, as CCTNS codes are written, such as EKM0412 or "+
			"KOCHI-CITY", code)
	}
}

// duplicateCode records a problem, with fix as its remedy, when code,
// of the list item at path, is the code of an earlier item, and reports
// whether it is. first maps each code to the index of its first item.
func (c *checker) duplicateCode(path []any, code string, first map[string]int, fix string) bool {
	if code == "" {
		return false
	}
	earlier, dup := first[code]
	if !dup {
		first[code] = path[1].(int)
		return false
	}
	c.add(append(path, "code"), "code", "%s is also the code of %s[%d], at line %d: %s",
		code, path[0], earlier, lineOf(c.root, path[0], earlier), fix)
	return true
}

func (c *checker) checkName(path []any, name string) {
	if strings.TrimSpace(name) == "" {
		c.add(append(path, "name"), "name", "missing")
	}
}

// officesByCode returns the district offices of list by code, and the
// valid codes in the order listed.
func (c *checker) officesByCode(list []Office) (map[string]Office, []string) {
	out := map[string]Office{}
	index := map[string]int{}
	var codes []string
	for i, o := range list {
		path := []any{"district_offices", i}
		c.checkCode(path, o.Code)
		if c.duplicateCode(path, o.Code, index, "give each office its own code") {
			continue
		}
		c.checkName(path, o.Name)
		out[o.Code] = o
		// An invalid code has its own problem, and is no code to offer
		// a station that names an unknown office.
		if codePattern.MatchString(o.Code) {
			codes = append(codes, o.Code)
		}
	}
	return out, codes
}

// owner is the station that lists a PIN, or a PIN and locality.
type owner struct {
	index int
	code  string
}

func (t *Table) build(d document, c *checker) {
	offices, officeCodes := c.officesByCode(d.DistrictOffices)
	stationIndex := map[string]int{}
	pins := map[string]owner{}
	localities := map[localityKey]owner{}
	// A list of offices with a value of the wrong type may lack an
	// office that the stations name.
	officesRead := !c.incomplete([]any{"district_offices"})
	for i, e := range d.Stations {
		path := []any{"stations", i}
		c.checkCode(path, e.Code)
		c.duplicateCode(path, e.Code, stationIndex, "list each station once, with all its PINs")
		c.officeCode(path, e.Code, d.DistrictOffices)
		c.checkName(path, e.Name)
		office, ok := offices[e.DistrictOffice]
		switch {
		case e.DistrictOffice == "":
			c.add(append(path, "district_office"), "district_office",
				"missing: want the code of one of district_offices (%s)", listCodes(officeCodes))
		case !ok && officesRead:
			c.add(append(path, "district_office"), "district_office",
				"unknown district office %q: want the code of one of district_offices (%s)",
				e.DistrictOffice, listCodes(officeCodes))
		}
		if len(e.PINs) == 0 && len(e.Localities) == 0 {
			c.add(path, "pins", "missing: the station serves no address; list its PINs under "+
				"pins, or the localities of PINs it shares under localities")
		}
		s := Station{Code: e.Code, Name: e.Name, DistrictOffice: office}
		t.stations = append(t.stations, s)
		me := owner{index: i, code: e.Code}
		t.addPINs(c, s, me, e.PINs, pins)
		t.addLocalities(c, s, me, e.Localities, localities)
	}
}

// officeCode records a problem when code, of the station at path, is
// also the code of one of offices.
func (c *checker) officeCode(path []any, code string, offices []Office) {
	i := slices.IndexFunc(offices, func(o Office) bool { return o.Code == code })
	if code == "" || i < 0 {
		return
	}
	c.add(append(path, "code"), "code", "%s is also the code of district_offices[%d], at line %d: "+
		"give the station a code of its own, because reports and the routes' police_unit name "+
		"each unit by its code", code, i, lineOf(c.root, "district_offices", i))
}

// listCodes joins codes for an error message, or returns a note that
// there are none.
func listCodes(codes []string) string {
	if len(codes) == 0 {
		return "the table lists none"
	}
	return strings.Join(codes, ", ")
}

// checkPIN records the problem of a PIN at path, and reports whether it
// is valid.
func (c *checker) checkPIN(path []any, field, pin string) bool {
	if pinPattern.MatchString(pin) {
		return true
	}
	if pin == "" {
		c.add(path, field, "missing PIN")
	} else {
		c.add(path, field, "invalid PIN %q: want six digits, not starting with 0", pin)
	}
	return false
}

// addPINs adds the PINs that station s, stations[me.index], lists under
// pins. owners maps each PIN added so far to its station.
func (t *Table) addPINs(c *checker, s Station, me owner, list []string, owners map[string]owner) {
	for j, pin := range list {
		path := []any{"stations", me.index, "pins", j}
		field := fmt.Sprintf("pins[%d]", j)
		if !c.checkPIN(path, field, pin) {
			continue
		}
		if other, dup := owners[pin]; dup {
			if other.index == me.index {
				c.add(path, field, "PIN %s is listed twice: list each PIN once", pin)
			} else {
				c.add(path, field, "PIN %s is also under pins of stations[%d] %q, at line %d: "+
					"two stations that share a PIN list its localities under localities, each "+
					"the ones it serves, and at most one lists the PIN under pins for the rest",
					pin, other.index, other.code, lineOf(c.root, "stations", other.index))
			}
			continue
		}
		owners[pin] = me
		t.byPIN[pin] = s
	}
}

// addLocalities adds the PIN and locality pairs that station s,
// stations[me.index], lists under localities. owners maps each pair
// added so far to its station.
func (t *Table) addLocalities(
	c *checker,
	s Station,
	me owner,
	list []localityEntry,
	owners map[localityKey]owner,
) {
	for j, l := range list {
		path := []any{"stations", me.index, "localities", j}
		field := fmt.Sprintf("localities[%d]", j)
		key := localityKey{l.PIN, foldLocality(l.Locality)}
		valid := c.checkPIN(append(path, "pin"), field+".pin", l.PIN)
		if key.locality == "" {
			c.add(append(path, "locality"), field+".locality", "missing")
			valid = false
		}
		if !valid {
			continue
		}
		if other, dup := owners[key]; dup {
			if other.index == me.index {
				c.add(path, field, "PIN %s locality %q is listed twice: list each locality once",
					l.PIN, l.Locality)
			} else {
				c.add(path, field, "PIN %s locality %q is also under localities of stations[%d] "+
					"%q, at line %d: one locality is served by one station", l.PIN, l.Locality,
					other.index, other.code, lineOf(c.root, "stations", other.index))
			}
			continue
		}
		owners[key] = me
		t.byLocality[key] = s
		t.localities[l.PIN] = append(t.localities[l.PIN], l.Locality)
	}
}
