package resilience

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// defaultPostgres is the test server when SANGAM_TEST_POSTGRES is unset.
const defaultPostgres = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// postgresSchema creates a schema of its own for the test on the test
// server and returns a DSN whose search_path selects it, with params
// added. It skips the test when the server is unreachable.
func postgresSchema(t *testing.T, params url.Values) string {
	t.Helper()
	base := os.Getenv("SANGAM_TEST_POSTGRES")
	if base == "" {
		base = defaultPostgres
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Skipf("PostgreSQL not reachable at SANGAM_TEST_POSTGRES (%v); start it or set the variable",
			err)
	}
	schema := fmt.Sprintf("resilience_%d", time.Now().UnixNano())
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		conn.Close(ctx)
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
		conn.Close(ctx)
	})
	if params == nil {
		params = url.Values{}
	}
	params.Set("search_path", schema)
	return withParams(t, base, params)
}

// withParams returns dsn, a postgres:// URL, with params added.
func withParams(t *testing.T, dsn string, params url.Values) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("SANGAM_TEST_POSTGRES must be a postgres:// URL for these tests: %v", err)
	}
	q := u.Query()
	for k, vs := range params {
		q[k] = vs
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// cluster is a private PostgreSQL cluster in the test's temporary
// folder, listening on a loopback port of its own, so that the test may
// stop it without disturbing other tests.
type cluster struct {
	t       *testing.T
	bin     string // folder of initdb and pg_ctl
	data    string
	logPath string
	port    int
	// owner is the account the server runs as when the tests run as root,
	// which PostgreSQL refuses; nil otherwise.
	owner *syscall.Credential
}

// startCluster runs initdb and starts the server with fsync on. It skips
// the test when no initdb is installed.
func startCluster(t *testing.T) *cluster {
	t.Helper()
	bin := findPostgresBin()
	if bin == "" {
		t.Skip("no PostgreSQL initdb found in /usr/lib/postgresql/*/bin or on PATH; " +
			"install the PostgreSQL server package to run this test")
	}
	dir := t.TempDir()
	c := &cluster{t: t, bin: bin, data: filepath.Join(dir, "data"),
		logPath: filepath.Join(dir, "postgres.log")}
	if os.Geteuid() == 0 {
		c.owner = postgresAccount(t)
		shareWithOwner(t, dir, c.owner)
	}
	_, port, _ := strings.Cut(freeAddr(t), ":")
	c.port, _ = strconv.Atoi(port)

	c.run("initdb", "-D", c.data, "-U", "postgres", "--auth=trust", "-E", "UTF8")
	conf := fmt.Sprintf("listen_addresses = '127.0.0.1'\nport = %d\n"+
		"unix_socket_directories = '%s'\nfsync = on\nmax_connections = 60\n", c.port, dir)
	f, err := os.OpenFile(filepath.Join(c.data, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.WriteString(conf)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	c.start()
	t.Cleanup(func() { c.tryRun("pg_ctl", "-D", c.data, "-m", "immediate", "-w", "stop") })
	return c
}

// DSN returns the URL of the cluster's postgres database.
func (c *cluster) DSN() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.port)
}

func (c *cluster) start() {
	c.run("pg_ctl", "-D", c.data, "-l", c.logPath, "-w", "-t", "60", "start")
}

// stop shuts the server down in fast mode: open sessions are ended and
// their transactions rolled back.
func (c *cluster) stop() { c.run("pg_ctl", "-D", c.data, "-m", "fast", "-w", "stop") }

// crash stops the server in immediate mode, as a crash would: it writes
// nothing more, so commits made without waiting for the disk may be
// lost, and the next start recovers from the log.
func (c *cluster) crash() { c.run("pg_ctl", "-D", c.data, "-m", "immediate", "-w", "stop") }

func (c *cluster) run(tool string, args ...string) {
	c.t.Helper()
	if out, err := c.command(tool, args...).CombinedOutput(); err != nil {
		c.t.Fatalf("%s %s: %v\n%s\n%s", tool, strings.Join(args, " "), err, out,
			tail(c.logPath, 20))
	}
}

func (c *cluster) tryRun(tool string, args ...string) {
	_ = c.command(tool, args...).Run()
}

func (c *cluster) command(tool string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(c.bin, tool), args...)
	cmd.Dir = filepath.Dir(c.data)
	if c.owner != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.owner}
	}
	return cmd
}

// findPostgresBin returns the folder of the newest installed initdb, or
// "" when there is none.
func findPostgresBin() string {
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	sort.Slice(found, func(i, j int) bool { return versionOf(found[i]) > versionOf(found[j]) })
	if len(found) > 0 {
		return filepath.Dir(found[0])
	}
	if path, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(path)
	}
	return ""
}

// versionOf returns the major version in a path such as
// /usr/lib/postgresql/15/bin/initdb.
func versionOf(path string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(path))))
	return n
}

// postgresAccount returns the credentials of the postgres account, which
// the server runs as when the tests run as root.
func postgresAccount(t *testing.T) *syscall.Credential {
	t.Helper()
	u, err := user.Lookup("postgres")
	if err != nil {
		t.Skipf("running as root and no postgres account to run the server as: %v", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
}

// shareWithOwner gives owner the folder dir and lets it through dir's
// parent, which the testing package creates readable by root only.
func shareWithOwner(t *testing.T, dir string, owner *syscall.Credential) {
	t.Helper()
	if err := os.Chmod(filepath.Dir(dir), 0o711); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(dir, int(owner.Uid), int(owner.Gid)); err != nil {
		t.Fatal(err)
	}
}
