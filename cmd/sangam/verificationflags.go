package main

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
	"time"

	"github.com/sangam-hub/sangam/adapters/passport"
	"github.com/sangam-hub/sangam/internal/hub"
	"github.com/sangam-hub/sangam/internal/jurisdiction"
	"github.com/sangam-hub/sangam/internal/verification"
)

// maxDeadlineDays is the longest verification deadline that
// --verification-deadline-days takes. A longer one is more likely a typo,
// such as 210 for 21, than a rule, and it would leave overdue requests
// unescalated for over a year. A due date that the passport office
// gives has the same bound.
const maxDeadlineDays = passport.MaxDueDays

// verificationFlags registers the flags of passport police verification,
// and returns a function that sets them in a hub configuration once fs
// is parsed. The function reads and checks the jurisdiction table, so a
// missing or invalid file stops the start before anything is created.
func verificationFlags(fs *flag.FlagSet) func(*hub.Config) error {
	table := envString(fs, "jurisdiction", "SANGAM_JURISDICTION",
		"jurisdiction table (YAML `file`) that maps applicants' PIN codes to the police "+
			"stations that verify them, and each station to its district police office; "+
			"the embedded table of the Ernakulam demo when neither the flag nor the variable is set; "+
			"an empty variable counts as unset, and an empty flag is rejected")
	days := envString(fs, "verification-deadline-days", "SANGAM_VERIFICATION_DEADLINE_DAYS",
		fmt.Sprintf("number of `days` from the hub's receipt of a verification request without "+
			"a due date to its due date, 1 to %d; %d when neither the flag nor the variable is set",
			maxDeadlineDays, verification.DefaultDeadline/(24*time.Hour)))

	return func(cfg *hub.Config) error {
		deadline, err := deadlineSetting(fs, days())
		if err != nil {
			return err
		}
		cfg.Verification.Deadline = deadline
		file, err := jurisdictionSetting(fs, table())
		if err != nil || file == "" {
			return err
		}
		t, err := jurisdiction.LoadFile(file)
		if err != nil {
			return fmt.Errorf("%s %s: %w", settingName(fs, "jurisdiction", "SANGAM_JURISDICTION"),
				file, err)
		}
		cfg.Verification.Jurisdiction, cfg.Verification.JurisdictionFile = t, file
		return nil
	}
}

// jurisdictionSetting returns the file that value, the text of
// --jurisdiction or of its variable, names, or "" for the embedded
// table when neither is set. An empty variable counts as unset, as every
// variable of sangam does. An empty flag is rejected instead: it is more
// likely a script's unset variable, as in --jurisdiction "$FILE", than a
// request for the demo table, and that table would send a district's
// requests to Kochi stations.
func jurisdictionSetting(fs *flag.FlagSet, value string) (string, error) {
	if value == "" && flagSet(fs, "jurisdiction") {
		return "", errors.New(`--jurisdiction: "" is invalid: want the path of a jurisdiction ` +
			"table file; leave the flag out for the embedded table of the Ernakulam demo")
	}
	return value, nil
}

// deadlineSetting returns the deadline that value, the text of
// --verification-deadline-days or of its variable, gives in days, or 0
// for the hub's default when neither is set.
func deadlineSetting(fs *flag.FlagSet, value string) (time.Duration, error) {
	const name, env = "verification-deadline-days", "SANGAM_VERIFICATION_DEADLINE_DAYS"
	if value == "" && !flagSet(fs, name) {
		return 0, nil
	}
	n, err := strconv.Atoi(value)
	if err != nil || n < 1 || n > maxDeadlineDays {
		return 0, fmt.Errorf("%s: %q is invalid: want a whole number of days from 1 to %d",
			settingName(fs, name, env), value, maxDeadlineDays)
	}
	return time.Duration(n) * 24 * time.Hour, nil
}

// settingName names where the value of flag name came from: the flag,
// or env, the variable it defaults to.
func settingName(fs *flag.FlagSet, name, env string) string {
	if flagSet(fs, name) {
		return "--" + name
	}
	return fmt.Sprintf("$%s (default of --%s)", env, name)
}
