package main

import (
	"encoding/json"
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
	courtList := fs.String("courts", "",
		"comma-separated e-Courts establishment codes of the courts whose messages the token may post, "+
			"such as KLER01,KLER10; with --agency courts only; every court when left out")
	prisonList := fs.String("prisons", "",
		"comma-separated codes of the prisons whose movements the token may post, "+
			"such as KLSJEKM; with --agency prisons only; every prison when left out")
	tokenOnly := fs.Bool("token-only", false,
		"print only the token, on one line, to standard output, for a script to save as a "+
			"--token-file; the comments and the token-file entry go to standard error")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: sangam token --name NAME --agency AGENCY [--operator] [--token-only]")
		fmt.Fprintln(stderr, "       sangam token --name NAME --agency police --stations CODE,...")
		fmt.Fprintln(stderr, "       sangam token --name NAME --agency courts --courts CODE,...")
		fmt.Fprintln(stderr, "       sangam token --name NAME --agency prisons --prisons CODE,...")
		fmt.Fprintln(stderr, "       sangam token --name NAME --operator")
		fmt.Fprintln(stderr, "       sangam token --name NAME --metrics")
		fs.PrintDefaults()
	}
	if err := parseFlagsOnly(fs, args, stderr); err != nil {
		return err
	}
	if *name == "" || (*agency == "" && !*operator && !*metrics) {
		return usageErrorf("token", "give --name and one of --agency, --operator or --metrics")
	}
	if err := auth.CheckName(*name); err != nil {
		return usageErrorf("token", "--name: %v", err)
	}
	if *metrics && (*agency != "" || *operator) {
		return usageErrorf("token", "--metrics may not be combined with --agency or --operator, "+
			"because a metrics token may read /metrics only; make a separate token for the other grant")
	}
	if *agency != "" {
		known, err := agencies()
		if err != nil {
			return err
		}
		if !slices.Contains(known, *agency) {
			return usageErrorf("token", "--agency: unknown agency %q: known agencies are %s",
				*agency, strings.Join(known, ", "))
		}
	}
	stations, err := parseCodeList(fs, *stationList, stationCodes, *agency)
	if err != nil {
		return err
	}
	courts, err := parseCodeList(fs, *courtList, courtCodes, *agency)
	if err != nil {
		return err
	}
	prisons, err := parseCodeList(fs, *prisonList, prisonCodes, *agency)
	if err != nil {
		return err
	}
	token, digest, err := auth.NewToken()
	if err != nil {
		return err
	}
	// The name is quoted here and in the entry, so that no name can add
	// lines or keys to the token file.
	quoted, err := json.Marshal(*name)
	if err != nil {
		return err
	}
	entryOut := stdout
	if *tokenOnly {
		fmt.Fprintln(stdout, token)
		entryOut = stderr
	}
	fmt.Fprintf(entryOut, "# token for %s: give it to its holder and keep it nowhere else\n", quoted)
	if !*tokenOnly {
		fmt.Fprintf(entryOut, "# %s\n", token)
	}
	fmt.Fprintf(entryOut, "# entry for the hub's token file, a YAML list under its top-level key:\n")
	fmt.Fprintf(entryOut, "tokens:\n")
	entry := fmt.Sprintf("  - {name: %s", quoted)
	if *agency != "" {
		entry += ", agency: " + *agency
	}
	for _, list := range []struct {
		key   string
		codes []string
	}{{"stations", stations}, {"courts", courts}, {"prisons", prisons}} {
		if len(list.codes) > 0 {
			// Quoted as the name is, because a prison code may contain ] or :.
			codes, err := json.Marshal(list.codes)
			if err != nil {
				return err
			}
			entry += ", " + list.key + ": " + strings.ReplaceAll(string(codes), `","`, `", "`)
		}
	}
	if *operator {
		entry += ", operator: true"
	}
	if *metrics {
		entry += ", metrics: true"
	}
	fmt.Fprintf(entryOut, "%s, sha256: %s}\n", entry, digest)
	return nil
}

// codeList describes a flag that limits a token to the documents of some
// offices of one agency.
type codeList struct {
	flag   string // the flag's name, such as "stations"
	agency string // the only agency whose tokens may have it
	noun   string // the kind of office a code names, such as "station"
	reason string // the reason only that agency's tokens may have the flag
	check  func(code string) error
}

var (
	stationCodes = codeList{flag: "stations", agency: "police", noun: "station",
		reason: "station codes limit the police documents a token may post", check: auth.CheckStationCode}
	courtCodes = codeList{flag: "courts", agency: "courts", noun: "court",
		reason: "court codes limit the court messages a token may post", check: auth.CheckCourtCode}
	prisonCodes = codeList{flag: "prisons", agency: "prisons", noun: "prison",
		reason: "prison codes limit the movements a token may post", check: auth.CheckPrisonCode}
)

// parseCodeList returns the codes of the flag that c describes, whose
// value is list, or an error naming the rule broken. Only a token of
// c.agency may have codes. An empty value given on the command line,
// such as an unset shell variable, is rejected, because a token without
// codes may post for every office.
func parseCodeList(fs *flag.FlagSet, list string, c codeList, agency string) ([]string, error) {
	onCommandLine := false
	fs.Visit(func(f *flag.Flag) { onCommandLine = onCommandLine || f.Name == c.flag })
	if list == "" {
		if onCommandLine {
			return nil, usageErrorf("token", "--%s: empty list: list at least one %s code, "+
				"or leave --%s out to let the token post for every %s", c.flag, c.noun, c.flag, c.noun)
		}
		return nil, nil
	}
	if agency != c.agency {
		return nil, usageErrorf("token", "--%s needs --agency %s, because %s", c.flag, c.agency, c.reason)
	}
	var codes []string
	for _, code := range strings.Split(list, ",") {
		code = strings.TrimSpace(code)
		if err := c.check(code); err != nil {
			return nil, usageErrorf("token", "--%s: %v", c.flag, err)
		}
		if slices.Contains(codes, code) {
			return nil, usageErrorf("token", "--%s: %s is listed twice: list each %s once", c.flag, code, c.noun)
		}
		codes = append(codes, code)
	}
	return codes, nil
}
