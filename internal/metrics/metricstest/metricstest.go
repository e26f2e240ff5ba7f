// Package metricstest reads a metrics endpoint over HTTP in tests and
// looks values up in what it served, in the Prometheus text format.
package metricstest

import (
	"io"
	"mime"
	"net/http"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Scrape is the metric families of one response, by name.
type Scrape map[string]*dto.MetricFamily

// Get requests url with token as bearer token, when token is not empty,
// and fails t unless the response is 200 in the text format.
func Get(t testing.TB, url, token string) Scrape {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET %s: status %d, want 200; body %s", url, resp.StatusCode, body)
	}
	mediaType, params, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if err != nil || mediaType != "text/plain" || params["version"] != "0.0.4" {
		t.Fatalf("GET %s: Content-Type %q, want text/plain; version=0.0.4",
			url, resp.Header.Get("Content-Type"))
	}
	return Parse(t, resp.Body)
}

// Parse reads metrics in the text format and fails t when they are not.
func Parse(t testing.TB, r io.Reader) Scrape {
	t.Helper()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(r)
	if err != nil {
		t.Fatalf("parsing metrics: %v", err)
	}
	return families
}

// Value returns the value of the sample of the family name whose labels
// include labels, given as name and value pairs, and false when there is
// none. A histogram's value is its count of observations.
func (s Scrape) Value(name string, labels ...string) (float64, bool) {
	family, ok := s[name]
	if !ok {
		return 0, false
	}
	for _, m := range family.GetMetric() {
		if !hasLabels(m, labels) {
			continue
		}
		switch {
		case m.GetCounter() != nil:
			return m.GetCounter().GetValue(), true
		case m.GetGauge() != nil:
			return m.GetGauge().GetValue(), true
		case m.GetHistogram() != nil:
			return float64(m.GetHistogram().GetSampleCount()), true
		case m.GetUntyped() != nil:
			return m.GetUntyped().GetValue(), true
		}
	}
	return 0, false
}

func hasLabels(m *dto.Metric, pairs []string) bool {
	have := map[string]string{}
	for _, l := range m.GetLabel() {
		have[l.GetName()] = l.GetValue()
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		if v, ok := have[pairs[i]]; !ok || v != pairs[i+1] {
			return false
		}
	}
	return true
}

// Names returns the names of the families whose name starts with prefix.
func (s Scrape) Names(prefix string) []string {
	var names []string
	for name := range s {
		if strings.HasPrefix(name, prefix) {
			names = append(names, name)
		}
	}
	return names
}
