package outbound_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/internal/outbound"
	"github.com/sangam-hub/sangam/routes"
)

// TestReservedFilesNotSent names the hub's own files as a destination's
// credentials, directly and by links, and expects a file problem at the
// field for each.
func TestReservedFilesNotSent(t *testing.T) {
	data := t.TempDir()
	key := writeFile(t, data, "aadhaar.key", strings.Repeat("k", 64))
	if err := os.Mkdir(filepath.Join(data, "journal"), 0o700); err != nil {
		t.Fatal(err)
	}
	inData := writeFile(t, filepath.Join(data, "journal"), "note", "one line")
	elsewhere := t.TempDir()
	tokens := writeFile(t, elsewhere, "tokens", "sangam-token")
	hardLink := filepath.Join(elsewhere, "key-link")
	if err := os.Link(key, hardLink); err != nil {
		t.Fatal(err)
	}
	symlink := filepath.Join(elsewhere, "key-symlink")
	if err := os.Symlink(key, symlink); err != nil {
		t.Fatal(err)
	}
	inDataLink := filepath.Join(elsewhere, "note-link")
	if err := os.Link(inData, inDataLink); err != nil {
		t.Fatal(err)
	}
	reserved := &outbound.Reserved{
		Files:   map[string]string{"the Aadhaar key file": key, "the token file": tokens},
		Folders: map[string]string{"the data folder": data},
	}

	for name, c := range map[string]struct {
		setting, want string
	}{
		"key file":              {"    bearer_token_file: " + key + "\n", "is the Aadhaar key file"},
		"hard link":             {"    bearer_token_file: " + hardLink + "\n", "is the Aadhaar key file"},
		"symbolic link":         {"    bearer_token_file: " + symlink + "\n", "is the Aadhaar key file"},
		"token file":            {"    bearer_token_file: " + tokens + "\n", "is the token file"},
		"data folder":           {"    bearer_token_file: " + inData + "\n", "is in the data folder"},
		"data folder hard link": {"    bearer_token_file: " + inDataLink + "\n", "is in the data folder"},
		"basic auth":            {"    basic_auth: {username: u, password_file: " + key + "}\n", "is the Aadhaar key file"},
	} {
		t.Run(name, func(t *testing.T) {
			tbl := table(t, "    url: http://127.0.0.1:9/\n"+c.setting)
			for _, err := range []error{first(outbound.Build(tbl, reserved, nil)),
				outbound.Check(tbl.Config(), reserved)} {
				problems := routes.Problems(err)
				if len(problems) != 1 {
					t.Fatalf("problems = %v, want one", problems)
				}
				p := problems[0]
				if p.Rule != routes.RuleFile || !strings.HasPrefix(p.Pointer, "/destinations/0/") {
					t.Errorf("problem %s, want rule %s at the destination's field", p, routes.RuleFile)
				}
				if !strings.Contains(p.Message, c.want) {
					t.Errorf("message %q does not say it %s", p.Message, c.want)
				}
				if strings.Contains(p.Message, "kkkk") || strings.Contains(p.Message, "sangam-token") {
					t.Errorf("message repeats the file's content: %s", p.Message)
				}
			}
		})
	}
}

func TestReservedLeavesOtherFiles(t *testing.T) {
	data := t.TempDir()
	secret := writeFile(t, t.TempDir(), "court-token", "court-secret")
	reserved := &outbound.Reserved{Folders: map[string]string{"the data folder": data}}
	tbl := table(t, "    url: http://127.0.0.1:9/\n    bearer_token_file: "+secret+"\n")
	set, err := outbound.Build(tbl, reserved, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := authorize(t, set); got != "Bearer court-secret" {
		t.Errorf("Authorization = %q, want the token of the file outside the data folder", got)
	}
}

// TestReservedFileLinkedAfterBuild replaces an accepted token file with
// a symbolic link to the Aadhaar key file and expects the next attempt
// to fail without the key in its header or error.
func TestReservedFileLinkedAfterBuild(t *testing.T) {
	data := t.TempDir()
	key := writeFile(t, data, "aadhaar.key", strings.Repeat("k", 64))
	token := writeFile(t, t.TempDir(), "court-token", "court-secret")
	reserved := &outbound.Reserved{
		Files:   map[string]string{"the Aadhaar key file": key},
		Folders: map[string]string{"the data folder": data},
	}
	set, err := outbound.Build(table(t, "    url: http://127.0.0.1:9/\n    bearer_token_file: "+token+"\n"), reserved, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := authorize(t, set); got != "Bearer court-secret" {
		t.Fatalf("Authorization = %q before the change, want the court's token", got)
	}

	if err := os.Remove(token); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(key, token); err != nil {
		t.Fatal(err)
	}
	e, _ := set.Endpoint("d1")
	req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1:9/", nil)
	_, err = e.Authorize(req)
	if err == nil {
		t.Fatal("Authorize succeeded with the token file linked to the Aadhaar key file")
	}
	if !strings.Contains(err.Error(), "is the Aadhaar key file") {
		t.Errorf("error %q does not say the file is the Aadhaar key file", err)
	}
	if strings.Contains(err.Error(), "kkkk") {
		t.Errorf("error repeats the key: %v", err)
	}
	if got := req.Header.Get("Authorization"); got != "" {
		t.Errorf("Authorization = %q, want none", got)
	}
}

func first[T any](_ T, err error) error { return err }
