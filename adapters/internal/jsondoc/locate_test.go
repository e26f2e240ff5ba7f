package jsondoc

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestPointerAtTypeError(t *testing.T) {
	type person struct {
		BirthYear int `json:"birth_year"`
	}
	type doc struct {
		Accused []struct {
			Person person `json:"person"`
		} `json:"accused"`
		FIR struct {
			Number int `json:"number"`
		} `json:"fir"`
		Tags map[string]int `json:"tags"`
	}
	cases := map[string]string{
		`{"accused": [{"person": {"birth_year": 1990}}, {"person": {"birth_year": 1990.0}}]}`: "/accused/1/person/birth_year",
		`{"fir": {"number": 1e3}, "accused": []}`:                                             "/fir/number",
		`{"tags": {"a/b~c": 2.5}}`:                                                            "/tags/a~1b~0c",
		`{"accused": [{"person": {"birth_year": "1990"}}]}`:                                   "/accused/0/person/birth_year",
	}
	for body, want := range cases {
		var d doc
		err := json.Unmarshal([]byte(body), &d)
		var typeErr *json.UnmarshalTypeError
		if !errors.As(err, &typeErr) {
			t.Fatalf("%s: error %v, want a type error", body, err)
		}
		got, ok := pointerAt([]byte(body), typeErr.Offset)
		if !ok || got != want {
			t.Errorf("%s: pointerAt = %q, %v; want %q", body, got, ok, want)
		}
	}
}

func TestTypeMessageNamesJSONTerms(t *testing.T) {
	var v struct {
		Year int `json:"year"`
	}
	err := json.Unmarshal([]byte(`{"year": 1990.0}`), &v)
	var typeErr *json.UnmarshalTypeError
	if !errors.As(err, &typeErr) {
		t.Fatalf("error %v, want a type error", err)
	}
	msg := typeMessage(typeErr)
	for _, want := range []string{"1990.0", "whole number"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, "such as") {
		t.Errorf("message %q gives an example, which cannot fit every whole-number field", msg)
	}
	if strings.Contains(msg, "Go") || strings.Contains(msg, "struct") {
		t.Errorf("message %q names Go internals", msg)
	}
}
