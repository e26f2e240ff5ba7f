package canonical

import (
	"strings"
	"testing"
)

// uuidsWithNumbers are UUIDs of version 7 or 4 whose digit groups
// contain twelve digits in the layout that MaskAadhaarInText reads and
// with a valid check digit. A text masking that does not know UUIDs
// masks each of them.
var uuidsWithNumbers = []struct {
	uuid, digits string
}{
	{"01a24aae-aef9-7ac6-b407-357529373769", "357529373769"}, // the last group
	{"01a24aaa-4935-7752-8937-56e5cf084723", "493577528937"}, // the middle groups
	{"49183575-2938-7ac6-b407-56e5cf084723", "491835752938"}, // the first two groups
	{"01ab4918-3575-7299-b407-56e5cf084723", "491835757299"}, // the end of the first group
	{"01a24aae-aef9-7357-9529-3743cf084723", "735795293743"}, // the start of the last group
	{"01A24AAE-AEF9-7AC6-B407-357529373769", "357529373769"}, // upper case
	{"01a24aae-aef9-4ac6-9407-357529373769", "357529373769"}, // version 4
}

func TestUUIDsWithNumbersAreValid(t *testing.T) {
	for _, c := range uuidsWithNumbers {
		if !ValidAadhaar(c.digits) {
			t.Errorf("%s: ValidAadhaar(%s) = false, want true", c.uuid, c.digits)
		}
		if got := strings.ReplaceAll(c.uuid, "-", ""); !strings.Contains(got, c.digits) {
			t.Errorf("%s does not contain the digits %s", c.uuid, c.digits)
		}
		if !isUUIDAt(c.uuid, 0) {
			t.Errorf("isUUIDAt(%s, 0) = false, want true", c.uuid)
		}
	}
}

func TestMaskAadhaarInTextLeavesUUIDs(t *testing.T) {
	contexts := []string{
		"%s",
		"delivery_id=%s",
		"replay=sangam replay %s",
		"%s replayed as 01a24aab-0000-7000-8000-000000000000 to court",
		"path=/v1/deliveries/%s/replay",
		`delivery "%s" is already replayed`,
		"ids: %s,%s",
		"(%s)\n",
		"[%s]",
		"id_%s",
		"%s\u00a0",
	}
	for _, c := range uuidsWithNumbers {
		for _, context := range contexts {
			text := strings.ReplaceAll(context, "%s", c.uuid)
			if got, masked := MaskAadhaarInText(text); masked || got != text {
				t.Errorf("MaskAadhaarInText(%q) = %q, %v; want it unchanged", text, got, masked)
			}
			if err := CheckOperatorText("comment", text); err != nil {
				t.Errorf("CheckOperatorText(%q) = %v, want nil", text, err)
			}
		}
	}
}

func TestMaskAadhaarBesideUUIDs(t *testing.T) {
	for text, want := range map[string]string{
		"4918 7362 5403":    "XXXXXXXX5403",
		"4918-7362-5403":    "XXXXXXXX5403",
		"491873625403":      "XXXXXXXX5403",
		"UID4918 7362 5403": "UIDXXXXXXXX5403",
		// Not UUIDs: the fourth group starts with 5, the version is 0,
		// the variant is c, a group is too long, the first group has
		// nine characters.
		"00000000-4918-7362-5403-000000000000":  "00000000-XXXXXXXX5403-000000000000",
		"01a24aae-aef9-0ac6-b407-357529373769":  "01a24aae-aef9-0ac6-b407-XXXXXXXX3769",
		"01a24aae-aef9-7ac6-c407-357529373769":  "01a24aae-aef9-7ac6-c407-XXXXXXXX3769",
		"01a24aaa-4935-7752-8937-56e5cf0847231": "01a24aaa-XXXXXXXX8937-56e5cf0847231",
		"001a24aae-aef9-7ac6-b407-357529373769": "001a24aae-aef9-7ac6-b407-XXXXXXXX3769",
		// A letter or a character that shows as nothing touches the UUID.
		"x01a24aaa-4935-7752-8937-56e5cf084723":      "x01a24aaa-XXXXXXXX8937-56e5cf084723",
		"01a24aaa-4935-7752-8937-56e5cf084723g":      "01a24aaa-XXXXXXXX8937-56e5cf084723g",
		"\u200b01a24aae-aef9-7ac6-b407-357529373769": "\u200b01a24aae-aef9-7ac6-b407-XXXXXXXX3769",
		"01a24aaa-4935-7752-8937-56e5cf084723\u2060": "01a24aaa-XXXXXXXX8937-56e5cf084723\u2060",
		// Numbers that start or end outside a UUID.
		"4918 7362 5403abcd-aef9-7ac6-b407-56e5cf084723": "XXXXXXXX5403abcd-aef9-7ac6-b407-56e5cf084723",
		"01a24aae-aef9-7ac6-b407-abcdefab4918 7362 5403": "01a24aae-aef9-7ac6-b407-abcdefabXXXXXXXX5403",
		"01a24aae-aef9-7ac6-b407-357529373769 4918 7362 5403": "01a24aae-aef9-7ac6-b407-357529373769 " +
			"XXXXXXXX5403",
	} {
		if got, masked := MaskAadhaarInText(text); got != want || !masked {
			t.Errorf("MaskAadhaarInText(%q) = %q, %v; want %q, true", text, got, masked, want)
		}
		if err := CheckOperatorText("comment", text); err == nil {
			t.Errorf("CheckOperatorText(%q) = nil, want an error", text)
		}
	}
}

func TestMaskAadhaarInBodyLeavesUUIDs(t *testing.T) {
	for _, c := range uuidsWithNumbers {
		for _, body := range []string{
			`{"delivery_id":"` + c.uuid + `"}`,
			`{"detail":"replay failed\n` + c.uuid + `\tretry"}`,
			`{"ids":["` + c.uuid + `","` + c.uuid + `"]}`,
			"<delivery><id>" + c.uuid + "</id></delivery>",
			`<delivery id="` + c.uuid + `"/>`,
			"<note>replay&#10;" + c.uuid + "&#x20;now</note>",
		} {
			if got, masked := MaskAadhaarInBody([]byte(body)); masked || string(got) != body {
				t.Errorf("MaskAadhaarInBody(%q) = %q, %v; want it unchanged", body, got, masked)
			}
		}
	}
}

func TestMaskAadhaarInBodyBesideUUIDs(t *testing.T) {
	for body, want := range map[string]string{
		// An escape decodes to a letter beside the UUID.
		`{"id":"\u0041` + "01a24aae-aef9-7ac6-b407-357529373769" + `"}`: `{"id":"\u0041` +
			"01a24aae-aef9-7ac6-b407-XXXXXXXX3769" + `"}`,
		"<id>01a24aaa-4935-7752-8937-56e5cf084723&#x41;</id>": "<id>01a24aaa-XXXXXXXX8937-" +
			"56e5cf084723&#x41;</id>",
		// The UUID is written with an escape, so it is not read as one.
		`{"id":"\u0030` + "1a24aae-aef9-7ac6-b407-357529373769" + `"}`: `{"id":"\u0030` +
			"1a24aae-aef9-7ac6-b407-XXXXXXXX3769" + `"}`,
	} {
		if got, masked := MaskAadhaarInBody([]byte(body)); string(got) != want || !masked {
			t.Errorf("MaskAadhaarInBody(%q) = %q, %v; want %q, true", body, got, masked, want)
		}
	}
}

func TestMaskAadhaarInBodyKeepsNoUUIDDigits(t *testing.T) {
	// A UUID in keep contains no number, so it spares none in the body.
	body := `{"national_id":"49183575-2938-7ac6-b407-56e5cf084723","remarks":"Aadhaar 4918 3575 2938"}`
	want := `{"national_id":"49183575-2938-7ac6-b407-56e5cf084723","remarks":"Aadhaar XXXXXXXX2938"}`
	got, masked := MaskAadhaarInBody([]byte(body), "49183575-2938-7ac6-b407-56e5cf084723")
	if string(got) != want || !masked {
		t.Errorf("MaskAadhaarInBody = %q, %v; want %q, true", got, masked, want)
	}
}

func TestAadhaarLikeUUIDs(t *testing.T) {
	for _, c := range uuidsWithNumbers {
		for _, id := range []string{c.uuid, "KL/" + c.uuid, c.uuid + "/2025", "UTP " + c.uuid} {
			if AadhaarLike(id) {
				t.Errorf("AadhaarLike(%q) = true, want false", id)
			}
			if err := CheckRecordNumber("prisoner number", id); err != nil {
				t.Errorf("CheckRecordNumber(%q) = %v, want nil", id, err)
			}
			if err := CheckCode("court code", id); err != nil {
				t.Errorf("CheckCode(%q) = %v, want nil", id, err)
			}
		}
	}
	for id, want := range map[string]string{
		"01a24aae-aef9-0ac6-b407-357529373769":                "XXXXXXXX3769", // version 0
		"01a24aae-aef9-7ac6-c407-357529373769":                "XXXXXXXX3769", // variant c
		"x01a24aae-aef9-7ac6-b407-357529373769":               "XXXXXXXX3769",
		"01a24aaa-4935-7752-8937-56e5cf0847231":               "XXXXXXXX8937",
		"4918/7362/5403abcd-aef9-7ac6-b407-56e5cf084723":      "XXXXXXXX5403",
		"01a24aae-aef9-7ac6-b407-56e5cf084723/4918/7362/5403": "XXXXXXXX5403",
	} {
		if !AadhaarLike(id) {
			t.Errorf("AadhaarLike(%q) = false, want true", id)
		}
		err := CheckRecordNumber("prisoner number", id)
		if err == nil {
			t.Errorf("CheckRecordNumber(%q) = nil, want an error", id)
			continue
		}
		if !strings.Contains(err.Error(), "prisoner number contains "+want) {
			t.Errorf("CheckRecordNumber(%q) = %q, want the field and %s", id, err, want)
		}
	}
}
