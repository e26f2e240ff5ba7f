package textcheck

import (
	"strconv"
	"unicode/utf8"
)

// checkCSV checks each field of the CSV text body (RFC 4180: comma
// separated, double quotes around a field that holds a comma, quote or
// line break). A field's pointer is its place in the body read as an
// array of records, each an array of fields, counted from 0: "/2/5" is
// the sixth field of the third record, the header line included.
func checkCSV(body []byte, c *collector) {
	record, field := 0, 0
	quoted, fieldStart, reported := false, true, false
	report := func(rule, what string, offset int) {
		if reported {
			return
		}
		reported = true
		c.add("/"+strconv.Itoa(record)+"/"+strconv.Itoa(field), rule, what, offset, false)
	}
	for i := 0; i < len(body); {
		b := body[i]
		switch {
		case quoted && b == '"':
			if i+1 < len(body) && body[i+1] == '"' {
				i += 2
				continue
			}
			quoted = false
			i++
			continue
		case !quoted && b == ',':
			field++
			fieldStart, reported = true, false
			i++
			continue
		case !quoted && b == '\n':
			record, field = record+1, 0
			fieldStart, reported = true, false
			i++
			continue
		case !quoted && b == '"' && fieldStart:
			quoted, fieldStart = true, false
			i++
			continue
		}
		fieldStart = false
		size, rule, what := 1, "", ""
		if b < utf8.RuneSelf {
			rule, what = classify(rune(b))
		} else {
			size, rule, what = checkUTF8(body[i:])
		}
		if rule != "" {
			report(rule, what, i)
		}
		i += size
	}
}
