package routes

import (
	"errors"
	"fmt"
	"math"
	"reflect"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/cost"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/ext"
	"cel.dev/cel-go/interpreter"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/policy"
)

// Table is a compiled routes document. It is immutable and safe for
// concurrent use.
type Table struct {
	config   Config
	routes   []compiledRoute
	dests    map[string]Destination
	policies map[string]*policy.Compiled
}

type compiledRoute struct {
	Route
	program cel.Program
}

// Decision is one route's verdict on a message.
type Decision struct {
	Route   string `json:"route"`
	Matched bool   `json:"matched"`
	// Reason is the condition's value, or the error that stopped its
	// evaluation; such a route does not match.
	Reason string `json:"reason"`
	// Failed is true when the condition could not be evaluated.
	Failed       bool     `json:"failed"`
	Destinations []string `json:"destinations,omitempty"`
}

// newEnv declares `message` as the canonical Message, with fields named
// by their JSON names, so conditions are type-checked against the model.
func newEnv() (*cel.Env, error) {
	return cel.NewEnv(
		ext.NativeTypes(
			reflect.TypeFor[canonical.Message](),
			ext.ParseStructTag("json"),
		),
		ext.Strings(),
		cel.Variable("message", cel.ObjectType("canonical.Message")),
	)
}

// Compile validates c, then compiles every destination's policy and
// type-checks every route's condition. The error is an *InvalidError
// that lists every problem at once: each rule c breaks, and each route
// whose condition is invalid, with the position in it.
func Compile(c Config) (*Table, error) { return compile(c, false, nil, nil) }

// compile is Compile, except that urlCredentials lets a destination's url
// contain user information, for LoadStored. The error lists
// typeProblems (from decode) first and textProblems (from checkDocument)
// last.
func compile(c Config, urlCredentials bool, typeProblems, textProblems []Problem) (*Table, error) {
	ps := c.validate(urlCredentials)
	env, err := newEnv()
	if err != nil {
		return nil, fmt.Errorf("building CEL environment: %w", err)
	}
	t := &Table{config: c, dests: map[string]Destination{}, policies: map[string]*policy.Compiled{}}
	for i, d := range c.Destinations {
		t.dests[d.Name] = d
		p := policy.AllowAll
		if d.Policy != nil {
			p = *d.Policy
		}
		compiled, err := policy.Compile(p)
		if err != nil {
			ps = append(ps, policyProblems(i, d.Name, err)...)
			continue
		}
		t.policies[d.Name] = compiled
	}
	for i, r := range c.Routes {
		if r.When == "" {
			continue // Validate reports it.
		}
		prg, p := compileCondition(env, r)
		if p != nil {
			p.Pointer = routePointer(i, "when")
			ps = append(ps, *p)
			continue
		}
		t.routes = append(t.routes, compiledRoute{Route: r, program: prg})
	}
	// The text problems are appended after the merge, because
	// mergeProblems would take a text problem with the pointer "" of the
	// whole document as covering every other problem.
	if ps = append(mergeProblems(typeProblems, ps), textProblems...); len(ps) > 0 {
		return nil, Invalid(ps...)
	}
	return t, nil
}

// policyProblems returns a problem for each error of the policy of
// destination i, named name.
func policyProblems(i int, name string, err error) []Problem {
	errs := []error{err}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		errs = joined.Unwrap()
	}
	ps := make([]Problem, len(errs))
	for j, e := range errs {
		pointer := DestinationPointer(i, "policy")
		var field *policy.FieldError
		if errors.As(e, &field) {
			pointer += field.Pointer
		}
		ps[j] = Problem{pointer, RulePolicy, fmt.Sprintf("destination %q: %v", name, e)}
	}
	return ps
}

// MaxConditionCost caps the work of evaluating one route's condition for
// one message, in CEL's cost units (about one per operation or list
// element visited). Conditions run while a message is accepted, so one
// that loops over large lists would hold up every message. Evaluation
// stops at the cap and the route does not match, and a condition whose
// literals alone can take it above the cap is rejected when it is saved.
const MaxConditionCost = 1_000_000

// compileCondition returns r's condition compiled, or the problem with
// it, without its pointer.
func compileCondition(env *cel.Env, r Route) (cel.Program, *Problem) {
	invalid := func(rule, format string, args ...any) (cel.Program, *Problem) {
		return nil, &Problem{Rule: rule, Message: fmt.Sprintf(format, args...)}
	}
	parsed, iss := env.Parse(r.When)
	if iss.Err() != nil {
		return invalid(RuleCELSyntax, "route %q: invalid condition %q: %v", r.Name, r.When, iss.Err())
	}
	ast, iss := env.Check(parsed)
	if iss.Err() != nil {
		return invalid(RuleCELType, "route %q: invalid condition %q: %v", r.Name, r.When, iss.Err())
	}
	if ast.OutputType() != cel.BoolType {
		return invalid(RuleCELType, "route %q: condition %q has type %s, want bool",
			r.Name, r.When, ast.OutputType())
	}
	for _, ref := range ast.NativeRep().ReferenceMap() {
		for _, id := range ref.OverloadIDs {
			if name, ok := forbiddenOverloads[id]; ok {
				return invalid(RuleCELCost, "route %q: condition %q calls %s, which conditions "+
					"may not: one call can build a string large enough to exhaust memory before "+
					"the cost cap stops it", r.Name, r.When, name)
			}
		}
	}
	// A condition that loops over the message's own lists has no bound
	// before a message arrives (math.MaxUint64). One whose bound the
	// literals alone set above the cap would fail for every message.
	est, err := env.EstimateCost(ast, defaultSizes{})
	if err == nil && est.Max > MaxConditionCost && est.Max < math.MaxUint64 {
		return invalid(RuleCELCost, "route %q: condition may cost %d units per message, "+
			"more than the limit of %d: loop over fewer or smaller lists", r.Name, est.Max, MaxConditionCost)
	}
	// OptOptimize compiles constant regular expressions once, here, not
	// on every call, where their work escapes the cost count.
	prg, err := env.Program(ast, cel.CostLimit(MaxConditionCost), cel.EvalOptions(cel.OptOptimize))
	if err != nil {
		return invalid(RuleCELProgram, "route %q: %v", r.Name, err)
	}
	return prg, nil
}

// Load parses and compiles a routes document. The error is an
// *InvalidError. For a document that is not YAML it has one problem,
// with the line of the syntax error. Otherwise it lists every problem:
// each value of the wrong type and each unknown field, then what
// Compile finds in the rest of the document.
func Load(doc []byte) (*Table, error) {
	textProblems, stop := checkDocument(doc)
	if stop {
		return nil, Invalid(textProblems...)
	}
	c, typeProblems, err := decode(doc)
	if err != nil {
		return nil, withProblems(err, textProblems)
	}
	return compile(c, false, typeProblems, textProblems)
}

// LoadStored compiles a document that the routes store holds, as Load
// does, except that a destination's url may contain credentials.
// Versions saved before that rule keep loading, so a hub whose current
// version has them still starts, and its administrators can apply a
// version that moves them to files. Destination.URLHasCredentials finds
// such destinations.
func LoadStored(doc []byte) (*Table, error) {
	c, typeProblems, err := decode(doc)
	if err != nil {
		return nil, err
	}
	return compile(c, true, typeProblems, nil)
}

// Labeled returns a copy of t whose Version is label, for a document
// whose version the store numbers.
func (t *Table) Labeled(label string) *Table {
	c := *t
	c.config.Version = label
	return &c
}

// AcceptsAgency reports whether agency may send messages: it is listed in
// the document's agencies, or the document lists none.
func (t *Table) AcceptsAgency(agency string) bool {
	if len(t.config.Agencies) == 0 {
		return true
	}
	for _, a := range t.config.Agencies {
		if a.Name == agency {
			return true
		}
	}
	return false
}

// Version returns the routes document's version label.
func (t *Table) Version() string { return t.config.Version }

// Config returns the document the table was compiled from.
func (t *Table) Config() Config { return t.config }

// Destination returns the named destination.
func (t *Table) Destination(name string) (Destination, bool) {
	d, ok := t.dests[name]
	return d, ok
}

// RetriesOff returns why automatic retries are off for a delivery on the
// given route to the given destination, or "" when they are on.
func (t *Table) RetriesOff(destination, route string) string {
	if d, ok := t.dests[destination]; ok && d.Retries != nil && !*d.Retries {
		return fmt.Sprintf("automatic retries are off for destination %q", destination)
	}
	for _, r := range t.routes {
		if r.Name == route && r.Retries != nil && !*r.Retries {
			return fmt.Sprintf("automatic retries are off for route %q", route)
		}
	}
	return ""
}

// RetriesOffFor returns the destinations and the routes whose automatic
// retries are off, each in document order.
func (t *Table) RetriesOffFor() (destinations, routes []string) {
	for _, d := range t.config.Destinations {
		if d.Retries != nil && !*d.Retries {
			destinations = append(destinations, d.Name)
		}
	}
	for _, r := range t.routes {
		if r.Retries != nil && !*r.Retries {
			routes = append(routes, r.Name)
		}
	}
	return destinations, routes
}

// Policy returns the compiled policy of the named destination.
func (t *Table) Policy(destination string) (*policy.Compiled, bool) {
	p, ok := t.policies[destination]
	return p, ok
}

// MaxMessageCost caps the work of all of one message's conditions
// together, in CEL's cost units. Once the conditions evaluated so far
// have spent it, the later routes are not evaluated and do not match, so
// a few costly routes cannot hold up every message.
const MaxMessageCost = 5 * MaxConditionCost

// Decide evaluates every route against m, in document order, and returns
// each route's decision. A condition that fails at run time, for example
// by reading a body the message does not have, does not match, and its
// Reason explains why.
func (t *Table) Decide(m *canonical.Message) []Decision {
	out := make([]Decision, 0, len(t.routes))
	var spent uint64
	for _, r := range t.routes {
		if spent >= MaxMessageCost {
			out = append(out, Decision{Route: r.Name, Failed: true, Reason: fmt.Sprintf(
				"condition not evaluated: the conditions before it spent the message's "+
					"budget of %d cost units", MaxMessageCost)})
			continue
		}
		d, cost := decide(r, m)
		spent += cost
		out = append(out, t.excludeByPolicy(d, m.Type))
	}
	return out
}

// excludeByPolicy removes from a matched decision the destinations whose
// policy does not accept the message's type, and says so in the reason.
func (t *Table) excludeByPolicy(d Decision, typ canonical.Type) Decision {
	if !d.Matched {
		return d
	}
	kept := d.Destinations[:0]
	for _, dest := range d.Destinations {
		if p, ok := t.policies[dest]; ok && !p.AllowsType(typ) {
			d.Reason += fmt.Sprintf("; %s excluded: its policy %q does not accept %s messages",
				dest, p.Name(), typ)
			continue
		}
		kept = append(kept, dest)
	}
	d.Destinations = kept
	return d
}

// forbiddenOverloads are the functions conditions may not call, by
// overload id, with the name an error gives them. CEL counts a call's
// cost after it returns: replace can return a string quadratic in its
// arguments' length, and join one as long as a list of any size. format
// has no cost model in cel-go v0.33, so a format string of n clauses
// returns n copies of the longest text in the message at the cost of one
// call.
var forbiddenOverloads = map[string]string{
	"string_replace_string_string":     "replace",
	"string_replace_string_string_int": "replace",
	"list_join":                        "join",
	"list_join_string":                 "join",
	"string_format":                    "format",
}

// defaultSizes is a cost estimator that leaves every size and call cost
// to CEL's own rules.
type defaultSizes struct{}

func (defaultSizes) EstimateCallCost(string, string, *cost.AstNode, []cost.AstNode) *cost.CallEstimate {
	return nil
}

func (defaultSizes) EstimateSize(cost.AstNode) *cost.SizeEstimate { return nil }

// decide evaluates r's condition on m and returns the decision and the
// condition's cost in CEL's units.
func decide(r compiledRoute, m *canonical.Message) (Decision, uint64) {
	d := Decision{Route: r.Name}
	val, details, err := r.program.Eval(map[string]any{"message": m})
	var spent uint64
	if details != nil && details.ActualCost() != nil {
		spent = *details.ActualCost()
	}
	var cancelled interpreter.EvalCancelledError
	if errors.As(err, &cancelled) && cancelled.Cause == interpreter.CostLimitExceeded {
		// A condition stopped at the cap may report less than it spent.
		spent = max(spent, MaxConditionCost)
	}
	if err != nil {
		d.Reason = "condition failed: " + err.Error()
		d.Failed = true
		return d, spent
	}
	matched, ok := val.(types.Bool)
	if !ok {
		d.Reason = fmt.Sprintf("condition returned %v, not a bool", val)
		return d, spent
	}
	d.Matched = bool(matched)
	if d.Matched {
		d.Reason = "condition true: " + r.When
		d.Destinations = append([]string(nil), r.To...)
	} else {
		d.Reason = "condition false: " + r.When
	}
	return d, spent
}

// Targets returns the destinations of the matched decisions, each once,
// with the first route that selected it.
func Targets(ds []Decision) []Target {
	var out []Target
	seen := map[string]bool{}
	for _, d := range ds {
		for _, dest := range d.Destinations {
			if d.Matched && !seen[dest] {
				seen[dest] = true
				out = append(out, Target{Destination: dest, Route: d.Route})
			}
		}
	}
	return out
}

// Target is a destination and the route that selected it.
type Target struct {
	Destination string
	Route       string
}
