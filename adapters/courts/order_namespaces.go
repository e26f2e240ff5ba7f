package courts

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/beevik/etree"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/xmlsafe"
)

// RuleNamespace is the violation rule of an order document with an
// element or attribute in a NIEM namespace that the hub does not read
// with the order's Justice namespace, or with an element in no namespace.
const RuleNamespace = "namespace"

// acceptedVocabularies lists the namespace pairs of orderVocabularies,
// for the message of a namespace the hub does not read.
func acceptedVocabularies() string {
	byCore := map[string][]string{}
	for justice, core := range orderVocabularies {
		byCore[core] = append(byCore[core], justice)
	}
	var pairs []string
	for _, core := range slices.Sorted(maps.Keys(byCore)) {
		justice := byCore[core]
		slices.Sort(justice)
		pairs = append(pairs, fmt.Sprintf("NIEM core %s with Justice %s", core, strings.Join(justice, ", ")))
	}
	return "the hub reads " + strings.Join(pairs, "; and ")
}

// slashHint returns a note for a namespace that names a known one but
// for its trailing slash, and "" for any other.
func slashHint(space string, known func(string) bool) string {
	if !strings.HasSuffix(space, "/") && known(space+"/") {
		return fmt.Sprintf(" (the hub reads %s, with a trailing slash)", space+"/")
	}
	return ""
}

// unknownJustice records a violation at the first child of root named
// Warrant or CourtOrder in a namespace that is not one of
// orderVocabularies, and reports whether it found one.
func (d *decoder) unknownJustice(root *etree.Element) bool {
	for _, c := range root.ChildElements() {
		n := xmlsafe.NameOf(c)
		if n.Local != "Warrant" && n.Local != "CourtOrder" {
			continue
		}
		known := func(space string) bool { _, ok := orderVocabularies[space]; return ok }
		d.fail(xmlsafe.Pointer(c), RuleNamespace, "namespace %s of <%s> is not a Justice namespace "+
			"the hub reads%s: %s", canonical.QuoteMasked(n.Space), c.FullTag(), slashHint(n.Space, known), acceptedVocabularies())
		return true
	}
	return false
}

// checkVocabulary records a violation for each NIEM core, Justice or
// structures namespace other than v's, and for elements in no namespace,
// at the first element or attribute under root that uses it. It reports
// whether there was none.
func (d *decoder) checkVocabulary(root *etree.Element, v vocabulary) bool {
	reported := map[string]bool{}
	report := func(space, pointer, tag string) {
		if reported[space] {
			return
		}
		reported[space] = true
		switch {
		case space == "":
			d.fail(pointer, RuleNamespace, "%s has no namespace, so the hub cannot read it as a "+
				"NIEM element: declare the namespace of its prefix, such as xmlns:nc for nc:, "+
				"and write it with that prefix; %s", tag, acceptedVocabularies())
		case strings.Contains(space, "/structures/"):
			known := func(s string) bool { return s == v.structures }
			d.fail(pointer, RuleNamespace, "namespace %s of %s is not the NIEM structures namespace "+
				"of the order's release%s: an order in Justice namespace %s uses %s", canonical.QuoteMasked(space), tag,
				slashHint(space, known), v.justice, v.structures)
		default:
			known := func(s string) bool { return s == v.core || s == v.justice }
			d.fail(pointer, RuleNamespace, "namespace %s of %s is not one the hub reads with Justice "+
				"namespace %s%s: %s", canonical.QuoteMasked(space), tag, v.justice, slashHint(space, known), acceptedVocabularies())
		}
	}
	var walk func(e *etree.Element)
	walk = func(e *etree.Element) {
		space := e.NamespaceURI()
		// The root element may have any name, in any namespace or none.
		if e != root && (space == "" || space != v.core && space != v.justice && isNIEMVocabulary(space)) {
			report(space, xmlsafe.Pointer(e), "<"+e.FullTag()+">")
		}
		for _, a := range e.Attr {
			space := a.NamespaceURI()
			if a.Space != "" && strings.Contains(space, "/structures/") && space != v.structures {
				report(space, xmlsafe.Pointer(e), "attribute "+a.FullKey()+" of <"+e.FullTag()+">")
			}
		}
		for _, c := range e.ChildElements() {
			walk(c)
		}
	}
	walk(root)
	return len(reported) == 0
}

// isNIEMVocabulary reports whether space names a NIEM core or Justice
// namespace of any release, such as http://niem.gov/niem/niem-core/2.0
// or http://release.niem.gov/niem/domains/jxdm/6.0/.
func isNIEMVocabulary(space string) bool {
	return strings.Contains(space, "/niem-core/") || strings.Contains(space, "/jxdm/")
}
