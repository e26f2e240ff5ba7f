package main

import (
	"os"
	"testing"
)

// unsetEnv unsets the variable name for the test and restores it after.
func unsetEnv(t *testing.T, name string) {
	t.Helper()
	t.Setenv(name, "")
	if err := os.Unsetenv(name); err != nil {
		t.Fatal(err)
	}
}

// modeVariables are the variables of serve whose absence selects another
// mode, with the flag each is the default of.
var modeVariables = map[string]string{
	"postgres":                 "SANGAM_POSTGRES",
	"kafka":                    "SANGAM_KAFKA",
	"tokens":                   "SANGAM_TOKENS",
	"jurisdiction":             "SANGAM_JURISDICTION",
	"kafka-ca-file":            "SANGAM_KAFKA_CA_FILE",
	"kafka-cert-file":          "SANGAM_KAFKA_CERT_FILE",
	"kafka-key-file":           "SANGAM_KAFKA_KEY_FILE",
	"kafka-sasl":               "SANGAM_KAFKA_SASL",
	"kafka-sasl-username":      "SANGAM_KAFKA_SASL_USERNAME",
	"kafka-sasl-password-file": "SANGAM_KAFKA_SASL_PASSWORD_FILE",
}

func unsetModeVariables(t *testing.T) {
	t.Helper()
	for _, env := range modeVariables {
		unsetEnv(t, env)
	}
}

func TestHubFlagsRejectEmptyFlag(t *testing.T) {
	unsetModeVariables(t)
	names := []string{"listen", "data", "routes"}
	for name := range modeVariables {
		names = append(names, name)
	}
	for _, name := range names {
		for _, args := range [][]string{{"--" + name, ""}, {"--" + name + "="}} {
			cfg, err := parseHubFlags(t, args...)
			prefix := "--" + name + `: "" is invalid: want `
			if err == nil || len(err.Error()) < len(prefix) || err.Error()[:len(prefix)] != prefix {
				t.Errorf("%q: error %v, want one starting %q", args, err, prefix)
			}
			if cfg.PostgresDSN != "" {
				t.Errorf("%q: PostgresDSN = %q, want none", args, cfg.PostgresDSN)
			}
			if cfg.KafkaBrokers != nil {
				t.Errorf("%q: KafkaBrokers = %q, want none", args, cfg.KafkaBrokers)
			}
			if cfg.TokenFile != "" {
				t.Errorf("%q: TokenFile = %q, want none", args, cfg.TokenFile)
			}
		}
	}
}

func TestHubFlagsRejectEmptyVariable(t *testing.T) {
	for name, env := range modeVariables {
		unsetModeVariables(t)
		t.Setenv(env, "")
		_, err := parseHubFlags(t)
		prefix := "$" + env + " (default of --" + name + `): "" is invalid: want `
		if err == nil || len(err.Error()) < len(prefix) || err.Error()[:len(prefix)] != prefix {
			t.Errorf("$%s empty: error %v, want one starting %q", env, err, prefix)
		}
	}
}
