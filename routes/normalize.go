package routes

import "bytes"

// Normalize returns doc without a leading byte order mark (U+FEFF) and
// with each CRLF line break turned into an LF. Editors on Windows write
// both, and neither shows, so a document stored with them would show an
// administrator a diff of lines that look unchanged. The hub normalizes
// each document it receives before it checks, compares or stores it. A
// byte order mark elsewhere and a CR without an LF stay in the document,
// and the text rule rejects them. A CRLF right after a CR also stays, so
// the text rule rejects it too. Turning it into an LF would leave the
// first CR before an LF, which the text rule accepts as a line break.
func Normalize(doc []byte) []byte {
	doc = bytes.TrimPrefix(doc, []byte("\uFEFF"))
	if !bytes.Contains(doc, []byte("\r\n")) {
		return doc
	}
	out := make([]byte, 0, len(doc))
	for i, b := range doc {
		crlf := b == '\r' && i+1 < len(doc) && doc[i+1] == '\n'
		if crlf && (i == 0 || doc[i-1] != '\r') {
			continue
		}
		out = append(out, b)
	}
	return out
}
