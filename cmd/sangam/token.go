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
	stationList := fs.String("stations", "",
		"comma-separated CCTNS codes of the police stations whose documents the token may post, "+
			"such as EKM0412,EKM0420; with --agency police only; every station when left out")
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: sangam token --name NAME --agency AGENCY [--operator]")
		fmt.Fprintln(stderr, "       sangam token --name NAME --agency police --stations CODE,...")
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
	stationsGiven := false
	fs.Visit(func(f *flag.Flag) { stationsGiven = stationsGiven || f.Name == "stations" })
	stations, err := parseStationList(*stationList, stationsGiven, *agency)
	if err != nil {
		fs.Usage()
		return err
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
	if len(stations) > 0 {
		entry += ", stations: [" + strings.Join(stations, ", ") + "]"
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

// parseStationList returns the codes of --stations, list, which only a
// token of agency police may have, or an error naming the rule broken.
// stationsSet is true when --stations appeared on the command line. An
// empty value there, such as an unset shell variable, is rejected,
// because a token without stations may post for every station.
func parseStationList(list string, stationsSet bool, agency string) ([]string, error) {
	if list == "" {
		if stationsSet {
			return nil, errors.New("--stations: empty list: list at least one station code, " +
				"or leave --stations out to let the token post for every station")
		}
		return nil, nil
	}
	if agency != "police" {
		return nil, errors.New("--stations needs --agency police, because station codes " +
			"limit the police documents a token may post")
	}
	var codes []string
	for _, code := range strings.Split(list, ",") {
		code = strings.TrimSpace(code)
		if err := auth.CheckStationCode(code); err != nil {
			return nil, fmt.Errorf("--stations: %w", err)
		}
		if slices.Contains(codes, code) {
			return nil, fmt.Errorf("--stations: %s is listed twice: list each station once", code)
		}
		codes = append(codes, code)
	}
	return codes, nil
}
