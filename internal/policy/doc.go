// Package policy decides what each destination of the hub may receive of a
// canonical message: which message types at all, which fields, and which
// fields arrive masked. It does no I/O.
//
// # Field paths
//
// A field path names a member of the canonical JSON form, starting at the
// message: "chargesheet.charges", "court_registration",
// "chargesheet.accused[].person.names". Members are separated by dots and
// use their JSON names. A member that is an array must be followed by "[]"
// to step into its elements, so "chargesheet.accused.person" is rejected
// and "chargesheet.accused[].person" is the path. A trailing "[]" on the
// last member is allowed and means the same as the member alone.
// Allowing a path allows everything below it, and a mask on a path covers
// everything below it. FieldPaths lists every valid path.
//
// # What Apply keeps
//
// Envelope fields (id, type, source, sender_message_id, correlation_id,
// case_key, occurred_at, sent_at, received_at, schema_version) are always kept and
// never masked. Below the body, a field is kept when an allowed path
// names it or a prefix of it, kept masked when a mask rule names it or a
// prefix of it, and removed otherwise. The body object itself stays even
// when nothing in it is allowed, so the result always has the body its
// type names.
//
// Removing a required field leaves its zero value in the result (an empty
// string, a zero number, a null array), so the result may no longer be a
// valid canonical message: a chargesheet without its kind, a person
// without names. Masked values may also break a schema rule, such as a
// year-only date_of_birth or a PIN masked to "XX2017". Apply does not
// validate its result; the outbound encoder or schema check rejects such
// a message with an ordinary error that the delivery reports.
//
// # Aadhaar
//
// Whatever the policy, an identifier whose type is "aadhaar" leaves with
// its value in the masked form "XXXXXXXX" and the last four digits, and
// without its token unless the policy's allow-list names that token's
// exact path, such as "fir.complainant.identifiers[].token". A run of 12
// or more digits in any text of an Aadhaar identifier makes Apply fail
// with ErrClearAadhaar, whether or not the policy would deliver that
// identifier.
package policy
