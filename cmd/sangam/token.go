package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/sangam-hub/sangam/internal/auth"
)

func runToken(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	name := fs.String("name", "", "who will hold the token, such as cctns-kerala")
	agency := fs.String("agency", "", "agency the token may post messages as")
	operator := fs.Bool("operator", false,
		"let the token read journeys, replay deliveries, change routes and read metrics")
	metrics := fs.Bool("metrics", false,
		"let the token read GET /metrics and nothing else, for a scraper such as Prometheus")
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: sangam token --name NAME --agency AGENCY [--operator]")
		fmt.Fprintln(stderr, "       sangam token --name NAME --operator")
		fmt.Fprintln(stderr, "       sangam token --name NAME --metrics")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return errFlags
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *name == "" || (*agency == "" && !*operator && !*metrics) {
		fs.Usage()
		return errors.New("give --name and one of --agency, --operator or --metrics")
	}
	if *metrics && (*agency != "" || *operator) {
		fs.Usage()
		return errors.New("--metrics may not be combined with --agency or --operator, " +
			"because a metrics token may read /metrics only; make a separate token for the other grant")
	}
	if *agency != "" {
		known, err := agencies()
		if err != nil {
			return err
		}
		if !slices.Contains(known, *agency) {
			return fmt.Errorf("--agency: unknown agency %q: known agencies are %s",
				*agency, strings.Join(known, ", "))
		}
	}
	token, digest, err := auth.NewToken()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "# token for %s: give it to its holder and keep it nowhere else\n", *name)
	fmt.Fprintf(stdout, "# %s\n", token)
	fmt.Fprintf(stdout, "# entry for the hub's token file, a YAML list under its top-level key:\n")
	fmt.Fprintf(stdout, "tokens:\n")
	entry := fmt.Sprintf("  - {name: %s", *name)
	if *agency != "" {
		entry += ", agency: " + *agency
	}
	if *operator {
		entry += ", operator: true"
	}
	if *metrics {
		entry += ", metrics: true"
	}
	fmt.Fprintf(stdout, "%s, sha256: %s}\n", entry, digest)
	return nil
}
