package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/google/uuid"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/adapters/registry"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/textcheck"
	"github.com/sangam-hub/sangam/schemas"
)

// errHelp is returned after a command printed its help on request.
var errHelp = errors.New("help requested")

// parseFlags parses a command's flags and returns its single FILE
// argument.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) (string, error) {
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: sangam %s [flags] FILE\nFILE may be - for standard input.\n",
			fs.Name())
		fs.PrintDefaults()
	}
	files, err := parseArguments(fs, args, stderr)
	if err != nil {
		return "", err
	}
	switch len(files) {
	case 0:
		return "", usageErrorf(fs.Name(), "missing FILE argument: give the file to read, or - for standard input")
	case 1:
		return files[0], nil
	}
	return "", usageErrorf(fs.Name(), "want exactly one FILE argument, got %d: %q", len(files), files)
}

func offlineAdapter(agency string) (adapters.Adapter, error) {
	key, err := offlineKey()
	if err != nil {
		return nil, err
	}
	set, err := registry.Default(registry.Options{AadhaarKey: key})
	if err != nil {
		return nil, err
	}
	a, ok := set.Adapter(agency)
	if !ok {
		return nil, flagErrorf("--agency: unknown agency %q: known agencies are %s", agency,
			strings.Join(set.Agencies(), ", "))
	}
	return a, nil
}

// offlineKey returns the Aadhaar masking key for offline decoding: the
// SANGAM_AADHAAR_KEY environment variable, or a fixed key whose tokens
// match nothing the hub stores when it is unset. The variable set to ""
// is an error.
func offlineKey() ([]byte, error) {
	k, set, err := lookupEnv(aadhaarKeyEnv, "", "the hub's Aadhaar key",
		"a fixed key whose tokens match nothing the hub stores")
	if err != nil {
		return nil, err
	}
	if !set {
		return []byte(fixedKey), nil
	}
	return []byte(k), nil
}

// fixedKey masks Aadhaar numbers when no key is configured. Its tokens
// match nothing the hub stores.
const fixedKey = "sangam offline decoding key, matches nothing stored"

// agencies returns the names of the agencies the hub has adapters for.
func agencies() ([]string, error) {
	set, err := registry.Default(registry.Options{AadhaarKey: []byte(fixedKey)})
	if err != nil {
		return nil, err
	}
	return set.Agencies(), nil
}

func runDecode(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("decode", flag.ContinueOnError)
	agency := fs.String("agency", "", "agency whose format FILE is in, such as police or courts")
	contentType := fs.String("content-type", "", "media type of FILE, when the agency has several")
	file, err := parseFlags(fs, args, stderr)
	if err != nil {
		return err
	}
	if err := requireFlag(fs, "agency"); err != nil {
		return err
	}
	a, err := offlineAdapter(*agency)
	if err != nil {
		return err
	}
	body, err := readInput(file)
	if err != nil {
		return err
	}
	if err := textcheck.CheckEncoding(body); err != nil {
		// The hub rejects a UTF-16 or UTF-32 body before its text check too.
		return fmt.Errorf("%w: %w", errInvalid, err)
	}
	d, err := a.Decode(body, *contentType)
	if rejected := textcheck.Check(body, *contentType); len(rejected) > 0 {
		// The hub rejects these characters before it decodes a body.
		err = schemas.Invalid(append(rejected, schemas.Violations(err)...)...)
	} else if err == nil {
		err = validateAll(d.Messages)
	}
	if err != nil {
		printViolations(stderr, err)
		return fmt.Errorf("%w: %s", errInvalid, summary(err))
	}
	for i := range d.Messages {
		// As the hub does before it journals a message.
		canonical.MaskAadhaarInMessage(&d.Messages[i])
	}
	return printJSON(stdout, d.Messages)
}

func validateAll(ms []canonical.Message) error {
	for i := range ms {
		if err := schemas.ValidateValue("canonical/message.json", &ms[i]); err != nil {
			return fmt.Errorf("canonical form of message %d: %w", i+1, err)
		}
		// The hub rejects these before it masks the message's text.
		if err := ingest.CheckRecordNumbers(&ms[i]); err != nil {
			return fmt.Errorf("message %d: %w", i+1, err)
		}
	}
	return nil
}

func runEncode(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("encode", flag.ContinueOnError)
	agency := fs.String("agency", "", "agency whose format to write, such as police or courts")
	id := fs.String("id", uuid.Must(uuid.NewV7()).String(),
		"hub message id to write when the message has none, as decode's output has not")
	file, err := parseFlags(fs, args, stderr)
	if err != nil {
		return err
	}
	if err := requireFlag(fs, "agency"); err != nil {
		return err
	}
	a, err := offlineAdapter(*agency)
	if err != nil {
		return err
	}
	body, err := readInput(file)
	if err != nil {
		return err
	}
	body, err = singleMessage(body)
	if err != nil {
		return fmt.Errorf("%w: %v", errInvalid, err)
	}
	if err := schemas.Validate("canonical/message.json", body); err != nil {
		printViolations(stderr, err)
		return fmt.Errorf("%w: %s", errInvalid, summary(err))
	}
	var m canonical.Message
	if err := json.Unmarshal(body, &m); err != nil {
		return fmt.Errorf("%w: reading canonical JSON: %v", errInvalid, err)
	}
	if m.ID == "" {
		m.ID = *id
	}
	enc, err := a.Encode(&m)
	if err != nil {
		return fmt.Errorf("%w: %v", errInvalid, err)
	}
	_, err = stdout.Write(enc.Body)
	return err
}

// printViolations prints each violation of err on its own line, with
// Aadhaar numbers masked as the hub's problem responses mask them,
// because a JSON number out of range is quoted as written.
func printViolations(w io.Writer, err error) {
	for _, v := range schemas.Violations(err) {
		fmt.Fprintln(w, maskAadhaar(v.String()))
	}
}

func summary(err error) string {
	if vs := schemas.Violations(err); len(vs) == 1 {
		return "1 validation error"
	} else if vs != nil {
		return fmt.Sprintf("%d validation errors", len(vs))
	}
	return err.Error()
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// singleMessage returns the one message of a JSON array of one, as
// decode prints, or body itself when it is not an array.
func singleMessage(body []byte) ([]byte, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '[' {
		return body, nil
	}
	var list []json.RawMessage
	if err := json.Unmarshal(trimmed, &list); err != nil {
		return nil, fmt.Errorf("reading canonical JSON: %v", err)
	}
	if len(list) != 1 {
		return nil, fmt.Errorf("the file contains %d messages; encode takes one", len(list))
	}
	return list[0], nil
}
