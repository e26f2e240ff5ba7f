package routes

import _ "embed"

//go:embed default.yaml
var defaultDocument []byte

// DefaultDocument returns the routes document of the embedded default.
func DefaultDocument() []byte {
	return append([]byte(nil), defaultDocument...)
}
