package resilience

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	killsFlag = flag.Int("kills", 20, "SIGKILLs of the hub per store in the crash-loop test")
	rateFlag  = flag.Int("rate", 20, "messages per second of the steady load")
	seedFlag  = flag.Uint64("seed", 0, "seed of the random kill moments; 0 picks one from the clock")
)

// binDir holds the sangam binary that buildBinary compiles.
var binDir string

func TestMain(m *testing.M) {
	flag.Parse()
	if *killsFlag < 0 || *rateFlag < 1 {
		fmt.Fprintf(os.Stderr, "invalid flags: -kills %d must be 0 or more and -rate %d "+
			"at least 1\n", *killsFlag, *rateFlag)
		os.Exit(2)
	}
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// buildBinary compiles the sangam command once per test binary.
var buildBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "sangam-resilience-")
	if err != nil {
		return "", err
	}
	binDir = dir
	bin := filepath.Join(dir, "sangam")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/sangam-hub/sangam/cmd/sangam")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building sangam: %v\n%s", err, out)
	}
	return bin, nil
})

// aadhaarKey is the masking key every hub process of the tests shares.
const aadhaarKey = "resilience-test-key-0123456789abcdef"

// hubProcess is one `sangam serve` process, started again on the same
// address and data after each stop. Its standard error goes to a log
// file that the test prints the end of when it fails.
type hubProcess struct {
	t       *testing.T
	name    string
	addr    string
	args    []string
	logPath string

	cmd    *exec.Cmd
	exited chan struct{} // closed when cmd has been waited for
	exit   error         // cmd's exit status, set before exited closes
	starts int
}

// newHubProcess returns a stopped process serving on a free loopback
// address with extra as further serve flags. Its log is kept in the
// test's temporary folder.
func newHubProcess(t *testing.T, name string, extra ...string) *hubProcess {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and kills the sangam binary; skipped in -short mode")
	}
	addr := freeAddr(t)
	p := &hubProcess{
		t: t, name: name, addr: addr,
		args:    append([]string{"serve", "--listen", addr}, extra...),
		logPath: filepath.Join(t.TempDir(), name+".log"),
	}
	t.Cleanup(func() {
		p.stop()
		if t.Failed() {
			t.Logf("last lines of %s's log:\n%s", name, tail(p.logPath, 40))
		}
	})
	return p
}

// URL returns the hub's base URL, the same across restarts.
func (p *hubProcess) URL() string { return "http://" + p.addr }

// launch starts the process without waiting for it to serve.
func (p *hubProcess) launch() {
	p.t.Helper()
	bin, err := buildBinary()
	if err != nil {
		p.t.Fatal(err)
	}
	logFile, err := os.OpenFile(p.logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		p.t.Fatal(err)
	}
	p.starts++
	fmt.Fprintf(logFile, "=== start %d at %s\n", p.starts, time.Now().Format(time.RFC3339Nano))
	cmd := exec.Command(bin, p.args...)
	cmd.Env = append(os.Environ(), "SANGAM_AADHAAR_KEY="+aadhaarKey)
	cmd.Stderr = logFile
	cmd.Stdout = logFile
	if err := cmd.Start(); err != nil {
		logFile.Close()
		p.t.Fatal(err)
	}
	p.cmd, p.exited = cmd, make(chan struct{})
	go func() {
		p.exit = cmd.Wait()
		logFile.Close()
		close(p.exited)
	}()
}

// start launches the process and waits until GET /healthz succeeds.
//
// At the first start, another test's process may take the free address
// between freeAddr and the bind, so the process exits at once. start
// then tries another address, because no caller has used this one yet.
func (p *hubProcess) start() {
	p.t.Helper()
	for retry := 0; ; retry++ {
		p.launch()
		err := waitHealthy(p.URL(), p.exited, 30*time.Second)
		if err == nil {
			return
		}
		if p.starts-retry == 1 && retry < 3 && strings.Contains(tail(p.logPath, 5), "address already in use") {
			old := p.addr
			p.addr = freeAddr(p.t)
			for i, arg := range p.args {
				if arg == old {
					p.args[i] = p.addr
				}
			}
			continue
		}
		p.t.Fatalf("%s did not start: %v\n%s", p.name, err, tail(p.logPath, 40))
	}
}

// kill sends SIGKILL and waits for the process to end.
func (p *hubProcess) kill() {
	p.t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
		p.t.Fatalf("killing %s: %v", p.name, err)
	}
	<-p.exited
}

// terminate sends SIGTERM and returns how long the process took to exit
// and its exit error, waiting at most limit before it kills the process.
func (p *hubProcess) terminate(limit time.Duration) (time.Duration, error) {
	p.t.Helper()
	start := time.Now()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		p.t.Fatalf("signalling %s: %v", p.name, err)
	}
	select {
	case <-p.exited:
		return time.Since(start), p.exit
	case <-time.After(limit):
		p.kill()
		return time.Since(start), fmt.Errorf("still running %s after SIGTERM; killed", limit)
	}
}

// stop kills the process if it runs.
func (p *hubProcess) stop() {
	if p.cmd == nil {
		return
	}
	select {
	case <-p.exited:
	default:
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		<-p.exited
	}
}

// waitHealthy polls url's /healthz until it responds 200, exited closes or
// limit passes.
func waitHealthy(url string, exited <-chan struct{}, limit time.Duration) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(limit)
	for {
		resp, err := client.Get(url + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-exited:
			return errors.New("the process exited")
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no 200 response within %s: %v", limit, err)
		}
	}
}

// freeAddr returns a loopback address whose port was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// tail returns the last n lines of the file at path.
func tail(path string, n int) string {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Sprintf("(no log: %v)", err)
	}
	defer f.Close()
	var lines []string
	scanner := bufio.NewScanner(f)
	scanner.Buffer(make([]byte, 64<<10), 1<<20)
	for scanner.Scan() {
		lines = append(lines, scanner.Text())
		if len(lines) > n {
			lines = lines[1:]
		}
	}
	return strings.Join(lines, "\n")
}
