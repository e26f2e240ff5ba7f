// Package policycheck tries each destination's policy on sample messages
// before a routes document is saved. A policy that removes or masks what
// the destination agency's format needs would send every delivery of that
// type to dead letter, because none of them encodes. The check finds
// such a policy when the document is saved instead, and a route that
// sends samples to a destination whose format cannot encode their type.
//
// The samples, in the samples folder, are canonical messages as the hub
// keeps them after accepting them, decoded from the agencies' documents
// of the adapters' tests. A policy passes a message type when each
// sample of that type that the agency's adapter encodes as it is still
// encodes once the policy has been applied.
//
// An adapter may also declare, through adapters.KeyFields, fields that
// its receivers need exactly as the hub holds them, such as a file number
// that a reply quotes back. A policy fails a message type when it removes
// or masks such a field, or any member below it, whether or not a sample
// of that type has the member.
//
// NOTE: samples cannot show every field a format needs in every case. A
// policy that passes may still fail on a message unlike them, and routes
// explain shows what one message would give.
package policycheck

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/policy"
	"github.com/sangam-hub/sangam/routes"
)

//go:embed samples/*.json
var files embed.FS

// Sample is one sample message and the name of its file.
type Sample struct {
	Name    string
	Message canonical.Message
}

var (
	loadOnce sync.Once
	loaded   []Sample
	loadErr  error
)

// Samples returns the sample messages, sorted by file name. Each call
// returns fresh copies, so a caller may change them.
func Samples() ([]Sample, error) {
	loadOnce.Do(func() { loaded, loadErr = load() })
	if loadErr != nil {
		return nil, loadErr
	}
	out := make([]Sample, len(loaded))
	for i, s := range loaded {
		m, err := copyMessage(&s.Message)
		if err != nil {
			return nil, err
		}
		out[i] = Sample{Name: s.Name, Message: m}
	}
	return out, nil
}

func load() ([]Sample, error) {
	names, err := fs.Glob(files, "samples/*.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	out := make([]Sample, 0, len(names))
	for _, name := range names {
		data, err := files.ReadFile(name)
		if err != nil {
			return nil, err
		}
		var m canonical.Message
		if err := json.Unmarshal(data, &m); err != nil {
			return nil, fmt.Errorf("sample %s: %w", name, err)
		}
		out = append(out, Sample{Name: strings.TrimSuffix(path.Base(name), ".json"), Message: m})
	}
	return out, nil
}

// copyMessage returns a deep copy of m by way of its JSON form.
func copyMessage(m *canonical.Message) (canonical.Message, error) {
	data, err := json.Marshal(m)
	if err != nil {
		return canonical.Message{}, err
	}
	var out canonical.Message
	err = json.Unmarshal(data, &out)
	return out, err
}

// Check applies each destination's policy in t to every sample of a type
// the policy accepts and that the adapter of the destination's agency,
// found by adapterFor, encodes as it is. It returns a
// *routes.InvalidError that lists, each at the destination's policy:
//
//   - with rule routes.RulePolicyEncoding, each destination and message
//     type whose samples no longer encode once the policy has been
//     applied. The message names the sample, the fields the policy removed
//     or masked and the adapter's error. A type the policy accepts whose
//     samples the format encodes none of is such a problem too.
//   - with rule routes.RulePolicyKeyField, each destination, message type
//     and field that the adapter declares in adapters.KeyFields that the
//     policy removes or masks, at the field or below it. The message names
//     the field, what the policy does to it and why the receiver needs it.
//   - with rule routes.RuleRouteEncoding, each route and destination
//     that the route sends a sample to whose format encodes no sample of
//     that type.
//
// Destinations whose agency has no adapter are left to
// routes.Config.CheckAgencies.
func Check(t *routes.Table, adapterFor func(agency string) (adapters.Adapter, bool)) error {
	samples, err := Samples()
	if err != nil {
		return fmt.Errorf("reading the policy check's samples: %w", err)
	}
	var problems []routes.Problem
	// encodable[agency][j] is true when the agency's format encodes
	// sample j as it is, which does not depend on the destination.
	encodable := map[string][]bool{}
	for i, dest := range t.Config().Destinations {
		adapter, ok := adapterFor(dest.Agency)
		if !ok {
			continue
		}
		p, ok := t.Policy(dest.Name)
		if !ok {
			continue
		}
		if _, done := encodable[dest.Agency]; !done {
			encodable[dest.Agency] = encodesAsIs(adapter, samples)
		}
		d := destinationCheck{index: i, name: dest.Name, policy: p, adapter: adapter,
			reported: map[string]bool{}}
		if dest.Policy != nil {
			problems = append(problems, d.unencodableTypes(dest.Policy.Types, samples, encodable[dest.Agency])...)
		}
		for j := range samples {
			if !encodable[dest.Agency][j] {
				// The format does not take this type, or not this sample
				// of it, so no policy is at fault.
				continue
			}
			found, err := d.check(&samples[j])
			if err != nil {
				return err
			}
			problems = append(problems, found...)
		}
	}
	problems = append(problems, routeProblems(t, samples, encodable, adapterFor)...)
	return routes.Invalid(problems...)
}

// routeProblems returns, with rule routes.RuleRouteEncoding at the
// route's to, a problem for each route and destination that the route
// sends a sample to whose agency's format encodes no sample of that
// type. encodable holds what each agency's format encodes, filled in
// here for agencies without a policy. A route whose condition matches
// no sample of a type is not checked for that type.
func routeProblems(t *routes.Table, samples []Sample, encodable map[string][]bool,
	adapterFor func(agency string) (adapters.Adapter, bool)) []routes.Problem {
	index := map[string]int{}
	for i, r := range t.Config().Routes {
		index[r.Name] = i
	}
	// encodesType reports whether agency's format encodes some sample of
	// type typ.
	encodesType := func(agency string, typ canonical.Type) bool {
		adapter, ok := adapterFor(agency)
		if !ok {
			return true // routes.Config.CheckAgencies reports it
		}
		if _, done := encodable[agency]; !done {
			encodable[agency] = encodesAsIs(adapter, samples)
		}
		for j := range samples {
			if samples[j].Message.Type == typ && encodable[agency][j] {
				return true
			}
		}
		return false
	}
	reported := map[string]bool{}
	var problems []routes.Problem
	tried := append(slices.Clone(samples), movementKinds(samples)...)
	for j := range tried {
		m := &tried[j].Message
		for _, target := range routes.Targets(t.Decide(m)) {
			dest, ok := t.Destination(target.Destination)
			key := target.Route + "\x00" + target.Destination + "\x00" + string(m.Type)
			if !ok || reported[key] || encodesType(dest.Agency, m.Type) {
				continue
			}
			reported[key] = true
			problems = append(problems, routes.Problem{
				Pointer: routes.RoutePointer(index[target.Route], "to"), Rule: routes.RuleRouteEncoding,
				Message: fmt.Sprintf("route %q sends %s messages, such as the sample %s, to destination "+
					"%q, whose agency %s has a format that cannot encode them: narrow the condition "+
					"or send them elsewhere", target.Route, m.Type, tried[j].Name, dest.Name, dest.Agency),
			})
		}
	}
	return problems
}

// movementKinds returns a copy of each movement sample as a movement of
// each other kind. No sample is a transfer or a hospital stay, so the
// copies let the route check try such routes on every custody status
// that the samples have.
func movementKinds(samples []Sample) []Sample {
	var out []Sample
	for i := range samples {
		if samples[i].Message.Movement == nil {
			continue
		}
		for _, kind := range canonical.MovementKinds {
			if kind == samples[i].Message.Movement.Kind {
				continue
			}
			m, err := copyMessage(&samples[i].Message)
			if err != nil {
				continue
			}
			m.Movement.Kind = kind
			out = append(out, Sample{Name: samples[i].Name + " as " + string(kind), Message: m})
		}
	}
	return out
}

// unencodableTypes returns a problem for each of types, the message types
// that the policy accepts, of which the agency's format encodes no
// sample. encodable marks the samples it encodes. Every such message sent
// to the destination would end in dead letter.
func (d *destinationCheck) unencodableTypes(types []string, samples []Sample, encodable []bool) []routes.Problem {
	var problems []routes.Problem
	for _, t := range types {
		seen, encodes := false, false
		for j := range samples {
			if string(samples[j].Message.Type) == t {
				seen = true
				encodes = encodes || encodable[j]
			}
		}
		if seen && !encodes {
			d.reported[t] = true
			problems = append(problems, routes.Problem{
				Pointer: routes.DestinationPointer(d.index, "policy"), Rule: routes.RulePolicyEncoding,
				Message: fmt.Sprintf("destination %q: policy %q accepts %s messages, which the format "+
					"of agency %s cannot encode: remove %s from its types", d.name, d.policy.Name(), t,
					d.adapter.Agency(), t),
			})
		}
	}
	return problems
}

// encodesAsIs reports, for each sample, whether adapter encodes it
// without a policy applied.
func encodesAsIs(adapter adapters.Adapter, samples []Sample) []bool {
	ok := make([]bool, len(samples))
	for j := range samples {
		_, err := adapter.Encode(&samples[j].Message)
		ok[j] = err == nil
	}
	return ok
}

// destinationCheck is the check of one destination's policy.
type destinationCheck struct {
	index   int
	name    string
	policy  *policy.Compiled
	adapter adapters.Adapter
	// reported contains the message types whose encoding failed and the
	// type and path of each key field found changed, so each is reported
	// once.
	reported map[string]bool
}

// check tries the policy on the sample s, which the adapter encodes as it
// is, and returns its problems. The error reports a key field that the
// adapter declares with an invalid path.
func (d *destinationCheck) check(s *Sample) ([]routes.Problem, error) {
	if !d.policy.AllowsType(s.Message.Type) {
		return nil, nil
	}
	shared, decision, err := d.policy.Apply(&s.Message)
	if err != nil {
		msg := fmt.Sprintf("cannot be applied to the sample %s message %s: %v",
			s.Message.Type, s.Name, err)
		return d.encodingProblem(s, msg), nil
	}
	var problems []routes.Problem
	if msg, broken := encodingFailure(d.adapter, s, &shared, decision); broken {
		problems = d.encodingProblem(s, msg)
	}
	keyProblems, err := d.keyFields(s, &shared, decision)
	return append(problems, keyProblems...), err
}

// encodingProblem returns the problem with rule routes.RulePolicyEncoding
// and message msg for the type of s, unless that type already has one.
func (d *destinationCheck) encodingProblem(s *Sample, msg string) []routes.Problem {
	key := string(s.Message.Type)
	if d.reported[key] {
		return nil
	}
	d.reported[key] = true
	return []routes.Problem{{
		Pointer: routes.DestinationPointer(d.index, "policy"),
		Rule:    routes.RulePolicyEncoding,
		Message: fmt.Sprintf("destination %q: policy %q: %s", d.name, d.policy.Name(), msg),
	}}
}

// encodingFailure encodes shared, the result of applying the policy to
// the sample s, with adapter. When that fails, it returns a message that
// explains why, and true.
func encodingFailure(adapter adapters.Adapter, s *Sample, shared *canonical.Message, decision policy.Decision) (
	string, bool,
) {
	_, err := adapter.Encode(shared)
	if err == nil {
		return "", false
	}
	if errors.Is(err, adapters.ErrUnsupported) {
		err = fmt.Errorf("the adapter no longer takes it: %w", err)
	}
	return fmt.Sprintf("the %s format cannot encode the sample %s message %s once the policy "+
		"has %s: %v; allow the fields the format needs, or leave %s out of the policy's types",
		adapter.Agency(), s.Message.Type, s.Name, changes(decision), err, s.Message.Type), true
}

// changes describes what a policy did to a message: the fields it
// removed and those it masked, at most maxListed of each.
func changes(d policy.Decision) string {
	var parts []string
	if len(d.Removed) > 0 {
		parts = append(parts, "removed "+list(d.Removed))
	}
	if len(d.Masked) > 0 {
		masked := make([]string, 0, len(d.Masked))
		for _, m := range d.Masked {
			// A person's date_of_birth masked year-only is delivered as
			// birth_year; the policy names the first.
			if parent, ok := strings.CutSuffix(m.Path, ".birth_year"); ok && m.Kind == policy.MaskYearOnly {
				masked = append(masked, fmt.Sprintf("%s.date_of_birth (%s, delivered as birth_year)",
					parent, m.Kind))
				continue
			}
			masked = append(masked, fmt.Sprintf("%s (%s)", m.Path, m.Kind))
		}
		parts = append(parts, "masked "+list(masked))
	}
	if len(parts) == 0 {
		return "been applied"
	}
	return strings.Join(parts, " and ")
}

// maxListed caps the fields that a problem's message lists.
const maxListed = 8

func list(items []string) string {
	if len(items) <= maxListed {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:maxListed], ", "), len(items)-maxListed)
}
