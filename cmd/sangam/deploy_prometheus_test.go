package main

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/auth"
)

// TestDeployPrometheusJobs checks the scrape jobs of deploy/prometheus.yml
// against the API and the other deploy files. Each job's path must be an
// endpoint that needs a token, and the token must come from a file. The
// Compose job must scrape the ports that compose.yaml publishes, and the
// Kubernetes job must keep the hub's Service and port.
func TestDeployPrometheusJobs(t *testing.T) {
	docs := loadDeployDocs(t)
	published := composeHubPorts(t, docs)
	services := kubernetesServicePorts(docs)
	hubURL := hubWithTokens(t)
	jobs := 0
	for _, doc := range docs {
		if doc.file != "prometheus.yml" {
			continue
		}
		for _, c := range listOf(doc.data["scrape_configs"]) {
			job := mapOf(c)
			jobs++
			where := fmt.Sprintf("deploy/prometheus.yml: job %v", job["job_name"])
			path, _ := job["metrics_path"].(string)
			if path == "" {
				path = "/metrics" // Prometheus's default
			}
			checkNeedsToken(t, where, hubURL+path)
			authorization := mapOf(job["authorization"])
			if f, _ := authorization["credentials_file"].(string); f == "" {
				t.Errorf("%s: authorization.credentials_file is missing; the hub's /metrics needs a metrics token", where)
			}
			if authorization["credentials"] != nil || job["bearer_token"] != nil {
				t.Errorf("%s: the token is written in prometheus.yml; put it in the file that "+
					"credentials_file names", where)
			}
			for _, s := range listOf(job["static_configs"]) {
				for _, target := range stringList(mapOf(s)["targets"]) {
					checkComposeTarget(t, where, target, published)
				}
			}
			for _, r := range listOf(job["relabel_configs"]) {
				relabel := mapOf(r)
				if relabel["action"] != "keep" {
					continue
				}
				service, port, _ := strings.Cut(fmt.Sprint(relabel["regex"]), ";")
				if !slices.Contains(services[service], port) {
					t.Errorf("%s: keeps Service %q port %q, which deploy/kubernetes does not define "+
						"(Services and ports: %v)", where, service, port, services)
				}
			}
		}
	}
	if jobs == 0 {
		t.Fatal("deploy/prometheus.yml has no scrape job")
	}
}

// hubWithTokens serves the API with an operator's token on loopback and
// returns its URL.
func hubWithTokens(t *testing.T) string {
	t.Helper()
	tokens, err := auth.Parse([]byte("tokens:\n  - {name: ops, operator: true, sha256: " +
		strings.Repeat("ab", 32) + "}\n"))
	if err != nil {
		t.Fatalf("parsing tokens: %v", err)
	}
	server := &api.Server{Tokens: tokens, Log: slog.New(slog.DiscardHandler)}
	srv := httptest.NewServer(server.Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}

// checkNeedsToken fails t unless url is an endpoint that rejects a
// request without a token, as the metrics endpoint does when the hub has
// a token file. A path that the API does not serve gets 404.
func checkNeedsToken(t *testing.T, where, url string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("%s: GET %s without a token: status %d, want 401 from the metrics endpoint",
			where, url, resp.StatusCode)
	}
}

// composeHubPorts returns the host ports that the Compose hub services
// publish.
func composeHubPorts(t *testing.T, docs []yamlDoc) []int {
	t.Helper()
	var ports []int
	for _, doc := range docs {
		if strings.HasPrefix(doc.file, "kubernetes/") {
			continue
		}
		for _, v := range mapOf(doc.data["services"]) {
			spec := mapOf(v)
			if !isComposeHub(spec) {
				continue
			}
			for _, p := range listOf(spec["ports"]) {
				// HOST_IP:FIRST[-LAST]:CONTAINER
				parts := strings.Split(fmt.Sprint(p), ":")
				if len(parts) != 3 {
					t.Fatalf("deploy/%s: port %q is not HOST_IP:HOST_PORTS:CONTAINER_PORT", doc.file, p)
				}
				first, last, ranged := strings.Cut(parts[1], "-")
				if !ranged {
					last = first
				}
				from, err1 := strconv.Atoi(first)
				to, err2 := strconv.Atoi(last)
				if err1 != nil || err2 != nil {
					t.Fatalf("deploy/%s: port %q has an invalid host port range", doc.file, p)
				}
				for port := from; port <= to; port++ {
					ports = append(ports, port)
				}
			}
		}
	}
	if len(ports) == 0 {
		t.Fatal("no Compose hub service publishes a port")
	}
	return ports
}

func checkComposeTarget(t *testing.T, where, target string, published []int) {
	t.Helper()
	_, portText, err := net.SplitHostPort(target)
	if err != nil {
		t.Errorf("%s: target %q: %v", where, target, err)
		return
	}
	port, err := strconv.Atoi(portText)
	if err != nil || !slices.Contains(published, port) {
		t.Errorf("%s: target %q is not on a port that compose.yaml publishes (%v)",
			where, target, published)
	}
}

// kubernetesServicePorts returns the port names of each Service under
// deploy/kubernetes.
func kubernetesServicePorts(docs []yamlDoc) map[string][]string {
	services := map[string][]string{}
	for _, doc := range docs {
		if !strings.HasPrefix(doc.file, "kubernetes/") || doc.data["kind"] != "Service" {
			continue
		}
		name, _ := mapOf(doc.data["metadata"])["name"].(string)
		for _, p := range listOf(mapOf(doc.data["spec"])["ports"]) {
			portName, _ := mapOf(p)["name"].(string)
			services[name] = append(services[name], portName)
		}
	}
	return services
}
