package main

import (
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
	table := envSetting(fs, "jurisdiction", "SANGAM_JURISDICTION",
		"jurisdiction table (YAML `file`) that maps applicants' PIN codes to the police "+
			"stations that verify them, and each station to its district police office; "+
			"the embedded table of the Ernakulam demo when neither the flag nor the variable is set",
		"the path of a jurisdiction table file", "the embedded table of the Ernakulam demo")
	days := envString(fs, "verification-deadline-days", "SANGAM_VERIFICATION_DEADLINE_DAYS",
		fmt.Sprintf("number of `days` from the hub's receipt of a verification request without "+
			"a due date to its due date, 1 to %d; %d when neither the flag nor the variable is set",
			maxDeadlineDays, verification.DefaultDeadline/(24*time.Hour)),
		fmt.Sprintf("a whole number of days from 1 to %d", maxDeadlineDays),
		fmt.Sprintf("the default of %d days", verification.DefaultDeadline/(24*time.Hour)))

	return func(cfg *hub.Config) error {
		value, err := days()
		if err != nil {
			return err
		}
		deadline, err := deadlineSetting(fs, value)
		if err != nil {
			return err
		}
		cfg.Verification.Deadline = deadline
		file, err := table()
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
		return 0, settingErrorf(fs, name, "%s: %q is invalid: want a whole number of days from 1 to %d",
			settingName(fs, name, env), value, maxDeadlineDays)
	}
	return time.Duration(n) * 24 * time.Hour, nil
}

// settingErrorf returns an error, formatted as fmt.Sprintf does, about
// the value of flag name. It is a usageError when the command line of fs
// set the flag. It is a plain error when the value came from the flag's
// variable, because the help does not fix the environment.
func settingErrorf(fs *flag.FlagSet, name, format string, args ...any) error {
	if flagSet(fs, name) {
		return flagErrorf(format, args...)
	}
	return fmt.Errorf(format, args...)
}

// settingName names where the value of flag name came from: the flag,
// or env, the variable it defaults to.
func settingName(fs *flag.FlagSet, name, env string) string {
	if flagSet(fs, name) {
		return "--" + name
	}
	return fmt.Sprintf("$%s (default of --%s)", env, name)
}
