package adapters

import (
	"fmt"
	"mime"
	"strings"

	"github.com/sangam-hub/sangam/canonical"
)

// MediaTypeError is the error Decode returns for a Content-Type that the
// adapter does not read. It wraps ErrMalformed, so a caller that only
// separates parseable input from the rest needs no case of its own for it.
type MediaTypeError struct {
	ContentType string
	// Accepted lists the media types the adapter reads. An entry that
	// starts with "+", such as "+json", stands for every type with that
	// structured syntax suffix.
	Accepted []string
}

func (e *MediaTypeError) Error() string {
	var types, suffixes []string
	for _, t := range e.Accepted {
		if strings.HasPrefix(t, "+") {
			suffixes = append(suffixes, t)
		} else {
			types = append(types, t)
		}
	}
	if len(suffixes) > 0 {
		types = append(types, "a media type with the "+joinOr(suffixes)+" suffix")
	}
	return fmt.Sprintf("Content-Type %s is not accepted: send %s", canonical.QuoteMasked(e.ContentType), joinOr(types))
}

func (e *MediaTypeError) Unwrap() error { return ErrMalformed }

// joinOr joins words as "a", "a or b", or "a, b or c".
func joinOr(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// CheckMediaType returns the media type of contentType, lowercased and
// without parameters, when it is one of accepted, as MediaTypeError
// reads that list. An empty contentType returns "" and no error, because
// an adapter then reads the body in its own format. Any other
// contentType, one that does not parse included, returns a
// *MediaTypeError.
func CheckMediaType(contentType string, accepted ...string) (string, error) {
	if contentType == "" {
		return "", nil
	}
	mediaType, _, err := mime.ParseMediaType(contentType)
	if err == nil {
		for _, t := range accepted {
			if mediaType == t || strings.HasPrefix(t, "+") && strings.HasSuffix(mediaType, t) {
				return mediaType, nil
			}
		}
	}
	return "", &MediaTypeError{ContentType: contentType, Accepted: accepted}
}
