package migration

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestLoadSorts(t *testing.T) {
	fsys := fstest.MapFS{
		"m/0002_second.sql": {Data: []byte("SELECT 2")},
		"m/0001_first.sql":  {Data: []byte("SELECT 1")},
		"m/README":          {Data: []byte("not a migration")},
	}
	got, err := Load(fsys, "m")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Name != "0001_first.sql" || got[1].Version != 2 {
		t.Fatalf("Load = %+v, want 0001_first.sql then version 2", got)
	}
	if got[0].SQL != "SELECT 1" {
		t.Errorf("SQL = %q, want the file's content", got[0].SQL)
	}
	pending := Pending(got, []int{1})
	if len(pending) != 1 || pending[0].Version != 2 {
		t.Errorf("Pending = %+v, want version 2 only", pending)
	}
}

func TestLoadRejects(t *testing.T) {
	cases := map[string]struct {
		files []string
		want  string
	}{
		"no number":    {[]string{"m/first.sql"}, "must start with a positive version number"},
		"zero":         {[]string{"m/0000_zero.sql"}, "must start with a positive version number"},
		"same version": {[]string{"m/0001_a.sql", "m/1_b.sql"}, "same version 1"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for _, f := range tc.files {
				fsys[f] = &fstest.MapFile{Data: []byte("SELECT 1")}
			}
			_, err := Load(fsys, "m")
			if err == nil {
				t.Fatalf("Load accepted %v", tc.files)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}
