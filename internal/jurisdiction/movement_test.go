package jurisdiction

import (
	"context"
	"testing"

	"github.com/sangam-hub/sangam/canonical"
)

func TestHomeStationOnRelease(t *testing.T) {
	table := Default()
	want, err := table.Lookup(canonical.Address{PIN: "682017"})
	if err != nil {
		t.Fatalf("the default table lacks PIN 682017: %v", err)
	}
	person := canonical.Person{Addresses: []canonical.Address{
		{Kind: "present", PIN: "999999"},
		{Kind: "permanent", PIN: "682017"},
	}}
	for _, tc := range []struct {
		kind canonical.MovementKind
		want string
	}{
		{canonical.MoveRelease, want.Code},
		{canonical.MoveEscape, want.Code},
		{canonical.MoveAdmission, ""},
	} {
		m := &canonical.Message{Type: canonical.TypeMovement, Movement: &canonical.Movement{
			Kind: tc.kind, Prisoner: canonical.Prisoner{Person: person},
		}}
		if err := (HomeStation{Table: table}).Enrich(context.Background(), m); err != nil {
			t.Fatal(err)
		}
		if got := m.Movement.HomePoliceStation; got != tc.want {
			t.Errorf("%s: home station %q, want %q", tc.kind, got, tc.want)
		}
	}
}
