package verification

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/sangam-hub/sangam/canonical"
)

// MaxMatches is the most cases Match returns, the most a verification
// request document may list.
const MaxMatches = 100

// keyRow is one row of verification_person_keys.
type keyRow struct {
	key, role, caseKey, caseRef string
}

// keyRows returns the person-key rows of m: each key of each person it
// names, with each case it names them in.
func keyRows(m *canonical.Message) ([]keyRow, error) {
	var out []keyRow
	for _, rec := range records(m) {
		keys := personKeys(rec.person)
		for _, c := range rec.cases {
			ref, err := json.Marshal(c)
			if err != nil {
				return nil, fmt.Errorf("encoding case %s: %w", c.Key(), err)
			}
			for _, k := range keys {
				out = append(out, keyRow{key: k, role: rec.role, caseKey: c.Key(), caseRef: string(ref)})
			}
		}
	}
	return out, nil
}

// Match returns the cases in which the index records a person who may be
// r's applicant, at most MaxMatches, each once with the strongest way it
// matched: an Aadhaar token or passport number (the applicant's, or the
// old passport's on a reissue) first, then a name with the date of
// birth, then a name with the father's name. Names compare by NameKey.
// Complainants are recorded but never matched: only a person accused,
// arrested or held in a case bears on a passport.
func (x *Index) Match(ctx context.Context, r *canonical.VerificationRequest) (
	[]canonical.CaseMatch, error,
) {
	keys := applicantKeys(r)
	if len(keys) == 0 {
		return nil, nil
	}
	args := []any{RoleComplainant}
	marks := make([]string, len(keys))
	for i, k := range keys {
		args = append(args, k)
		marks[i] = fmt.Sprintf("$%d", i+2)
	}
	rows, err := x.db.QueryContext(ctx, `SELECT match_key, case_key, case_ref
		FROM verification_person_keys
		WHERE role <> $1 AND match_key IN (`+strings.Join(marks, ", ")+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("matching applicant: %w", err)
	}
	defer rows.Close()

	best := map[string]*ranked{}
	for rows.Next() {
		var key, caseKey, ref string
		if err := rows.Scan(&key, &caseKey, &ref); err != nil {
			return nil, fmt.Errorf("matching applicant: %w", err)
		}
		if err := addRow(best, caseKey, matchedBy(key), ref); err != nil {
			return nil, fmt.Errorf("matching applicant: case %s: %w", caseKey, err)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("matching applicant: %w", err)
	}
	return sortMatches(best), nil
}

// ranked is the strongest match found for one case, with the fullest
// reference to the case any row gave.
type ranked struct {
	rank  int
	match canonical.CaseMatch
}

// addRow folds one row into best, the strongest match of each case.
func addRow(best map[string]*ranked, caseKey, by, refJSON string) error {
	var ref canonical.CaseRef
	if err := json.Unmarshal([]byte(refJSON), &ref); err != nil {
		return err
	}
	rank, ok := matchRank[by]
	if !ok {
		return fmt.Errorf("unknown match key kind %q", by)
	}
	r, ok := best[caseKey]
	if !ok {
		best[caseKey] = &ranked{rank: rank, match: canonical.CaseMatch{Case: ref, MatchedBy: by}}
		return nil
	}
	if rank < r.rank {
		r.rank, r.match.MatchedBy = rank, by
	}
	if r.match.Case.CNR == "" {
		r.match.Case.CNR = ref.CNR
	}
	if r.match.Case.Court == (canonical.Court{}) {
		r.match.Case.Court = ref.Court
	}
	return nil
}

// sortMatches orders the matches strongest first, then by case key, and
// keeps the first MaxMatches.
func sortMatches(best map[string]*ranked) []canonical.CaseMatch {
	all := make([]*ranked, 0, len(best))
	for _, r := range best {
		all = append(all, r)
	}
	slices.SortFunc(all, func(a, b *ranked) int {
		if a.rank != b.rank {
			return a.rank - b.rank
		}
		return strings.Compare(a.match.Case.Key(), b.match.Case.Key())
	})
	out := make([]canonical.CaseMatch, 0, min(len(all), MaxMatches))
	for _, r := range all[:min(len(all), MaxMatches)] {
		out = append(out, r.match)
	}
	return out
}
