package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/netip"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/auth"
	"github.com/sangam-hub/sangam/internal/hub"
	"github.com/sangam-hub/sangam/internal/logmask"
	"github.com/sangam-hub/sangam/internal/pgdsn"
)

// hubFlags registers the flags serve and demo share and returns a
// function that builds the hub configuration from them.
func hubFlags(fs *flag.FlagSet) func() (hub.Config, error) {
	listen := fs.String("listen", hub.DefaultListen, "address of the hub's HTTP API")
	data := fs.String("data", hub.DefaultDataDir,
		"folder for the embedded SQLite journal and the Aadhaar key")
	pg := envSetting(fs, "postgres", "SANGAM_POSTGRES",
		"PostgreSQL connection URL; when set, the journal and bus use it instead of SQLite",
		"a PostgreSQL connection URL", "the embedded SQLite journal")
	routesFile := fs.String("routes", "", "routes file (YAML) that seeds an empty routes store "+
		"(default: the embedded default routes); once routes are stored they stay in force, and "+
		"a later start only compares the file with them: a file that is an earlier stored "+
		"version gets an info line, and one that matches no stored version a warning; "+
		"apply a changed file with sangam routes apply")
	kafka := envSetting(fs, "kafka", "SANGAM_KAFKA",
		"comma-separated Kafka brokers (host:port); when set, delivery topics run on Kafka",
		"comma-separated Kafka brokers (host:port)", "delivery topics on the journal's database")
	kafkaSession := fs.Duration("kafka-session-timeout", 0,
		"how long Kafka waits for a silent replica before giving its partitions to the others; "+
			"the broker bounds it (default 30s)")
	resendAfter := envString(fs, "resend-after", "SANGAM_RESEND_AFTER",
		"how long a delivery's command may wait for a handler before the hub sends it again, "+
			"as when a bus lost it; with --kafka counted from when it left the outbox (1m to 24h; "+
			"5m when neither is set)",
		"a duration from 1m to 24h, such as 10m", "the default of 5m")
	kafkaSettings := kafkaFlags(fs)
	verificationSettings := verificationFlags(fs)
	tokens := envSetting(fs, "tokens", "SANGAM_TOKENS",
		"token file (YAML) of agencies and operators allowed to call the API; "+
			"without it the API is open",
		"the path of a token file", "an API without authentication")
	allowOpenAPI := fs.Bool("allow-open-api", false,
		"start without --tokens although --listen is not a loopback address, "+
			"leaving the API open to anyone who can reach it")
	inboundBudget := fs.Int64("inbound-budget", api.DefaultInboundBudget>>20,
		"memory, in MiB, that the bodies of inbound posts in flight may take together; "+
			"a post beyond it gets 503 with Retry-After (at least 8)")
	verbose := fs.Bool("v", false, "log at debug level: adds the internal lines of the message "+
		"bus and its router (watermill), deliveries deferred or requeued, routes versions "+
		"compiled and failed readiness checks")
	return func() (hub.Config, error) {
		cfg := hub.Config{Listen: *listen, DataDir: *data, KafkaSessionTimeout: *kafkaSession}
		if err := checkHubFlagsNotEmpty(fs); err != nil {
			return cfg, err
		}
		if err := checkListen(*listen); err != nil {
			return cfg, err
		}
		if err := checkDataFolder(*data); err != nil {
			return cfg, err
		}
		if *kafkaSession < 0 {
			return cfg, flagErrorf("--kafka-session-timeout: invalid value %s: want a positive "+
				"duration such as 45s, or leave the flag out for 30s", *kafkaSession)
		}
		dsn, err := pg()
		if err != nil {
			return cfg, err
		}
		if dsn != "" {
			// The error leaves the value out because it may contain a
			// password.
			if err := pgdsn.Check(dsn); err != nil {
				return cfg, settingErrorf(fs, "postgres", "%s: %v",
					settingName(fs, "postgres", "SANGAM_POSTGRES"), err)
			}
		}
		cfg.PostgresDSN = dsn
		if *inboundBudget < api.DefaultMaxBody>>20 || *inboundBudget > math.MaxInt64>>20 {
			return cfg, flagErrorf("--inbound-budget: %d MiB is invalid: want at least %d, "+
				"the largest inbound body", *inboundBudget, api.DefaultMaxBody>>20)
		}
		cfg.InboundBudget = *inboundBudget << 20
		resend, err := resendAfter()
		if err != nil {
			return cfg, err
		}
		stale, err := resendAfterValue(fs, resend)
		if err != nil {
			return cfg, err
		}
		cfg.StaleAfter = stale
		brokers, err := kafka()
		if err != nil {
			return cfg, err
		}
		if brokers != "" {
			cfg.KafkaBrokers = strings.Split(brokers, ",")
		}
		if err := kafkaSettings(&cfg); err != nil {
			return cfg, err
		}
		if err := verificationSettings(&cfg); err != nil {
			return cfg, err
		}
		if *routesFile != "" {
			doc, err := os.ReadFile(*routesFile)
			if err != nil {
				return cfg, fmt.Errorf("reading routes: %w", err)
			}
			cfg.Routes, cfg.RoutesFile = doc, *routesFile
		}
		file, err := tokens()
		if err != nil {
			return cfg, err
		}
		if file != "" {
			doc, err := os.ReadFile(file)
			if err != nil {
				return cfg, fmt.Errorf("reading token file: %w", err)
			}
			if cfg.Tokens, err = auth.Parse(doc); err != nil {
				if known, agenciesErr := agencies(); cfg.Tokens != nil && agenciesErr == nil {
					// The hub checks the agencies of a file that parses,
					// and this reports them with the other problems.
					err = errors.Join(err, cfg.Tokens.CheckAgencies(known))
				}
				return cfg, fmt.Errorf("token file %s: %w", file, err)
			}
			cfg.TokenFile = file
		}
		if err := checkOpenAPI(fs.Name(), *listen, cfg.TokenFile, *allowOpenAPI); err != nil {
			return cfg, err
		}
		key, set, err := lookupEnv(aadhaarKeyEnv, "", "a key of at least 32 characters",
			"the key in "+filepath.Join(cfg.DataDir, "aadhaar.key"))
		if err != nil {
			return cfg, err
		}
		if set {
			cfg.AadhaarKey = []byte(key)
		}
		level := slog.LevelInfo
		if *verbose {
			level = slog.LevelDebug
		}
		cfg.Log = newLog(os.Stderr, level)
		return cfg, nil
	}
}

// checkHubFlagsNotEmpty returns an error when --listen, --data or
// --routes is given an empty value, which would otherwise select the
// default address, folder or routes.
func checkHubFlagsNotEmpty(fs *flag.FlagSet) error {
	if err := checkNotEmpty(fs, "listen", "a host:port address", hub.DefaultListen); err != nil {
		return err
	}
	if err := checkNotEmpty(fs, "data", "the path of a folder", "the folder "+hub.DefaultDataDir); err != nil {
		return err
	}
	return checkNotEmpty(fs, "routes", "the path of a routes file", "the embedded default routes")
}

// checkListen returns a usageError unless listen is a host:port address
// with a port from 0 to 65535, where 0 picks a free port.
func checkListen(listen string) error {
	_, port, err := net.SplitHostPort(listen)
	if err == nil {
		_, err = strconv.ParseUint(port, 10, 16)
	}
	if err != nil {
		return flagErrorf("--listen: invalid value %q: want a host:port address with a port "+
			"from 0 to 65535, such as %s", listen, hub.DefaultListen)
	}
	return nil
}

// checkDataFolder returns a usageError when data, the value of --data, is
// a file or has a file among its parents, so that the hub can neither
// use it nor create it. A folder that does not exist yet passes, because
// the hub creates it.
func checkDataFolder(data string) error {
	const want = "give the path of a folder, existing or new"
	info, err := os.Stat(data)
	switch {
	case err == nil && !info.IsDir():
		return flagErrorf("--data: %s is a file, not a folder: %s", data, want)
	case errors.Is(err, syscall.ENOTDIR):
		return flagErrorf("--data: %s: a part of the path is a file, not a folder: %s", data, want)
	}
	return nil
}

// checkOpenAPI returns a usageError when the hub that command starts would
// have no token file and listen on an address that other hosts can
// reach, unless allowOpenAPI is set. An address that does not parse
// passes, so that the hub's own check of --listen names its error.
func checkOpenAPI(command, listen, tokenFile string, allowOpenAPI bool) error {
	if tokenFile != "" || allowOpenAPI {
		return nil
	}
	host, _, err := net.SplitHostPort(listen)
	if err != nil || isLoopbackHost(host) {
		return nil
	}
	if command == "demo" {
		return flagErrorf("--listen %s is not a loopback address and the demo runs the API "+
			"without tokens, so anyone who can reach the hub could post as any agency and "+
			"replay deliveries: listen on 127.0.0.1, or pass --allow-open-api to run the API "+
			"without tokens, because the demo takes no token file", listen)
	}
	return flagErrorf("--listen %s is not a loopback address and --tokens is not set, so anyone "+
		"who can reach the hub could post as any agency and replay deliveries: give a token "+
		"file with --tokens (or $SANGAM_TOKENS), listen on 127.0.0.1, or pass --allow-open-api "+
		"to run the API without tokens", listen)
}

// isLoopbackHost reports whether host is localhost or a loopback IP
// address, such as 127.0.0.1 or ::1. An empty host, which listens on
// every interface, is not, and neither is any other host name, because
// the hub does not resolve it here.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// resendAfterValue returns the duration that value, of --resend-after or
// $SANGAM_RESEND_AFTER, gives, hub.DefaultStaleAfter when it is empty, or
// an error that names where the value came from and the range.
func resendAfterValue(fs *flag.FlagSet, value string) (time.Duration, error) {
	source := "--resend-after"
	if !flagSet(fs, "resend-after") {
		if value == "" {
			return hub.DefaultStaleAfter, nil
		}
		source = "$SANGAM_RESEND_AFTER (default of --resend-after)"
	}
	d, err := time.ParseDuration(value)
	if err != nil || d < time.Minute || d > 24*time.Hour {
		return 0, settingErrorf(fs, "resend-after", "%s: %q is invalid: want a duration from 1m "+
			"to 24h, such as 10m", source, value)
	}
	return d, nil
}

// aadhaarKeyEnv is the environment variable that contains the key
// masking Aadhaar numbers. Serve has no flag for the key.
const aadhaarKeyEnv = "SANGAM_AADHAAR_KEY"

// serveFlags returns serve's flag set, and the function that builds the
// hub configuration from it once it is parsed.
func serveFlags() (*flag.FlagSet, func() (hub.Config, error)) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	return fs, hubFlags(fs)
}

func runServe(args []string, stdout, stderr io.Writer) error {
	tuneGC()
	fs, config := serveFlags()
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: sangam serve [flags]")
		fmt.Fprintln(stderr, "$SANGAM_AADHAAR_KEY (at least 32 characters) is the key that masks Aadhaar")
		fmt.Fprintln(stderr, "numbers; without it the key is DIR/aadhaar.key, created at first start.")
		fmt.Fprintln(stderr, "An empty $SANGAM_AADHAAR_KEY, like every empty $SANGAM_* variable, is rejected.")
		fmt.Fprintln(stderr, "Every replica and every restart on one journal must use the same key.")
		fs.PrintDefaults()
	}
	if err := parseFlagsOnly(fs, args, stderr); err != nil {
		return err
	}
	cfg, err := config()
	if err != nil {
		return err
	}
	warnWritableTokenFile(cfg.Log, cfg.TokenFile)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	h, err := openHub(ctx, cfg)
	if err != nil {
		return err
	}
	hangup := make(chan os.Signal, 1)
	signal.Notify(hangup, syscall.SIGHUP)
	defer signal.Stop(hangup)
	go reloadOnHangup(ctx, hangup, h, cfg.TokenFile, cfg.RoutesFile, cfg.Log)
	return h.Run(ctx)
}

// reloadOnHangup reloads the token file into h at each signal on hangup,
// until ctx ends, with a warning when others may write the file. A
// failed reload is logged and leaves the tokens as they were. The routes file, which only seeds an empty routes store,
// is not read again, and each signal logs that.
func reloadOnHangup(ctx context.Context, hangup <-chan os.Signal, h *hub.Hub, file, routesFile string,
	log *slog.Logger) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-hangup:
		}
		if routesFile != "" {
			log.Info("SIGHUP does not read the routes file again, so the routes in force stay; "+
				"apply a changed file with sangam routes apply", "file", routesFile)
		}
		if file == "" {
			log.Error("SIGHUP ignored", "error", hub.ErrNoTokenFile)
			continue
		}
		warnWritableTokenFile(log, file)
		doc, err := os.ReadFile(file)
		if err == nil {
			err = h.ReloadTokens(doc)
		}
		if err != nil {
			log.Error("token file not reloaded, the earlier tokens stay in force",
				"file", file, "error", err)
		}
	}
}

// newLog returns a logger that writes text lines of level and above to w,
// with every Aadhaar number in them masked.
func newLog(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(logmask.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level})))
}
