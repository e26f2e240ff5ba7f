package passport_test

import (
	"encoding/json"
	"testing"
)

func TestRequestWithoutDueDateDecodes(t *testing.T) {
	a := newAdapter(t)
	body := edit(t, "request_fresh", map[string]any{"/due_on": nil})
	d, err := a.Decode(body, "application/json")
	if err != nil {
		t.Fatalf("Decode without due_on: %v", err)
	}
	if got := d.Messages[0].VerificationRequest.DueOn; got != "" {
		t.Errorf("DueOn = %q, want empty for the hub to fill", got)
	}
}

func TestEscalatedRequestRoundTrips(t *testing.T) {
	a := newAdapter(t)
	d, err := a.Decode(inputs(t)["request_fresh"], "application/json")
	if err != nil {
		t.Fatal(err)
	}
	m := d.Messages[0]
	m.VerificationRequest.Escalated = true
	m.VerificationRequest.PoliceStation = "EKM0420"
	m.VerificationRequest.DistrictOffice = "KOCHI-CITY"

	enc, err := a.Encode(&m)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	var doc map[string]any
	if err := json.Unmarshal(enc.Body, &doc); err != nil {
		t.Fatal(err)
	}
	if doc["escalated"] != true {
		t.Errorf("encoded escalated = %v, want true", doc["escalated"])
	}
	if doc["district_office"] != "KOCHI-CITY" {
		t.Errorf("encoded district_office = %v, want KOCHI-CITY", doc["district_office"])
	}

	back, err := a.Decode(enc.Body, enc.ContentType)
	if err != nil {
		t.Fatalf("Decode of encoded request: %v", err)
	}
	r := back.Messages[0].VerificationRequest
	if !r.Escalated {
		t.Error("decoded request lost escalated")
	}
	if r.DistrictOffice != "KOCHI-CITY" {
		t.Errorf("decoded district office = %q, want KOCHI-CITY", r.DistrictOffice)
	}
}
