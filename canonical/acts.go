package canonical

import (
	"strings"
	"unicode"
)

// Act is a statute that charges cite, with the short code the hub
// writes for it.
type Act struct {
	// Code is the hub's code for the act, such as "NDPS". Charge.Act
	// holds it.
	Code string
	// Name is the act's short title with its year.
	Name string
	// aliases are other spellings senders use, compared as NormalizeAct
	// compares them.
	aliases []string
}

// Acts lists the acts whose codes police documents may cite: the penal
// and procedure codes and the special and local laws most often cited in
// Kerala. NormalizeAct accepts each act by its code, its name or an
// alias, without regard to case, punctuation, a leading "The", the year
// or the word "Act".
var Acts = []Act{
	{Code: ActIPC, Name: "Indian Penal Code, 1860"},
	{Code: ActBNS, Name: "Bharatiya Nyaya Sanhita, 2023"},
	{Code: "CrPC", Name: "Code of Criminal Procedure, 1973", aliases: []string{"Cr.P.C.", "Criminal Procedure Code"}},
	{Code: "BNSS", Name: "Bharatiya Nagarik Suraksha Sanhita, 2023"},
	{Code: "IEA", Name: "Indian Evidence Act, 1872", aliases: []string{"Evidence Act"}},
	{Code: "BSA", Name: "Bharatiya Sakshya Adhiniyam, 2023"},
	{Code: "NDPS", Name: "Narcotic Drugs and Psychotropic Substances Act, 1985"},
	{Code: "ARMS", Name: "Arms Act, 1959"},
	{Code: "EXPLOSIVES", Name: "Explosives Act, 1884"},
	{Code: "ESA", Name: "Explosive Substances Act, 1908"},
	{Code: "POCSO", Name: "Protection of Children from Sexual Offences Act, 2012"},
	{Code: "MVA", Name: "Motor Vehicles Act, 1988", aliases: []string{"MV Act", "MV"}},
	{Code: "ITA", Name: "Information Technology Act, 2000", aliases: []string{"IT Act", "IT"}},
	{Code: "SCSTPOA", Name: "Scheduled Castes and the Scheduled Tribes (Prevention of Atrocities) Act, 1989",
		aliases: []string{"SC/ST (PoA) Act", "SC/ST Act", "SC ST POA",
			"Scheduled Castes and Scheduled Tribes (Prevention of Atrocities) Act"}},
	{Code: "DPA", Name: "Dowry Prohibition Act, 1961", aliases: []string{"DP Act"}},
	{Code: "ITPA", Name: "Immoral Traffic (Prevention) Act, 1956", aliases: []string{"ITP Act", "PITA"}},
	{Code: "PWDVA", Name: "Protection of Women from Domestic Violence Act, 2005",
		aliases: []string{"DV Act", "Domestic Violence Act"}},
	{Code: "PCMA", Name: "Prohibition of Child Marriage Act, 2006"},
	{Code: "JJA", Name: "Juvenile Justice (Care and Protection of Children) Act, 2015",
		aliases: []string{"JJ Act", "Juvenile Justice Act"}},
	{Code: "PCA", Name: "Prevention of Corruption Act, 1988", aliases: []string{"PC Act"}},
	{Code: "UAPA", Name: "Unlawful Activities (Prevention) Act, 1967"},
	{Code: "PDPPA", Name: "Prevention of Damage to Public Property Act, 1984", aliases: []string{"PDPP Act"}},
	{Code: "PGA", Name: "Public Gambling Act, 1867"},
	{Code: "COTPA", Name: "Cigarettes and Other Tobacco Products (Prohibition of Advertisement and " +
		"Regulation of Trade and Commerce, Production, Supply and Distribution) Act, 2003"},
	{Code: "WPA", Name: "Wild Life (Protection) Act, 1972", aliases: []string{"Wildlife Protection Act"}},
	{Code: "PASSPORTS", Name: "Passports Act, 1967"},
	{Code: "FOREIGNERS", Name: "Foreigners Act, 1946"},
	{Code: "KAA", Name: "Kerala Abkari Act, 1077", aliases: []string{"Abkari Act", "Abkari"}},
	{Code: "KPA", Name: "Kerala Police Act, 2011", aliases: []string{"KP Act"}},
	{Code: "KAAPA", Name: "Kerala Anti-Social Activities (Prevention) Act, 2007"},
	{Code: "KGA", Name: "Kerala Gaming Act, 1960"},
	{Code: "KMLA", Name: "Kerala Money Lenders Act, 1958"},
}

// actIndex maps the comparison form of every code, name and alias in
// Acts to the act's code.
var actIndex = func() map[string]string {
	index := map[string]string{}
	for _, a := range Acts {
		for _, spelling := range append([]string{a.Code, a.Name}, a.aliases...) {
			index[actKey(spelling)] = a.Code
		}
	}
	return index
}()

// NormalizeAct returns the code in Acts of the act that s names, and
// false when s names none of them. "ipc", " IPC ", "Indian Penal Code",
// "Indian Penal Code, 1860" and "The Arms Act" all match.
func NormalizeAct(s string) (string, bool) {
	code, ok := actIndex[actKey(s)]
	return code, ok
}

// ActCodes returns the codes of Acts, in order.
func ActCodes() []string {
	codes := make([]string, len(Acts))
	for i, a := range Acts {
		codes[i] = a.Code
	}
	return codes
}

// actKey returns the form in which act spellings are compared: the
// lower-case words of s, without a leading "the", a trailing year or a
// trailing "act", run together.
func actKey(s string) string {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	if len(words) > 1 && words[0] == "the" {
		words = words[1:]
	}
	if n := len(words); n > 1 && isYear(words[n-1]) {
		words = words[:n-1]
	}
	if n := len(words); n > 1 && words[n-1] == "act" {
		words = words[:n-1]
	}
	return strings.Join(words, "")
}

func isYear(word string) bool {
	if len(word) != 4 {
		return false
	}
	for _, r := range word {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
