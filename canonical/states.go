package canonical

// States maps the two-letter code of each Indian state and union
// territory to its name. The codes are those of ISO 3166-2:IN as revised
// in 2023 (the part after "IN-"), which follow vehicle registration.
var States = map[string]string{
	"AN": "Andaman and Nicobar Islands",
	"AP": "Andhra Pradesh",
	"AR": "Arunachal Pradesh",
	"AS": "Assam",
	"BR": "Bihar",
	"CG": "Chhattisgarh",
	"CH": "Chandigarh",
	"DH": "Dadra and Nagar Haveli and Daman and Diu",
	"DL": "Delhi",
	"GA": "Goa",
	"GJ": "Gujarat",
	"HP": "Himachal Pradesh",
	"HR": "Haryana",
	"JH": "Jharkhand",
	"JK": "Jammu and Kashmir",
	"KA": "Karnataka",
	"KL": "Kerala",
	"LA": "Ladakh",
	"LD": "Lakshadweep",
	"MH": "Maharashtra",
	"ML": "Meghalaya",
	"MN": "Manipur",
	"MP": "Madhya Pradesh",
	"MZ": "Mizoram",
	"NL": "Nagaland",
	"OD": "Odisha",
	"PB": "Punjab",
	"PY": "Puducherry",
	"RJ": "Rajasthan",
	"SK": "Sikkim",
	"TN": "Tamil Nadu",
	"TR": "Tripura",
	"TS": "Telangana",
	"UK": "Uttarakhand",
	"UP": "Uttar Pradesh",
	"WB": "West Bengal",
}

// formerStateCodes maps codes that ISO 3166-2:IN used before its 2020
// and 2023 revisions, which records made earlier still carry, to the
// current code.
var formerStateCodes = map[string]string{
	"CT": "CG", // Chhattisgarh
	"OR": "OD", // Odisha
	"TG": "TS", // Telangana
	"UT": "UK", // Uttarakhand
	"UL": "UK", // Uttaranchal, renamed Uttarakhand
	"DN": "DH", // Dadra and Nagar Haveli, merged in 2020
	"DD": "DH", // Daman and Diu, merged in 2020
}

// ValidState reports whether code is the two-letter code of an Indian
// state or union territory in States, or a former code of one.
func ValidState(code string) bool {
	if _, ok := States[code]; ok {
		return true
	}
	_, ok := formerStateCodes[code]
	return ok
}
