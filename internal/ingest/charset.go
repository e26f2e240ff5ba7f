package ingest

import (
	"fmt"
	"mime"
	"strings"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/canonical"
)

// CharsetError is the error Accept returns for a body whose Content-Type
// declares a charset that the hub does not read bodies in. The journal
// keeps a body with its Content-Type, so a reader that decodes the body
// by that header would misread it. CharsetError wraps
// adapters.ErrMalformed, so IsInvalid reports it too.
type CharsetError struct {
	ContentType string
	Charset     string
	// NonASCII is set for charset us-ascii with a body that has bytes
	// beyond ASCII.
	NonASCII bool
}

// Error quotes the header with its Aadhaar numbers masked before its
// characters are escaped: an escape such as \u2060 ends in hex digits
// that would join a number's digits and hide it from masking. The
// charset is quoted the same way when it holds a character other than
// printable ASCII.
func (e *CharsetError) Error() string {
	charset := e.Charset
	if strings.ContainsFunc(charset, func(r rune) bool { return r < '!' || r > '~' }) {
		charset = canonical.QuoteMasked(charset)
	}
	if e.NonASCII {
		return fmt.Sprintf("Content-Type %s declares charset %s, but the body has bytes "+
			"beyond ASCII: declare charset=utf-8 or no charset", canonical.QuoteMasked(e.ContentType), charset)
	}
	return fmt.Sprintf("Content-Type %s declares charset %s, but the hub reads bodies "+
		"only in UTF-8: send the body in UTF-8 with charset=utf-8 or no charset",
		canonical.QuoteMasked(e.ContentType), charset)
}

func (e *CharsetError) Unwrap() error { return adapters.ErrMalformed }

// checkCharset returns a *CharsetError when contentType has a charset
// parameter other than utf-8, compared without regard to case. Charset
// us-ascii passes for a body of ASCII bytes, which read alike in ASCII
// and UTF-8. A Content-Type that mime.ParseMediaType rejects passes
// here, because every adapter rejects it as malformed.
func checkCharset(contentType string, body []byte) error {
	if contentType == "" {
		return nil
	}
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return nil
	}
	charset, ok := params["charset"]
	switch {
	case !ok, strings.EqualFold(charset, "utf-8"):
		return nil
	case strings.EqualFold(charset, "us-ascii"):
		for _, b := range body {
			if b >= 0x80 {
				return &CharsetError{ContentType: contentType, Charset: charset, NonASCII: true}
			}
		}
		return nil
	}
	return &CharsetError{ContentType: contentType, Charset: charset}
}
