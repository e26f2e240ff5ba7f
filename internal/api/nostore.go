package api

import "net/http"

// NoStore returns h with Cache-Control: no-store set on each of its
// responses. Journeys, dead letters, deliveries, explanations and
// verification statuses carry personal data, which no browser or proxy
// may keep, and the header is harmless on the other responses.
func NoStore(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}
