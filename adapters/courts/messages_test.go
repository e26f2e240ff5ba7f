package courts

import (
	"time"

	"github.com/sangam-hub/sangam/canonical"
)

var ist = time.FixedZone("IST", 5*3600+1800)

var kochiFIR = canonical.FIRRef{
	State: "KL", District: "EKM", PoliceStation: "1234", Year: 2024, Number: 123,
	NationalID: "KL-EKM-1234-2024-000123",
}

// kochiChargesheet is a filing with every field the court format carries,
// names in two scripts, and fields it does not carry.
func kochiChargesheet() canonical.Message {
	fir := kochiFIR
	return canonical.Message{
		ID: "01J6ZK8Q5V3S7T9X1Y4B6N8M0A", Type: canonical.TypeChargesheet, Source: "police",
		SenderMessageID: "CS-EKM-1234-77", CaseKey: fir.Key(),
		OccurredAt:    time.Date(2024, 9, 2, 11, 30, 0, 0, ist),
		SchemaVersion: canonical.SchemaVersion,
		Chargesheet: &canonical.Chargesheet{
			FIR: &fir, Title: "State of Kerala v. Rajan K. Pillai", ReportNumber: "FR-45/2024",
			FiledOn: "2024-09-02", Kind: canonical.FinalChargesheet,
			InvestigatingOfficer: canonical.Officer{
				Name: "Anil Kumar", Rank: "Sub Inspector", ID: "KLP-4521", PoliceStation: "1234",
			},
			Court: canonical.Court{
				Code: "KLER01", Name: "Judicial First Class Magistrate Court I, Ernakulam",
				District: "Ernakulam",
			},
			Accused: []canonical.Accused{
				{
					Person: canonical.Person{
						Names: []canonical.Name{
							{Full: "Rajan K. Pillai", Given: "Rajan", Middle: "K.", Family: "Pillai", Script: "Latn"},
							{Full: "രാജൻ കെ. പിള്ള", Script: "Mlym"},
							{Full: "Rajan Pillai", Script: "Latn"},
						},
						Aliases:     []canonical.Name{{Full: "Kuttan", Script: "Latn"}},
						Sex:         canonical.SexMale,
						DateOfBirth: "1985-04-12",
						Relatives:   []canonical.Relative{{Relation: "father", Name: "Krishna Pillai"}},
						Addresses: []canonical.Address{{
							Kind: "present", Line: "Thekkedath House, MG Road", Locality: "Ravipuram",
							City: "Kochi", District: "Ernakulam", State: "Kerala", PIN: "682016", Country: "IN",
						}},
						Identifiers: []canonical.Identifier{
							{Type: canonical.IDAadhaar, Value: "XXXXXXXX2346",
								Token: "5e0c9a6bd1f3e8a7c2b4d6f8091a3c5e7f9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f"},
							{Type: canonical.IDPassport, Value: "K1234567", Issuer: "IN"},
						},
						Nationality: "IN",
						Occupation:  "driver",
					},
					Status: canonical.AccusedArrested, Charged: true,
					PreviousConvictions: []string{"CC 12/2019, JFCM Kochi"},
				},
				{
					Person:      canonical.Person{},
					Description: "an unidentified man, about 30 years old",
					Status:      canonical.AccusedAbsconding,
				},
			},
			Charges: []canonical.Charge{
				{Sequence: 1, Act: canonical.ActBNS, Section: "103(1)", Description: "murder"},
				{Sequence: 2, Act: canonical.ActBNS, Section: "3(5)",
					Description: "acts done by several persons in furtherance of common intention"},
				{Sequence: 3, Act: "Arms Act", Section: "27", OffenseID: "ARMS-27",
					Description: "using arms"},
			},
			OccurredFrom: time.Date(2024, 8, 1, 21, 15, 0, 0, ist),
			OccurredTo:   time.Date(2024, 8, 1, 21, 40, 0, 0, ist),
			Witnesses:    []canonical.Person{{Names: []canonical.Name{{Full: "Mary Joseph"}}}},
			LabResults:   []string{"Blood on the knife matches the victim (FSL Thiruvananthapuram)."},
			BriefFacts: "On 1 August 2024 the accused attacked the victim near MG Road.\n" +
				"He was arrested on 3 August 2024.",
		},
	}
}

// trackedChargesheet is a supplementary report from outside the police,
// known by a tracking id, whose accused has only a birth year and an age.
func trackedChargesheet() canonical.Message {
	return canonical.Message{
		ID: "01J6ZM2B7C9D1E3F5G7H9J1K3L", Type: canonical.TypeChargesheet, Source: "nia",
		SenderMessageID: "NIA-77", CaseKey: "COURT/RC-05/2024/NIA/KOC",
		OccurredAt:    time.Date(2024, 10, 15, 9, 0, 0, 0, time.UTC),
		SchemaVersion: canonical.SchemaVersion,
		Chargesheet: &canonical.Chargesheet{
			TrackingID: "RC-05/2024/NIA/KOC", Kind: canonical.FinalChargesheet, Supplementary: 2,
			Court: canonical.Court{Code: "KLER05"},
			Accused: []canonical.Accused{{
				Person: canonical.Person{
					Names:     []canonical.Name{{Full: "Sameera", Script: "Latn"}},
					Sex:       canonical.SexTransgender,
					BirthYear: 1990,
					Age:       &canonical.Age{Years: 34, AsOf: "2024-10-15"},
				},
				Charged: true,
			}},
			Charges: []canonical.Charge{
				{Act: canonical.ActIPC, Section: "420", Description: "cheating"},
				{Act: canonical.ActIPC, Section: "120B"},
			},
		},
	}
}

// kochiRegistration is the court's reply to kochiChargesheet.
func kochiRegistration() canonical.Message {
	fir := kochiFIR
	return canonical.Message{
		Type: canonical.TypeCourtRegistration, Source: "courts",
		SenderMessageID: "KLER01-CB-000123", CorrelationID: kochiChargesheet().ID,
		CaseKey:       fir.Key(),
		OccurredAt:    time.Date(2024, 9, 3, 15, 4, 5, 0, ist),
		SchemaVersion: canonical.SchemaVersion,
		CourtRegistration: &canonical.CourtRegistration{
			CNR: "KLER010001232024",
			Court: canonical.Court{
				Code: "KLER01", Name: "Judicial First Class Magistrate Court I, Ernakulam",
			},
			FilingNumber: "CC 123/2024", FiledOn: "2024-09-03", NextHearing: "2024-10-01",
			FIR: &fir, Title: "State of Kerala v. Rajan K. Pillai",
			Status: "accepted", Reason: "Registered as calendar case",
		},
	}
}

// comparable reduces a chargesheet message to what a filing carries, so a
// message and its encode-decode round trip compare equal.
func comparable(m canonical.Message) canonical.Message {
	if m.ID != "" {
		m.SenderMessageID = m.ID
	}
	m.ID, m.Source, m.CorrelationID = "", "", ""
	m.ReceivedAt = time.Time{}
	m.OccurredAt = m.OccurredAt.UTC()
	if m.Chargesheet == nil {
		return m
	}
	cs := *m.Chargesheet
	cs.Witnesses, cs.PropertySeized, cs.LabResults = nil, nil, nil
	cs.OccurredTo = time.Time{} // The filing carries only when the offence began.
	cs.Court.District = ""

	var accused []canonical.Accused
	for _, a := range cs.Accused {
		if a.Charged {
			accused = append(accused, canonical.Accused{Person: comparablePerson(a.Person), Charged: true})
		}
	}
	cs.Accused = accused

	charges := make([]canonical.Charge, len(cs.Charges))
	for i, ch := range cs.Charges {
		if ch.Sequence == 0 {
			ch.Sequence = i + 1
		}
		ch.Equivalent = nil
		charges[i] = ch.WithEquivalent()
	}
	cs.Charges = charges
	m.Chargesheet = &cs
	return m
}

func comparablePerson(p canonical.Person) canonical.Person {
	out := canonical.Person{
		Sex: p.Sex, DateOfBirth: p.DateOfBirth, BirthYear: p.BirthYear,
	}
	for _, n := range firstPerScript(p.Names) {
		n.Initials = ""
		out.Names = append(out.Names, canonical.NormalizeName(n))
	}
	for _, n := range p.Aliases {
		n.Initials = ""
		out.Aliases = append(out.Aliases, canonical.NormalizeName(n))
	}
	if p.Age != nil {
		out.Age = &canonical.Age{Years: p.Age.Years}
	}
	for _, a := range p.Addresses {
		a.Kind, a.Locality = "", ""
		out.Addresses = append(out.Addresses, a)
	}
	for _, id := range p.Identifiers {
		id.Token = ""
		out.Identifiers = append(out.Identifiers, id)
	}
	return out
}
