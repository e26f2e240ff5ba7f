package verification

import (
	"strings"

	"github.com/sangam-hub/sangam/canonical"
)

// Roles of a person in a case, as the index records them.
const (
	RoleComplainant = "complainant"
	RoleAccused     = "accused"
	RoleArrested    = "arrested"
	RolePrisoner    = "prisoner"
)

// indexedTypes are the message types that name persons in cases, the
// verification messages whose requests the index tracks, and the court
// registrations that tie a CNR to an FIR.
var indexedTypes = []canonical.Type{
	canonical.TypeFIR, canonical.TypeArrest, canonical.TypeChargesheet,
	canonical.TypeMovement, canonical.TypeCourtOrder,
	canonical.TypeVerificationRequest, canonical.TypeVerificationReport,
	canonical.TypeCourtRegistration,
}

// record is one person named in one case by one message.
type record struct {
	role   string
	person *canonical.Person
	cases  []canonical.CaseRef
}

// records returns the persons m names with the cases it names them in.
// A person in a case the message cannot name by FIR or CNR, such as a
// chargesheet with only a tracking id, is left out.
func records(m *canonical.Message) []record {
	var out []record
	add := func(role string, p *canonical.Person, cases ...canonical.CaseRef) {
		var named []canonical.CaseRef
		for _, c := range cases {
			if c.Key() != "" {
				named = append(named, c)
			}
		}
		if len(named) > 0 {
			out = append(out, record{role: role, person: p, cases: named})
		}
	}
	switch {
	case m.FIR != nil:
		ref := canonical.CaseRef{FIR: &m.FIR.Ref}
		add(RoleComplainant, &m.FIR.Complainant, ref)
		for i := range m.FIR.Accused {
			add(RoleAccused, &m.FIR.Accused[i].Person, ref)
		}
	case m.Arrest != nil:
		add(RoleArrested, &m.Arrest.Person, canonical.CaseRef{FIR: &m.Arrest.FIR})
	case m.Chargesheet != nil && m.Chargesheet.FIR != nil:
		ref := canonical.CaseRef{FIR: m.Chargesheet.FIR, Court: m.Chargesheet.Court}
		for i := range m.Chargesheet.Accused {
			add(RoleAccused, &m.Chargesheet.Accused[i].Person, ref)
		}
	case m.Movement != nil:
		add(RolePrisoner, &m.Movement.Prisoner.Person, m.Movement.Prisoner.Cases...)
	case m.CourtOrder != nil:
		p := &m.CourtOrder.Prisoner
		add(RolePrisoner, &p.Person, append([]canonical.CaseRef{m.CourtOrder.Case}, p.Cases...)...)
	}
	return out
}

// personKeys returns the index keys of p: one per Aadhaar token and
// passport number, and one per name (names and aliases alike) with the
// date of birth and with each father's name. Each key starts with its
// matched-by value and a colon.
func personKeys(p *canonical.Person) []string {
	var keys []string
	for _, id := range p.Identifiers {
		switch {
		case id.Type == canonical.IDAadhaar && id.Token != "":
			keys = append(keys, MatchedByAadhaar+":"+id.Token)
		case id.Type == canonical.IDPassport && passportKey(id.Value) != "":
			keys = append(keys, MatchedByPassport+":"+passportKey(id.Value))
		}
	}
	var fathers []string
	for _, r := range p.Relatives {
		if strings.EqualFold(r.Relation, "father") && NameKey(r.Name) != "" {
			fathers = append(fathers, NameKey(r.Name))
		}
	}
	for _, n := range append(append([]canonical.Name(nil), p.Names...), p.Aliases...) {
		name := NameKey(n.Full)
		if name == "" {
			continue
		}
		if p.DateOfBirth != "" {
			keys = append(keys, MatchedByNameBirth+":"+name+"|"+p.DateOfBirth)
		}
		for _, f := range fathers {
			keys = append(keys, MatchedByNameFatherName+":"+name+"|"+f)
		}
	}
	return dedupe(keys)
}

// applicantKeys returns the keys of a verification request's applicant,
// with the old passport's number on a reissue.
func applicantKeys(r *canonical.VerificationRequest) []string {
	keys := personKeys(&r.Applicant)
	if r.OldPassport != nil && passportKey(r.OldPassport.DocumentNumber) != "" {
		keys = append(keys, MatchedByPassport+":"+passportKey(r.OldPassport.DocumentNumber))
	}
	return dedupe(keys)
}

// passportKey returns a passport number in capitals without spaces or
// MRZ fillers.
func passportKey(number string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '<' || r == '-' {
			return -1
		}
		return r
	}, strings.ToUpper(number))
}

// matchedBy returns the matched-by value a key starts with.
func matchedBy(key string) string {
	kind, _, _ := strings.Cut(key, ":")
	return kind
}

func dedupe(keys []string) []string {
	seen := map[string]bool{}
	out := keys[:0]
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}
