package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/sangam-hub/sangam/internal/hub"
)

func runMocks(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("mocks", flag.ContinueOnError)
	hubURL := fs.String("hub", "http://127.0.0.1:8400",
		"base URL of the hub that the court and the police stations post to")
	mockPort := fs.Int("mock-port", demoBasePort,
		fmt.Sprintf("first port of the %d mock agencies on 127.0.0.1, in the order of the "+
			"embedded default routes; 0 picks free ports", len(demoAgencies)))
	data := fs.String("data", hub.DefaultDataDir,
		"folder for mock-court-serials.json, the mock court's last CNR serials")
	courtsTokenFile := fs.String("courts-token-file", "",
		"file that contains a courts token on one line, which the court sends with its "+
			"docketing callbacks; without it the court sends none")
	printRoutes := fs.Bool("print-routes", false,
		"print the embedded default routes with the URLs of the mocks on --mock-port, "+
			"for sangam serve --routes, and exit")
	policeTokenFile := fs.String("police-token-file", "",
		"file that contains a police token on one line, which stations EKM0412 and EKM0420 "+
			"send with their verification reports; without it they send none")

	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: sangam mocks [--hub URL] [--courts-token-file FILE] "+
			"[--police-token-file FILE] [flags]")
		fmt.Fprintln(stderr, "       sangam mocks --print-routes [--mock-port N]")
		fmt.Fprintln(stderr, "Runs the demo's mock agencies, without a hub or sample traffic, "+
			"until interrupted.")
		fs.PrintDefaults()
	}
	if err := parseFlagsOnly(fs, args, stderr); err != nil {
		return err
	}

	if err := checkMockPort(*mockPort); err != nil {
		return err
	}
	if *printRoutes {
		return printMockRoutes(*mockPort, stdout)
	}
	if err := checkNotEmpty(fs, "data", "the path of a folder", "the folder "+hub.DefaultDataDir); err != nil {
		return err
	}
	base, err := hubBase(*hubURL)
	if err != nil {
		return err
	}
	tokens, err := readMockTokens(fs, *courtsTokenFile, *policeTokenFile, stderr)
	if err != nil {
		return err
	}

	mocks, err := listenMocks(*mockPort)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := newLog(stderr, slog.LevelInfo)
	err = serveMocks(ctx, mocks, base, *data, tokens, log, stdout)
	stopMocks(mocks, err, log)
	return err
}

// stopMocks closes the mock agencies of mocks, which served until err
// or until they were interrupted, and logs that they stopped unless err,
// which run prints, ended them.
func stopMocks(mocks *demoMocks, err error, log *slog.Logger) {
	mocks.close()
	if err == nil {
		log.Info("mock agencies stopped", "mocks", len(mocks.listeners))
	}
}

// printMockRoutes prints the embedded default routes with the mocks on
// the ports from firstPort up.
func printMockRoutes(firstPort int, out io.Writer) error {
	if firstPort == 0 {
		return usageErrorf("mocks", "--print-routes needs the ports of the mocks, but "+
			"--mock-port 0 picks free ports when the mocks start: give --mock-port N, the first of the ports")
	}
	ports := make([]int, len(demoAgencies))
	for i := range ports {
		ports[i] = firstPort + i
	}
	_, err := out.Write(mockRoutes(ports))
	return err
}

// readMockTokens reads the tokens of the --courts-token-file and
// --police-token-file flags, whose values are courtsFile and policeFile,
// warning on stderr about files that others may read.
func readMockTokens(fs *flag.FlagSet, courtsFile, policeFile string, stderr io.Writer) (mockTokens, error) {
	var tokens mockTokens
	for _, f := range []struct {
		name, file string
		token      *string
	}{
		{"courts-token-file", courtsFile, &tokens.courts},
		{"police-token-file", policeFile, &tokens.police},
	} {
		if err := checkNotEmpty(fs, f.name, "the path of a token file",
			"posts without a token"); err != nil {
			return tokens, err
		}
		if f.file == "" {
			continue
		}
		token, err := readTokenFlag(f.name, f.file, stderr)
		if err != nil {
			return tokens, err
		}
		*f.token = token
	}
	return tokens, nil
}

// serveMocks runs the mock agencies on the listeners of mocks, posting
// to the hub at hubURL with tokens, until ctx ends. The court keeps its
// CNR serials in dataDir.
func serveMocks(ctx context.Context, mocks *demoMocks, hubURL, dataDir string, tokens mockTokens,
	log *slog.Logger, out io.Writer) error {
	serials, err := courtSerialFile(dataDir)
	if err != nil {
		return err
	}
	if err := mocks.serve(hubURL, serials, tokens, log); err != nil {
		return err
	}
	fmt.Fprintf(out, "Sangam mock agencies, posting to the hub at %s\n", hubURL)
	for i, ln := range mocks.listeners {
		fmt.Fprintf(out, "  mock %s on %s\n", demoAgencies[i], ln.Addr())
	}
	fmt.Fprintln(out, "Press Ctrl-C to stop.")
	<-ctx.Done()
	return nil
}
