package courts

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/beevik/etree"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/xmlsafe"
)

// maxCodeLength is the longest prison code, prisoner number, court code
// or order number that the prison documents hold.
const maxCodeLength = 64

// maxJudgeLength is the longest judge's name and designation that the
// prison documents hold.
const maxJudgeLength = 256

// orderDecoder reads one NIEM warrant or court order. It records its
// violations, masking and clock in the decoder of the Decode call.
type orderDecoder struct {
	*decoder
	v vocabulary
	// order is the j:Warrant or j:CourtOrder element.
	order *etree.Element
}

// orderKind is the canonical kind of an order category, with the custody
// status that the category gives the prisoner, empty when it gives none.
type orderKind struct {
	kind   canonical.CourtOrderKind
	status canonical.CustodyStatus
}

// orderKinds maps the nc:ActivityCategoryText of an order, in lower case
// with underscores read as spaces, to its kind.
var orderKinds = map[string]orderKind{
	"production warrant":                {canonical.OrderProductionWarrant, ""},
	"warrant of production":             {canonical.OrderProductionWarrant, ""},
	"release order":                     {canonical.OrderRelease, ""},
	"release warrant":                   {canonical.OrderRelease, ""},
	"order of release":                  {canonical.OrderRelease, ""},
	"committal order":                   {canonical.OrderCommittal, ""},
	"commitment order":                  {canonical.OrderCommittal, ""},
	"committal warrant":                 {canonical.OrderCommittal, ""},
	"warrant of commitment":             {canonical.OrderCommittal, ""},
	"remand order":                      {canonical.OrderCommittal, canonical.CustodyUndertrial},
	"remand warrant":                    {canonical.OrderCommittal, canonical.CustodyUndertrial},
	"warrant of remand":                 {canonical.OrderCommittal, canonical.CustodyUndertrial},
	"sentence warrant":                  {canonical.OrderCommittal, canonical.CustodyConvict},
	"warrant of commitment on sentence": {canonical.OrderCommittal, canonical.CustodyConvict},
}

// expectedOrderKinds lists the categories in the message of an unknown one.
const expectedOrderKinds = "want production warrant, release order, committal order, remand warrant " +
	"or sentence warrant"

// releaseGrounds are the grounds a release order may give, by their
// canonical value with underscores read as spaces.
var releaseGrounds = []canonical.ReleaseGround{
	canonical.ReleaseBail, canonical.ReleaseAcquittal, canonical.ReleaseDischarge,
	canonical.ReleaseSentenceServed, canonical.ReleaseFinePaid, canonical.ReleaseRemission,
	canonical.ReleaseParole, canonical.ReleaseDeportation, canonical.ReleaseOther,
}

// categoryKey returns text in lower case with underscores read as spaces
// and white space collapsed, the form orderKinds and releaseGrounds use.
func categoryKey(text string) string {
	return canonical.NormalizeText(strings.ReplaceAll(strings.ToLower(text), "_", " "))
}

// order decodes a NIEM j:Warrant or j:CourtOrder, with the nc:Case and
// nc:Person it names, into a court_order message.
//
// The order's nc:ActivityCategoryText gives its kind (orderKinds),
// nc:ActivityIdentification its number, nc:ActivityDescriptionText the
// court's directions and j:CourtOrderIssuingDate its date, with its time
// when the date is an nc:DateTime. j:CourtOrderIssuingCourt is the court, j:CourtOrderEnforcementAgency
// the prison that holds the prisoner or, on a committal order, is to hold
// them, and j:CourtOrderDesignatedSubject the prisoner: the person that
// its nc:RoleOfPerson names and the prisoner number in its
// j:SubjectCorrectionsIdentification. A production warrant gives the
// day of production in j:CourtAppearance/j:CourtAppearanceDate, and a
// release order its ground in nc:ActivityReasonText.
func (d *decoder) order(e *etree.Element, v vocabulary) canonical.Message {
	o := &orderDecoder{decoder: d, v: v, order: e}
	co := &canonical.CourtOrder{}
	m := canonical.Message{
		Type: canonical.TypeCourtOrder, SchemaVersion: canonical.SchemaVersion, CourtOrder: co,
	}

	kind := o.kind()
	co.Kind = kind.kind
	number := xmlsafe.Path(e, v.nc("ActivityIdentification"), v.nc("IdentificationID"))
	co.Number = o.code(number, "order number", false)
	o.recordNumber(number, "order number", co.Number)
	issued := xmlsafe.Child(e, v.j("CourtOrderIssuingDate"))
	co.OrderedOn = o.orderDate(issued)
	co.Case = o.caseRef()
	co.Court = o.issuingCourt(co.Case)
	co.Judge = o.judge()
	co.Prisoner = o.prisoner(kind, co.OrderedOn)
	co.AppearOn = o.appearance(co.Kind, co.OrderedOn)
	co.ReleaseGround = o.releaseGround(co.Kind)
	if xmlsafe.Child(issued, v.nc("DateTime")) != nil {
		// A date alone is no time of day: the prison gets ordered_on only.
		co.IssuedAt = o.dateTime(issued)
	}
	co.Directions = canonical.NormalizeText(xmlsafe.PathText(e, v.nc("ActivityDescriptionText")))

	m.SenderMessageID, m.BuiltSenderID = o.documentID(co)
	m.OccurredAt = o.occurred(issued)
	m.CaseKey = co.CaseKey()
	o.singles()
	return m
}

// kind reads the order's category.
func (o *orderDecoder) kind() orderKind {
	cat := xmlsafe.Child(o.order, o.v.nc("ActivityCategoryText"))
	text := xmlsafe.Text(cat)
	if text == "" {
		o.fail(under(o.order, "ActivityCategoryText"), "required", "missing order kind: %s", expectedOrderKinds)
		return orderKind{}
	}
	k, ok := orderKinds[categoryKey(text)]
	if !ok {
		o.fail(xmlsafe.Pointer(cat), "enum", "unknown order kind %s: %s", canonical.QuoteMasked(text), expectedOrderKinds)
	}
	return k
}

// code reads the identification in e, which the prison documents hold
// as a code: at most maxCodeLength characters, and no slash when it is
// part of a case key. It records a violation for a value that breaks
// either rule.
func (o *orderDecoder) code(e *etree.Element, what string, keySegment bool) string {
	value := canonical.NormalizeText(xmlsafe.Text(e))
	switch {
	case len(value) > maxCodeLength:
		o.fail(xmlsafe.Pointer(e), "max-length", "%s is %d bytes long: want at most %d",
			what, len(value), maxCodeLength)
	case keySegment && value != "" && !canonical.ValidPrisonCode(value):
		o.fail(xmlsafe.Pointer(e), "code", "invalid %s %s: want no slash, which a case key "+
			"cannot hold, and no control characters", what, canonical.QuoteMasked(value))
	}
	return value
}

// recordNumber records a violation at e, whose text is value, for each
// rule that canonical.CheckRecordNumberRules finds it breaks. value is a number that the
// receiver matches as written: an order's or a prisoner's number, which
// the prison matches, or a callback's filing number or court tracking
// id, which the police station matches. maskText leaves these numbers as
// sent.
func (d *decoder) recordNumber(e *etree.Element, field, value string) {
	for _, fault := range canonical.CheckRecordNumberRules(field, value) {
		d.fail(xmlsafe.Pointer(e), fault.Rule, "%v", fault.Err)
	}
}

// routingCode records a violation of rule aadhaar-like at e, whose text
// is value, a court's or a prison's code, when canonical.CheckCode
// rejects it. maskText leaves organization codes as sent, because
// routes and tokens compare them.
func (o *orderDecoder) routingCode(e *etree.Element, field, value string) {
	if err := canonical.CheckCode(field, value); err != nil {
		o.fail(xmlsafe.Pointer(e), canonical.RuleAadhaarLike, "%v", err)
	}
}

// orderDate reads j:CourtOrderIssuingDate as the date of the order.
func (o *orderDecoder) orderDate(issued *etree.Element) string {
	if xmlsafe.Child(issued, o.v.nc("Date")) == nil && xmlsafe.Child(issued, o.v.nc("DateTime")) == nil {
		o.fail(under(o.order, "CourtOrderIssuingDate/Date"), "required", "missing the date of the order")
		return ""
	}
	return o.pastDateSince1900(issued)
}

// occurred returns when the order was made: the document's
// nc:DocumentCreationDate, or else the issuing date-time or date.
func (o *orderDecoder) occurred(issued *etree.Element) time.Time {
	if created := xmlsafe.Child(o.root, o.v.nc("DocumentCreationDate")); created != nil {
		if t := o.dateTime(created); !t.IsZero() {
			o.notFuture(created, t)
			return t
		}
	}
	return o.dateTime(issued)
}

// documentID returns the sender's id of the order: the document's
// nc:DocumentIdentification, or else the court code and order number,
// which a court gives one order only, with Aadhaar numbers masked
// (canonical.BuildMessageID). A built id comes with builtOrderID.
func (o *orderDecoder) documentID(co *canonical.CourtOrder) (string, *canonical.BuiltID) {
	e := o.onePath(o.root, "because it gives the order's document id",
		o.v.nc("DocumentIdentification"), o.v.nc("IdentificationID"))
	if id := xmlsafe.Text(e); id != "" {
		o.checkDocumentID(e)
		if length := utf8.RuneCountInString(id); length > maxOrderID {
			o.fail(xmlsafe.Pointer(e), "maxLength", "document id has %d characters, more than "+
				"%d, the maximum of a prison's message_id", length, maxOrderID)
		}
		return id, nil
	}
	if co.Court.Code != "" && co.Number != "" {
		return canonical.BuildMessageID("ORDER", co.Court.Code, co.Number), builtOrderID
	}
	o.fail(under(o.root, "DocumentIdentification/IdentificationID"), "required",
		"missing document identification, and no court code and order number to identify the order by")
	return "", nil
}

// maxOrderID is the maximum length, in characters, of message_id in
// schemas/prisons/common.json, which the hub writes from an order's id
// when it sends the order to a prison. An id built from the court code,
// six characters, and an order number within maxCodeLength has at most
// 78.
const maxOrderID = 128

// builtOrderID describes the sender message id of a court order without
// nc:DocumentIdentification.
var builtOrderID = &canonical.BuiltID{
	From:    "the court code and the order number",
	Missing: "nc:DocumentIdentification",
	Advice: "a court gives each order a number of its own, so the hub holds this order " +
		"already; give another order its own number in nc:ActivityIdentification, or an " +
		"nc:DocumentIdentification of its own",
}

// caseElement returns the nc:Case the order is made in: the one that an
// association among the root's children links to the order, or else the
// root's only nc:Case. It records a violation and returns nil when there
// is none, or several and no association picks one.
func (o *orderDecoder) caseElement() *etree.Element {
	for _, assoc := range o.root.ChildElements() {
		if !strings.HasSuffix(assoc.Tag, "Association") {
			continue
		}
		var linksOrder bool
		var linked *etree.Element
		for _, member := range assoc.ChildElements() {
			switch target := o.follow(member); {
			case target == o.order:
				linksOrder = true
			case isCore(target, "Case"):
				linked = target
			}
		}
		if linksOrder && linked != nil {
			return linked
		}
	}
	cases := xmlsafe.Children(o.root, o.v.nc("Case"))
	switch len(cases) {
	case 0:
		o.fail(under(o.root, "Case"), "required",
			"missing nc:Case: an order names the case it is made in by its CNR or FIR")
		return nil
	case 1:
		return cases[0]
	}
	o.fail(xmlsafe.Pointer(cases[1]), "ambiguous",
		"%d nc:Case elements and no association links one of them to the order: send one, "+
			"or link it with an association of the case and the order", len(cases))
	return nil
}

// caseRef reads the case the order is made in. Its nc:CaseTrackingID is
// the CNR or, before the court has numbered the case, the FIR key. The
// FIR of a case with a CNR is the nc:CaseTrackingID of its
// j:CaseLineageCase, with the CCTNS national id as in a callback.
func (o *orderDecoder) caseRef() canonical.CaseRef {
	c := o.caseElement()
	if c == nil {
		return canonical.CaseRef{}
	}
	var ref canonical.CaseRef
	before := len(o.problems)
	tracking := o.onePath(c, "because it gives the CNR or the FIR key", o.v.nc("CaseTrackingID"))
	value := xmlsafe.Text(tracking)
	switch {
	case strings.HasPrefix(value, "FIR/"):
		ref.FIR = o.fir(c, tracking)
	case cnrShape.MatchString(value):
		cnr, err := canonical.ParseCNR(value)
		if err != nil {
			o.fail(xmlsafe.Pointer(tracking), "cnr", "%v", err)
		} else {
			ref.CNR = cnr.String()
		}
	case value != "":
		o.fail(xmlsafe.Pointer(tracking), "case-number", "case tracking id %s is neither a CNR "+
			"(16 letters and digits, such as KLER100011872025) nor an FIR key "+
			"(FIR/state/district/station/year/number)", canonical.QuoteMasked(value))
	}

	aug := xmlsafe.Child(c, o.v.j("CaseAugmentation"))
	if lineage := xmlsafe.Child(aug, o.v.j("CaseLineageCase")); lineage != nil && ref.FIR == nil {
		lineageTracking := xmlsafe.Child(lineage, o.v.nc("CaseTrackingID"))
		if v := xmlsafe.Text(lineageTracking); strings.HasPrefix(v, "FIR/") {
			ref.FIR = o.fir(lineage, lineageTracking)
		} else if v != "" {
			o.fail(xmlsafe.Pointer(lineageTracking), "fir_key",
				"lineage case tracking id %s is not an FIR key: want FIR/state/district/station/year/number", canonical.QuoteMasked(v))
		}
	}
	if ref.Key() == "" && len(o.problems) == before {
		o.fail(under(c, "CaseTrackingID"), "required", "missing case number: want the CNR or the FIR key")
	}

	court := o.follow(o.onePath(aug, "because it gives the case's court", o.v.j("CaseCourt")))
	ref.Court = o.court(court)
	return ref
}

// fir reads the FIR key in tracking, with the CCTNS national id from the
// nc:ActivityIdentification of c whose category is CategoryFIRNationalID,
// and checks the national id as a callback's is checked.
func (o *orderDecoder) fir(c, tracking *etree.Element) *canonical.FIRRef {
	ref, err := canonical.ParseFIRKey(xmlsafe.Text(tracking))
	if err != nil {
		o.fail(xmlsafe.Pointer(tracking), "fir_key", "%v", err)
		return nil
	}
	for _, id := range xmlsafe.Children(c, o.v.nc("ActivityIdentification")) {
		category := xmlsafe.PathText(id, o.v.nc("IdentificationCategoryText"))
		if strings.EqualFold(category, CategoryFIRNationalID) {
			ref.NationalID = xmlsafe.PathText(id, o.v.nc("IdentificationID"))
		}
	}
	o.checkNationalID(c, o.v.core, ref.NationalID)
	return &ref
}

// court reads a j:CourtType element: the establishment code in
// nc:OrganizationIdentification and the name in j:CourtName or
// nc:OrganizationName.
func (o *orderDecoder) court(e *etree.Element) canonical.Court {
	if e == nil {
		return canonical.Court{}
	}
	id := o.onePath(e, "because it gives the court's establishment code",
		o.v.nc("OrganizationIdentification"), o.v.nc("IdentificationID"))
	c := canonical.Court{
		Code: o.code(id, "court code", false),
		Name: canonical.NormalizeText(xmlsafe.PathText(e, o.v.j("CourtName"))),
	}
	o.routingCode(id, "court code", c.Code)
	if c.Name == "" {
		c.Name = canonical.NormalizeText(xmlsafe.PathText(e, o.v.nc("OrganizationName")))
	}
	return c
}

// issuingCourt reads j:CourtOrderIssuingCourt. Without an identification
// the court is the one the CNR names in its first six characters, or
// else the case's court. A court without a name takes the case court's
// name when their codes match.
func (o *orderDecoder) issuingCourt(ref canonical.CaseRef) canonical.Court {
	c := o.court(o.follow(xmlsafe.Child(o.order, o.v.j("CourtOrderIssuingCourt"))))
	switch {
	case c.Code != "":
	case ref.CNR != "":
		c.Code = ref.CNR[:6]
	case ref.Court.Code != "":
		c.Code = ref.Court.Code
		if c.Name == "" {
			c.Name = ref.Court.Name
		}
	default:
		o.fail(under(o.order, "CourtOrderIssuingCourt/OrganizationIdentification/IdentificationID"),
			"required", "missing issuing court: no court identification, no CNR and no case court")
	}
	if c.Name == "" && c.Code == ref.Court.Code {
		c.Name = ref.Court.Name
	}
	if c.Code != "" && !canonical.IsEstablishmentCode(c.Code) {
		// The prisons' format names the court by its e-Courts code, so an
		// order from another code could never be delivered.
		o.fail(under(o.order, "CourtOrderIssuingCourt/OrganizationIdentification/IdentificationID"),
			RuleCourtCode, "issuing court %s is not an e-Courts establishment code: want 4 capital "+
				"letters and 2 digits, such as KLER10", canonical.QuoteMasked(c.Code))
	}
	return c
}

// judge reads j:CourtOrderIssuingJudicialOfficial: the name of the
// person its nc:RoleOfPerson names and its j:JudicialOfficialCategoryText,
// the designation, joined by a comma.
func (o *orderDecoder) judge() string {
	official := xmlsafe.Child(o.order, o.v.j("CourtOrderIssuingJudicialOfficial"))
	if official == nil {
		return ""
	}
	var parts []string
	person := o.follow(xmlsafe.Child(official, o.v.nc("RoleOfPerson")))
	if n, ok := o.personName(xmlsafe.Child(person, o.v.nc("PersonName"))); ok {
		parts = append(parts, n.Full)
	}
	if designation := canonical.NormalizeText(xmlsafe.PathText(official, o.v.j("JudicialOfficialCategoryText"))); designation != "" {
		parts = append(parts, designation)
	}
	judge := strings.Join(parts, ", ")
	if len(judge) > maxJudgeLength {
		o.fail(xmlsafe.Pointer(official), "max-length", "judge's name and designation are %d bytes long: want at most %d",
			len(judge), maxJudgeLength)
	}
	return judge
}

// prisoner reads the person the order concerns, born by orderedOn, the
// prisoner number and the prison.
func (o *orderDecoder) prisoner(kind orderKind, orderedOn string) canonical.Prisoner {
	p := canonical.Prisoner{Status: kind.status}
	subject := xmlsafe.Child(o.order, o.v.j("CourtOrderDesignatedSubject"))
	if subject == nil {
		o.fail(under(o.order, "CourtOrderDesignatedSubject"), "required", "missing the person the order concerns")
	} else {
		var person *etree.Element
		p.Person, person = o.subject(subject)
		if born := p.Person.DateOfBirth; born != "" && orderedOn != "" && born > orderedOn {
			o.fail(xmlsafe.Pointer(xmlsafe.Child(person, o.v.nc("PersonBirthDate"))), "date-of-birth",
				"date of birth %s is after the order date (j:CourtOrderIssuingDate), %s", born, orderedOn)
		}
		number := xmlsafe.Path(subject, o.v.j("SubjectCorrectionsIdentification"), o.v.nc("IdentificationID"))
		p.Number = o.code(number, "prisoner number", true)
		o.recordNumber(number, "prisoner number", p.Number)
		if p.Number == "" && kind.kind != canonical.OrderCommittal && kind.kind != "" {
			o.fail(under(subject, "SubjectCorrectionsIdentification/IdentificationID"), "required",
				"missing prisoner number: a %s names the prisoner by the number the prison assigned",
				strings.ReplaceAll(string(kind.kind), "_", " "))
		}
	}

	agency := o.follow(xmlsafe.Child(o.order, o.v.j("CourtOrderEnforcementAgency")))
	code := xmlsafe.Path(agency, o.v.nc("OrganizationIdentification"), o.v.nc("IdentificationID"))
	p.PrisonCode = o.code(code, "prison code", true)
	o.routingCode(code, "prison code", p.PrisonCode)
	if err := canonical.CheckPrisonCodeCase(p.PrisonCode); err != nil {
		o.fail(xmlsafe.Pointer(code), RulePattern, "%v", err)
	}
	p.PrisonName = canonical.NormalizeText(xmlsafe.PathText(agency, o.v.nc("OrganizationName")))
	if p.PrisonCode == "" {
		o.fail(under(o.order, "CourtOrderEnforcementAgency/OrganizationIdentification/IdentificationID"),
			"required", "missing prison: the enforcement agency's identification is the code of the "+
				"prison that holds the prisoner or, on a committal order, is to hold them")
	}
	return p
}

// subject reads the person that the subject's nc:RoleOfPerson contains
// or refers to, and returns it with its element, nil when there is none.
func (o *orderDecoder) subject(subject *etree.Element) (canonical.Person, *etree.Element) {
	role := xmlsafe.Child(subject, o.v.nc("RoleOfPerson"))
	if role == nil {
		o.fail(under(subject, "RoleOfPerson"), "required", "missing the person the order concerns")
		return canonical.Person{}, nil
	}
	e := o.follow(role)
	if e == nil {
		return canonical.Person{}, nil
	}
	p := o.person(e)
	if len(p.Names) == 0 {
		o.fail(under(e, "PersonName"), "required", "missing the name of the person the order concerns")
	}
	return p, e
}

// appearance reads the day a production warrant requires the prisoner
// in court, which may not precede the order.
func (o *orderDecoder) appearance(kind canonical.CourtOrderKind, orderedOn string) string {
	e := xmlsafe.Path(o.order, o.v.j("CourtAppearance"), o.v.j("CourtAppearanceDate"))
	before := len(o.problems)
	day := o.date(e)
	switch {
	case day == "" && kind == canonical.OrderProductionWarrant && len(o.problems) == before:
		o.fail(under(o.order, "CourtAppearance/CourtAppearanceDate/Date"), "required",
			"missing the date the prisoner must be produced in court")
	case day != "" && orderedOn != "" && day < orderedOn:
		o.fail(xmlsafe.Pointer(e), "chronology",
			"appearance date %s is before the order date %s", day, orderedOn)
	}
	return day
}

// releaseGround reads the nc:ActivityReasonText of a release order.
// Other orders have no ground.
func (o *orderDecoder) releaseGround(kind canonical.CourtOrderKind) canonical.ReleaseGround {
	if kind != canonical.OrderRelease {
		return ""
	}
	reason := xmlsafe.Child(o.order, o.v.nc("ActivityReasonText"))
	text := xmlsafe.Text(reason)
	if text == "" {
		o.fail(under(o.order, "ActivityReasonText"), "required",
			"missing release ground: a release order gives bail, acquittal, discharge, sentence served, "+
				"fine paid, remission, parole, deportation or other")
		return ""
	}
	key := categoryKey(text)
	for _, g := range releaseGrounds {
		if key == categoryKey(string(g)) {
			return g
		}
	}
	o.fail(xmlsafe.Pointer(reason), "enum", "unknown release ground %s: want bail, acquittal, discharge, "+
		"sentence served, fine paid, remission, parole, deportation or other", canonical.QuoteMasked(text))
	return ""
}
