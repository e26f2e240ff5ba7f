package canonical

import "strings"

// ipcToBNS maps common IPC sections to the BNS sections that replaced
// them, with the offence's short title. It covers the sections most often
// cited in FIRs and chargesheets, not the whole code: EquivalentSection
// reports false for the rest. IPC 309 (attempt to suicide) and 377 have no
// BNS counterpart and are left out.
//
// NOTE: compiled by hand from the published IPC-BNS correspondence; check
// a new entry against the official table before adding it.
var ipcToBNS = []struct {
	ipc, bns, title string
}{
	{"34", "3(5)", "acts done by several persons in furtherance of common intention"},
	{"109", "49", "abetment"},
	{"120B", "61(2)", "criminal conspiracy"},
	{"143", "189(2)", "member of an unlawful assembly"},
	{"147", "191(2)", "rioting"},
	{"148", "191(3)", "rioting, armed with a deadly weapon"},
	{"149", "190", "unlawful assembly, offence in prosecution of common object"},
	{"153A", "196", "promoting enmity between groups"},
	{"186", "221", "obstructing a public servant"},
	{"201", "238", "causing disappearance of evidence"},
	{"279", "281", "rash driving on a public way"},
	{"294", "296", "obscene acts and songs"},
	{"302", "103(1)", "murder"},
	{"304", "105", "culpable homicide not amounting to murder"},
	{"304A", "106(1)", "causing death by negligence"},
	{"304B", "80", "dowry death"},
	{"306", "108", "abetment of suicide"},
	{"307", "109", "attempt to murder"},
	{"308", "110", "attempt to commit culpable homicide"},
	{"323", "115(2)", "voluntarily causing hurt"},
	{"324", "118(1)", "voluntarily causing hurt by dangerous weapons"},
	{"325", "117(2)", "voluntarily causing grievous hurt"},
	{"326", "118(2)", "grievous hurt by dangerous weapons"},
	{"332", "121(1)", "hurt to deter a public servant from duty"},
	{"341", "126(2)", "wrongful restraint"},
	{"342", "127(2)", "wrongful confinement"},
	{"353", "132", "assault to deter a public servant from duty"},
	{"354", "74", "assault to outrage a woman's modesty"},
	{"354A", "75", "sexual harassment"},
	{"354B", "76", "assault with intent to disrobe"},
	{"354C", "77", "voyeurism"},
	{"354D", "78", "stalking"},
	{"363", "137(2)", "kidnapping"},
	{"364A", "140(2)", "kidnapping for ransom"},
	{"366", "87", "kidnapping a woman to compel marriage"},
	{"376", "64", "rape"},
	{"376D", "70(1)", "gang rape"},
	{"379", "303(2)", "theft"},
	{"380", "305", "theft in a dwelling house"},
	{"384", "308(2)", "extortion"},
	{"392", "309(4)", "robbery"},
	{"395", "310(2)", "dacoity"},
	{"396", "310(3)", "dacoity with murder"},
	{"406", "316(2)", "criminal breach of trust"},
	{"409", "316(5)", "criminal breach of trust by a public servant"},
	{"411", "317(2)", "dishonestly receiving stolen property"},
	{"419", "319(2)", "cheating by personation"},
	{"420", "318(4)", "cheating and dishonestly inducing delivery of property"},
	{"427", "324(4)", "mischief causing damage"},
	{"447", "329(3)", "criminal trespass"},
	{"448", "329(4)", "house-trespass"},
	{"457", "331(4)", "lurking house-trespass or house-breaking by night"},
	{"465", "336(2)", "forgery"},
	{"467", "338", "forgery of valuable security or will"},
	{"468", "336(3)", "forgery for the purpose of cheating"},
	{"471", "340(2)", "using a forged document as genuine"},
	{"489A", "178", "counterfeiting currency notes"},
	{"494", "82(1)", "marrying again during the lifetime of a spouse"},
	{"498A", "85", "cruelty by husband or his relatives"},
	{"500", "356(2)", "defamation"},
	{"504", "352", "intentional insult to provoke breach of the peace"},
	{"506", "351(2)", "criminal intimidation"},
	{"509", "79", "word or gesture to insult a woman's modesty"},
	{"511", "62", "attempt to commit an offence"},
}

var (
	ipcIndex = map[string]int{}
	bnsIndex = map[string]int{}
)

func init() {
	for i, row := range ipcToBNS {
		ipcIndex[row.ipc] = i
		bnsIndex[row.bns] = i
	}
}

// EquivalentSection returns the section of the other penal code that
// corresponds to section of act (IPC to BNS, or BNS to IPC), and whether
// the table has it.
func EquivalentSection(act, section string) (Statute, bool) {
	section = strings.ToUpper(strings.TrimSpace(section))
	switch act {
	case ActIPC:
		if i, ok := ipcIndex[section]; ok {
			return Statute{Act: ActBNS, Section: ipcToBNS[i].bns}, true
		}
	case ActBNS:
		if i, ok := bnsIndex[strings.ToLower(section)]; ok {
			return Statute{Act: ActIPC, Section: ipcToBNS[i].ipc}, true
		}
	}
	return Statute{}, false
}

// SectionTitle returns the short title of an IPC or BNS section in the
// hub's table, or "" when the table lacks it.
func SectionTitle(act, section string) string {
	var index map[string]int
	switch act {
	case ActIPC:
		index = ipcIndex
	case ActBNS:
		index = bnsIndex
	default:
		return ""
	}
	if i, ok := index[section]; ok {
		return ipcToBNS[i].title
	}
	return ""
}
