package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/sangam-hub/sangam/internal/hub"
	"github.com/sangam-hub/sangam/routes"
)

// deployDir is the folder of the Compose and Kubernetes files.
const deployDir = "../../deploy"

// hubImage is the image name that the Kubernetes manifests give the hub.
// kustomization.yaml replaces it with the operator's registry and tag.
const hubImage = "sangam"

// maxShutdown is how long a hub waits for work in flight after SIGTERM:
// up to hub.DefaultShutdownTimeout for requests, then as long again for
// deliveries. A grace period must exceed it, leaving time to close the
// bus and the journal.
const maxShutdown = 2 * hub.DefaultShutdownTimeout

// operatorFolders are the folders under deploy/ that contain the
// operator's own files, which git ignores and the test does not read.
var operatorFolders = []string{"secrets", "tokens"}

// yamlDoc is one document of a YAML file under deploy/.
type yamlDoc struct {
	file string // slash-separated path under deploy/
	data map[string]any
}

// loadDeployDocs decodes every document of every YAML file under deploy/.
func loadDeployDocs(t *testing.T) []yamlDoc {
	t.Helper()
	var docs []yamlDoc
	err := filepath.WalkDir(deployDir, func(file string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if slices.Contains(operatorFolders, d.Name()) {
				return filepath.SkipDir
			}
			return nil
		}
		if ext := filepath.Ext(file); ext != ".yaml" && ext != ".yml" {
			return nil
		}
		rel, err := filepath.Rel(deployDir, file)
		if err != nil {
			return err
		}
		content, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		dec := yaml.NewDecoder(bytes.NewReader(content))
		for i := 1; ; i++ {
			var data map[string]any
			err := dec.Decode(&data)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return fmt.Errorf("deploy/%s: document %d: %w", rel, i, err)
			}
			if data != nil {
				docs = append(docs, yamlDoc{file: filepath.ToSlash(rel), data: data})
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) == 0 {
		t.Fatalf("no YAML document found under %s", deployDir)
	}
	return docs
}

// checkServeArgs returns an error unless args, which follow "serve" on a
// command line, are flags that serve defines, with no positional
// argument, and give a token file or --allow-open-api when --listen is
// not a loopback address.
func checkServeArgs(args []string) error {
	fs, _ := serveFlags()
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q: serve takes flags only", fs.Arg(0))
	}
	value := func(name string) string { return fs.Lookup(name).Value.String() }
	return checkOpenAPI("serve", value("listen"), value("tokens"), value("allow-open-api") == "true")
}

func TestCheckServeArgsOpenAPI(t *testing.T) {
	if err := checkServeArgs([]string{"--listen", "0.0.0.0:8400"}); err == nil {
		t.Error("serve --listen 0.0.0.0:8400 without --tokens: no error")
	}
	if err := checkServeArgs([]string{"--listen", "0.0.0.0:8400", "--tokens", "/etc/sangam/tokens/tokens.yaml"}); err != nil {
		t.Errorf("serve --listen 0.0.0.0:8400 --tokens: %v", err)
	}
}

// TestDeployDockerfile checks the serve command that the image runs when
// it is given none.
func TestDeployDockerfile(t *testing.T) {
	content, err := os.ReadFile(filepath.Join(deployDir, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	var argv []string
	for line := range strings.Lines(string(content)) {
		if rest, ok := strings.CutPrefix(line, "CMD "); ok {
			if err := json.Unmarshal([]byte(rest), &argv); err != nil {
				t.Fatalf("deploy/Dockerfile: CMD %s: want the JSON array form: %v", strings.TrimSpace(rest), err)
			}
		}
	}
	if len(argv) == 0 || argv[0] != "serve" {
		t.Fatalf("deploy/Dockerfile: CMD %q does not run serve", argv)
	}
	if err := checkServeArgs(argv[1:]); err != nil {
		t.Errorf("deploy/Dockerfile: CMD: %v", err)
	}
}

// envDefault matches the note that envString adds to a flag's usage.
var envDefault = regexp.MustCompile(`\(default \$([A-Z][A-Z0-9_]*)\)`)

// hubEnv returns the environment variables that serve reads: those its
// flags default to, and the Aadhaar key.
func hubEnv(t *testing.T) map[string]bool {
	t.Helper()
	fs, _ := serveFlags()
	env := map[string]bool{aadhaarKeyEnv: true}
	fs.VisitAll(func(f *flag.Flag) {
		if m := envDefault.FindStringSubmatch(f.Usage); m != nil {
			env[m[1]] = true
		}
	})
	for _, name := range []string{
		"SANGAM_POSTGRES", "SANGAM_KAFKA", "SANGAM_TOKENS",
		"SANGAM_KAFKA_TLS", "SANGAM_KAFKA_CA_FILE", "SANGAM_KAFKA_CERT_FILE", "SANGAM_KAFKA_KEY_FILE",
		"SANGAM_KAFKA_SASL", "SANGAM_KAFKA_SASL_USERNAME", "SANGAM_KAFKA_SASL_PASSWORD_FILE",
		"SANGAM_KAFKA_PARTITIONS", "SANGAM_KAFKA_REPLICATION_FACTOR",
		"SANGAM_JURISDICTION", "SANGAM_VERIFICATION_DEADLINE_DAYS",
	} {
		if !env[name] {
			t.Fatalf("no serve flag names $%s in its usage; the test reads the variables from the usage text", name)
		}
	}
	return env
}

func TestDeployCompose(t *testing.T) {
	allowedEnv := hubEnv(t)

	// Compose merges the services of all files given with -f by name, so
	// a service of compose.kafka.yaml adds to the one of compose.yaml.
	type service struct {
		file string
		name string
		spec map[string]any
	}
	var services []service
	defined := map[string]bool{}
	hubs := map[string]bool{}
	for _, doc := range loadDeployDocs(t) {
		list, ok := doc.data["services"].(map[string]any)
		if !ok || strings.HasPrefix(doc.file, "kubernetes/") {
			continue
		}
		for name, v := range list {
			spec, _ := v.(map[string]any)
			services = append(services, service{doc.file, name, spec})
			defined[name] = true
			if isComposeHub(spec) {
				hubs[name] = true
			}
		}
	}
	if len(hubs) == 0 {
		t.Fatal("no Compose service builds deploy/Dockerfile or runs serve")
	}

	graceSet := map[string]bool{}
	for _, s := range services {
		where := fmt.Sprintf("deploy/%s: service %s", s.file, s.name)
		for _, dep := range composeDependencies(s.spec["depends_on"]) {
			if !defined[dep] {
				t.Errorf("%s: depends_on names %q, which no Compose file defines", where, dep)
			}
		}
		if !hubs[s.name] {
			continue
		}
		if cmd, ok := s.spec["command"]; ok {
			argv := stringList(cmd)
			if len(argv) == 0 || argv[0] != "serve" {
				t.Errorf("%s: command %q does not run serve", where, argv)
			} else if err := checkServeArgs(argv[1:]); err != nil {
				t.Errorf("%s: command: %v", where, err)
			}
		}
		for _, name := range composeEnvNames(s.spec["environment"]) {
			if !allowedEnv[name] {
				t.Errorf("%s: environment variable %s is not one the hub reads (it reads %s)",
					where, name, strings.Join(sortedKeys(allowedEnv), ", "))
			}
		}
		if v, ok := s.spec["stop_grace_period"]; ok {
			grace, err := time.ParseDuration(fmt.Sprint(v))
			switch {
			case err != nil:
				t.Errorf("%s: stop_grace_period: %v", where, err)
			case grace <= maxShutdown:
				t.Errorf("%s: stop_grace_period %s must exceed %s, the hub's shutdown", where, grace, maxShutdown)
			}
			graceSet[s.name] = true
		}
	}
	for name := range hubs {
		if !graceSet[name] {
			t.Errorf("Compose service %s: stop_grace_period is missing; Docker's default of 10s kills the hub before its shutdown (up to %s) ends",
				name, maxShutdown)
		}
	}
}

// isComposeHub reports whether a Compose service runs the hub: it builds
// deploy/Dockerfile or its command starts with serve.
func isComposeHub(spec map[string]any) bool {
	if df, _ := mapOf(spec["build"])["dockerfile"].(string); strings.HasSuffix(df, "deploy/Dockerfile") {
		return true
	}
	argv := stringList(spec["command"])
	return len(argv) > 0 && argv[0] == "serve"
}

// composeDependencies returns the service names of a Compose depends_on,
// given as a map (long syntax) or as a list (short syntax).
func composeDependencies(v any) []string {
	if m, ok := v.(map[string]any); ok {
		return sortedKeys(m)
	}
	return stringList(v)
}

// composeEnvNames returns the variable names of a Compose environment,
// given as a map or as a list of NAME=VALUE.
func composeEnvNames(v any) []string {
	var names []string
	switch env := v.(type) {
	case map[string]any:
		names = sortedKeys(env)
	case []any:
		for _, item := range env {
			name, _, _ := strings.Cut(fmt.Sprint(item), "=")
			names = append(names, name)
		}
	}
	return names
}

func TestDeployKubernetes(t *testing.T) {
	allowedEnv := hubEnv(t)
	hubContainers := 0
	listed := map[string]bool{}
	var files []string
	for _, doc := range loadDeployDocs(t) {
		if !strings.HasPrefix(doc.file, "kubernetes/") {
			continue
		}
		file := "deploy/" + doc.file
		if !slices.Contains(files, doc.file) {
			files = append(files, doc.file)
		}
		kind, _ := doc.data["kind"].(string)
		switch {
		case kind == "Kustomization":
			for _, f := range kustomizationFiles(doc.data) {
				listed["kubernetes/"+f] = true
			}
			continue
		case doc.data["apiVersion"] == nil && doc.data["destinations"] != nil:
			content, err := os.ReadFile(filepath.Join(deployDir, doc.file))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := routes.Load(content); err != nil {
				t.Errorf("%s: %v", file, err)
			}
			continue
		}

		name, _ := mapOf(doc.data["metadata"])["name"].(string)
		apiVersion, _ := doc.data["apiVersion"].(string)
		if apiVersion == "" || kind == "" || name == "" {
			t.Errorf("%s: object %q of kind %q: apiVersion, kind and metadata.name are required",
				file, name, kind)
			continue
		}
		where := fmt.Sprintf("%s: %s %s", file, kind, name)
		pod, volumes := podSpec(kind, doc.data)
		if pod == nil {
			continue
		}
		for _, c := range slices.Concat(listOf(pod["initContainers"]), listOf(pod["containers"])) {
			container := mapOf(c)
			cname, _ := container["name"].(string)
			cwhere := fmt.Sprintf("%s: container %s", where, cname)
			for _, m := range listOf(container["volumeMounts"]) {
				mount, _ := mapOf(m)["name"].(string)
				if !volumes[mount] {
					t.Errorf("%s: volumeMount %q names no volume of the pod (volumes: %s)",
						cwhere, mount, strings.Join(sortedKeys(volumes), ", "))
				}
			}
			if isKubernetesHub(container) {
				hubContainers++
				checkHubContainer(t, cwhere, container, allowedEnv)
				checkGracePeriod(t, where, pod)
			}
		}
	}
	if hubContainers == 0 {
		t.Fatalf("no container under %s/kubernetes runs image %q or serve", deployDir, hubImage)
	}
	for _, f := range files {
		if path.Base(f) != "kustomization.yaml" && !listed[f] {
			t.Errorf("deploy/%s is neither a resource nor a generator file of deploy/kubernetes/kustomization.yaml", f)
		}
	}
}

// kustomizationFiles returns the files a kustomization names as resources
// and as configMapGenerator files, with the folder of the kustomization
// as the root.
func kustomizationFiles(k map[string]any) []string {
	files := stringList(k["resources"])
	for _, g := range listOf(k["configMapGenerator"]) {
		for _, f := range stringList(mapOf(g)["files"]) {
			// An entry may be KEY=FILE.
			if _, file, ok := strings.Cut(f, "="); ok {
				f = file
			}
			files = append(files, f)
		}
	}
	return files
}

// podSpec returns the pod template of a workload object, with the names a
// volumeMount may refer to: its volumes, and for a StatefulSet its volume
// claim templates. It returns nil for other kinds.
func podSpec(kind string, obj map[string]any) (map[string]any, map[string]bool) {
	spec := mapOf(obj["spec"])
	var pod map[string]any
	switch kind {
	case "Pod":
		pod = spec
	case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job":
		pod = mapOf(mapOf(spec["template"])["spec"])
	case "CronJob":
		pod = mapOf(mapOf(mapOf(mapOf(spec["jobTemplate"])["spec"])["template"])["spec"])
	default:
		return nil, nil
	}
	volumes := map[string]bool{}
	for _, v := range listOf(pod["volumes"]) {
		if name, _ := mapOf(v)["name"].(string); name != "" {
			volumes[name] = true
		}
	}
	for _, c := range listOf(spec["volumeClaimTemplates"]) {
		if name, _ := mapOf(mapOf(c)["metadata"])["name"].(string); name != "" {
			volumes[name] = true
		}
	}
	return pod, volumes
}

// isKubernetesHub reports whether a container runs the hub: its image is
// the hub's, or its command line starts with serve.
func isKubernetesHub(container map[string]any) bool {
	image, _ := container["image"].(string)
	name, _, _ := strings.Cut(path.Base(image), ":")
	if name == hubImage {
		return true
	}
	argv := hubArgv(container)
	return len(argv) > 0 && argv[0] == "serve"
}

// hubArgv returns a container's command and args joined, without the path
// of the sangam binary when the command names it.
func hubArgv(container map[string]any) []string {
	argv := append(stringList(container["command"]), stringList(container["args"])...)
	if len(argv) > 0 && path.Base(argv[0]) == "sangam" {
		argv = argv[1:]
	}
	return argv
}

// checkHubContainer checks a hub container's command line, environment,
// probes and volume mounts.
func checkHubContainer(t *testing.T, where string, container map[string]any, allowedEnv map[string]bool) {
	t.Helper()
	argv := hubArgv(container)
	if len(argv) == 0 || argv[0] != "serve" {
		t.Errorf("%s: command line %q does not run serve", where, argv)
	} else if err := checkServeArgs(argv[1:]); err != nil {
		t.Errorf("%s: args: %v", where, err)
	}

	for _, e := range listOf(container["env"]) {
		name, _ := mapOf(e)["name"].(string)
		if !allowedEnv[name] {
			t.Errorf("%s: environment variable %s is not one the hub reads (it reads %s)",
				where, name, strings.Join(sortedKeys(allowedEnv), ", "))
		}
	}
	if container["envFrom"] != nil {
		t.Errorf("%s: envFrom hides the variable names from this test; list each under env", where)
	}

	probes := []struct {
		field, path string
		required    bool
	}{
		{"livenessProbe", "/healthz", true},
		{"readinessProbe", "/readyz", true},
		{"startupProbe", "/healthz", false},
	}
	for _, p := range probes {
		probe, ok := container[p.field]
		if !ok {
			if p.required {
				t.Errorf("%s: %s is missing; it must GET %s", where, p.field, p.path)
			}
			continue
		}
		got, _ := mapOf(mapOf(probe)["httpGet"])["path"].(string)
		if got != p.path {
			t.Errorf("%s: %s.httpGet.path is %q, want %q", where, p.field, got, p.path)
		}
	}

	for _, m := range listOf(container["volumeMounts"]) {
		mount := mapOf(m)
		if mount["subPath"] != nil {
			t.Errorf("%s: volumeMount %v uses subPath, which the kubelet never updates; mount the whole volume",
				where, mount["name"])
		}
	}
}

// checkGracePeriod checks that the hub's pod waits longer than its
// shutdown before it kills the hub.
func checkGracePeriod(t *testing.T, where string, pod map[string]any) {
	t.Helper()
	seconds, ok := pod["terminationGracePeriodSeconds"].(int)
	if !ok {
		t.Errorf("%s: terminationGracePeriodSeconds is missing; the default 30s does not exceed the hub's shutdown (%s)",
			where, maxShutdown)
		return
	}
	if grace := time.Duration(seconds) * time.Second; grace <= maxShutdown {
		t.Errorf("%s: terminationGracePeriodSeconds %d must exceed %s, the hub's shutdown",
			where, seconds, maxShutdown)
	}
}

// mapOf returns v as a YAML mapping, or nil.
func mapOf(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// listOf returns v as a YAML sequence, or nil.
func listOf(v any) []any {
	l, _ := v.([]any)
	return l
}

// stringList returns a sequence of scalars as strings, or a string split
// at spaces, as Compose reads a command given as one string.
func stringList(v any) []string {
	if s, ok := v.(string); ok {
		return strings.Fields(s)
	}
	var out []string
	for _, item := range listOf(v) {
		out = append(out, fmt.Sprint(item))
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
