package policy

import "github.com/sangam-hub/sangam/canonical"

// misspelledType returns the message type that name, which is not one,
// most likely misspells: the one with the fewest edits from name, when
// that is at most two edits and at most a third of its letters. It
// returns false when no type is that close, or two are equally close.
func misspelledType(name string) (canonical.Type, bool) {
	var best canonical.Type
	bestEdits, tie := -1, false
	for _, t := range canonical.Types {
		if _, ok := bodyName(t); !ok {
			continue
		}
		edits := EditDistance(name, string(t))
		if edits > 2 || 3*edits > len(t) {
			continue
		}
		switch {
		case bestEdits < 0 || edits < bestEdits:
			best, bestEdits, tie = t, edits, false
		case edits == bestEdits:
			tie = true
		}
	}
	return best, bestEdits >= 0 && !tie
}

// EditDistance returns the number of single-byte insertions, deletions,
// substitutions and swaps of adjacent bytes that turn a into b (the
// optimal string alignment distance).
func EditDistance(a, b string) int {
	// rows[0], rows[1] and rows[2] are the rows for the prefixes of a
	// of length i-2, i-1 and i.
	rows := [3][]int{make([]int, len(b)+1), make([]int, len(b)+1), make([]int, len(b)+1)}
	for j := range rows[1] {
		rows[1][j] = j
	}
	for i := 1; i <= len(a); i++ {
		prev2, prev, cur := rows[0], rows[1], rows[2]
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		rows[0], rows[1], rows[2] = prev, cur, prev2
	}
	return rows[1][len(b)]
}
