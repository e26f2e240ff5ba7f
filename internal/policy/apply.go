package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/sangam-hub/sangam/canonical"
)

// Decision explains what Apply did with one message, so a journal entry
// or an administrator can see what a destination would receive.
type Decision struct {
	// Policy is the name of the policy applied.
	Policy string `json:"policy"`
	// Type is the message's type.
	Type canonical.Type `json:"type"`
	// Allowed is false when the policy does not deliver this type at all.
	Allowed bool `json:"allowed"`
	// Removed lists the paths, in normal form, of fields present in the
	// message and left out of the result, sorted. A removed object or
	// array is listed once, without the members below it.
	Removed []string `json:"removed,omitempty"`
	// Masked lists the fields present in the message and delivered
	// masked, sorted by path. Kind MaskAadhaar marks an Aadhaar value
	// that Apply brought to the masked form.
	Masked []MaskRule `json:"masked,omitempty"`
}

// MaskAadhaar marks, in a Decision, an Aadhaar value that was not in the
// masked form and that Apply masked. Policies cannot name it.
const MaskAadhaar MaskKind = "aadhaar"

// ErrClearAadhaar marks a message that carries an Aadhaar number in
// clear. No destination may receive it, so the delivery should not be
// retried with the same message.
var ErrClearAadhaar = errors.New("Aadhaar number in clear: canonical messages contain only " +
	"the masked form, XXXXXXXX and the last four digits")

// Apply returns the part of m that the policy lets its destination
// receive, and a Decision that explains it. The result is a deep copy:
// m is never modified.
//
// When the policy does not deliver m's type, Apply returns a zero
// Message, a Decision with Allowed false, and a nil error. The caller
// must then deliver nothing. Apply returns an error when m has no body or
// several (see canonical.Message.CheckBody), when an Aadhaar identifier
// holds a run of 12 or more digits (ErrClearAadhaar) or has no masked
// form, and when a year-only mask finds a value that is not a date.
//
// Apply works on the canonical JSON form: it marshals m, walks the
// decoded maps and arrays, and unmarshals the result. Field paths are
// JSON names, so the walk needs no reflection, and the round trip is the
// deep copy. Validate has already checked that every mask leaves a value
// of the field's Go type, so the result always decodes.
//
// When the policy allows m's whole body and masks nothing in it, the walk
// changes only Aadhaar identifiers. Apply then copies m field by field,
// with the copier in copy.go, which gives the value the round trip
// gives, and brings the Aadhaar identifiers of the copy to the delivered
// form. It takes the round trip instead when the copier cannot reproduce
// it for m, or when an Aadhaar identifier makes Apply fail, so that the
// result, the Decision and the error are always the round trip's.
func (c *Compiled) Apply(m *canonical.Message) (canonical.Message, Decision, error) {
	return c.applyMessage(m, true)
}

// applyMessage is Apply. With copyWhole false it always takes the JSON
// round trip, which tests compare with the copy.
func (c *Compiled) applyMessage(m *canonical.Message, copyWhole bool) (canonical.Message, Decision, error) {
	if m == nil {
		return canonical.Message{}, Decision{Policy: c.policy.Name},
			fmt.Errorf("applying policy %q: nil message", c.policy.Name)
	}
	d := Decision{Policy: c.policy.Name, Type: m.Type}
	if !c.types[m.Type] {
		return canonical.Message{}, d, nil
	}
	d.Allowed = true
	out, err := c.apply(m, &d, copyWhole)
	if err != nil {
		return canonical.Message{}, d, fmt.Errorf("applying policy %q to %s message: %w",
			c.policy.Name, m.Type, err)
	}
	return out, d, nil
}

func (c *Compiled) apply(m *canonical.Message, d *Decision, copyWhole bool) (canonical.Message, error) {
	if err := m.CheckBody(); err != nil {
		return canonical.Message{}, err
	}
	body, _ := bodyName(m.Type)
	if copyWhole && c.whole[body] {
		if out, ok := c.copyWhole(m, body, d); ok {
			return out, nil
		}
	}
	doc, err := toTree(m)
	if err != nil {
		return canonical.Message{}, err
	}
	w := &walker{c: c, removed: map[string]bool{}, masked: map[string]MaskKind{}}
	if err := w.aadhaar(doc, messageFields(), ""); err != nil {
		return canonical.Message{}, err
	}
	if err := w.message(doc, body); err != nil {
		return canonical.Message{}, err
	}
	d.Removed, d.Masked = w.results()
	return fromTree(doc)
}

// copyWhole returns what the JSON round trip and the walk give for m,
// whose body the policy allows whole, and false when it cannot copy m so
// or when an Aadhaar identifier makes the walk fail. CheckBody has
// already passed, so m's members are the envelope and body, which
// w.message keeps, and the other bodies, which are nil and left out of
// the JSON form.
func (c *Compiled) copyWhole(m *canonical.Message, body string, d *Decision) (canonical.Message, bool) {
	copier, err := messageCopier()
	if err != nil {
		return canonical.Message{}, false
	}
	var out canonical.Message
	dst := reflect.ValueOf(&out).Elem()
	src := reflect.ValueOf(m).Elem()
	for i := range copier.members {
		member := &copier.members[i]
		v := src.Field(member.index)
		if member.omitted(v) {
			continue
		}
		if !envelopeFields[member.name] && member.name != body {
			// w.message would remove the member and report it.
			return canonical.Message{}, false
		}
		if !(*member.copy)(dst.Field(member.index), v) {
			return canonical.Message{}, false
		}
	}
	w := &walker{c: c, removed: map[string]bool{}, masked: map[string]MaskKind{}}
	var pattern []byte
	if !w.aadhaarInCopy(dst, messageFields(), &pattern) {
		return canonical.Message{}, false
	}
	d.Removed, d.Masked = w.results()
	return out, true
}

// toTree returns the canonical JSON form of m as maps and arrays, with
// numbers kept as json.Number so they come back exact.
func toTree(m *canonical.Message) (map[string]any, error) {
	data, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encoding message: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("decoding message: %w", err)
	}
	return doc, nil
}

func fromTree(doc map[string]any) (canonical.Message, error) {
	data, err := json.Marshal(doc)
	if err != nil {
		return canonical.Message{}, fmt.Errorf("encoding filtered message: %w", err)
	}
	var out canonical.Message
	if err := json.Unmarshal(data, &out); err != nil {
		return canonical.Message{}, fmt.Errorf("decoding filtered message: %w", err)
	}
	return out, nil
}

// walker carries one Apply's state through the JSON tree. Paths it
// records are in normal form, such as "chargesheet.accused[].person".
type walker struct {
	c       *Compiled
	removed map[string]bool
	masked  map[string]MaskKind
}

// message keeps the envelope and the body named body, filtered, and drops
// any other member.
func (w *walker) message(doc map[string]any, body string) error {
	for key, v := range doc {
		switch {
		case envelopeFields[key]:
		case key == body:
			obj, ok := v.(map[string]any)
			if !ok {
				return fmt.Errorf("%s: body is not a JSON object", key)
			}
			r := w.c.bodies[body]
			if err := w.object(obj, r, r.allow, key); err != nil {
				return err
			}
		default:
			delete(doc, key)
			w.removed[key] = true
		}
	}
	return nil
}

// object filters the members of obj by r, the rule for obj's path, or
// nil when no rule names anything below it. allowed is true when a path
// at or above obj is allowed.
func (w *walker) object(obj map[string]any, r *rule, allowed bool, path string) error {
	birthYear := ""
	for key, v := range obj {
		var kid *rule
		if r != nil {
			kid = r.kids[key]
		}
		p := path + "." + key
		kidAllowed := allowed || (kid != nil && kid.allow)
		if !kidAllowed && (kid == nil || (kid.mask == "" && !isContainer(v))) {
			delete(obj, key)
			w.removed[p] = true
			continue
		}
		nv, err := w.value(v, kid, kidAllowed, p)
		if err != nil {
			return err
		}
		obj[key] = nv
		if key == "date_of_birth" && kid != nil && kid.mask == MaskYearOnly {
			birthYear, _ = nv.(string)
		}
	}
	if birthYear != "" {
		// A person's masked date of birth travels as birth_year, the field
		// that holds a year alone, so the result stays a valid message.
		delete(obj, "date_of_birth")
		delete(w.masked, path+".date_of_birth")
		obj["birth_year"] = json.Number(birthYear)
		w.masked[path+".birth_year"] = MaskYearOnly
		delete(w.removed, path+".birth_year")
	}
	return nil
}

// value returns v masked or filtered by r. An array's elements all take
// the array's rule.
func (w *walker) value(v any, r *rule, allowed bool, path string) (any, error) {
	if r != nil && r.mask != "" {
		w.masked[path] = r.mask
		return maskValue(v, r.mask, path)
	}
	switch t := v.(type) {
	case map[string]any:
		return t, w.object(t, r, allowed, path)
	case []any:
		for i := range t {
			nv, err := w.value(t[i], r, allowed, path+"[]")
			if err != nil {
				return nil, err
			}
			t[i] = nv
		}
	}
	return v, nil
}

func isContainer(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return true
	}
	return false
}

// results returns the removed and masked paths, leaving out those inside
// a removed field.
func (w *walker) results() ([]string, []MaskRule) {
	all := sortedKeys(w.removed)
	var removed []string
	for _, p := range all {
		if !insideAny(p, all) {
			removed = append(removed, p)
		}
	}
	var masked []MaskRule
	for p, kind := range w.masked {
		if !insideAny(p, removed) {
			masked = append(masked, MaskRule{Path: p, Kind: kind})
		}
	}
	slices.SortFunc(masked, func(a, b MaskRule) int { return strings.Compare(a.Path, b.Path) })
	return removed, masked
}

// insideAny reports whether path lies strictly inside one of prefixes.
func insideAny(path string, prefixes []string) bool {
	for _, p := range prefixes {
		if p != path && covers(p, path) {
			return true
		}
	}
	return false
}
