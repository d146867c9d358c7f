package model

// Log events.
const (
	EventProposed   = "proposed"
	EventApproved   = "approved"
	EventRejected   = "rejected"
	EventSuperseded = "superseded"
	EventKeyRotated = "key-rotated"
	EventChecked    = "checked" // a drift check of a running cluster against the record
)

// Actor is who caused a log entry.
type Actor struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Role  Role   `json:"role"`
}

// LogEntry is the payload of one entry of the decision log, as signed. The
// store encodes it as RFC 8785 canonical JSON, signs those bytes and keeps
// them; pages read entries back from the signed bytes only.
type LogEntry struct {
	Seq      int64           `json:"seq"`  // position in the log, from 0
	Prev     string          `json:"prev"` // hex leaf hash of entry Seq-1; "" for the first
	Time     string          `json:"time"` // RFC 3339 UTC at microsecond precision
	Event    string          `json:"event"`
	RecordID string          `json:"record_id,omitempty"`
	Actor    Actor           `json:"actor"`
	Record   *DecisionRecord `json:"record,omitempty"` // the full record, on "proposed"
	Note     string          `json:"note,omitempty"`
	Check    *DriftReport    `json:"check,omitempty"`      // on "checked": the findings
	KeyID    string          `json:"key_id,omitempty"`     // on "key-rotated": the new key
	NewKey   []byte          `json:"public_key,omitempty"` // on "key-rotated": the new public key

	// Hash is the entry's leaf hash in the log (hex), known once it is
	// stored; it is not part of the signed payload.
	Hash string `json:"-"`
}
