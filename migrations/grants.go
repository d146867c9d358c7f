package migrations

// AppRole is the PostgreSQL role the server signs in as (or a role that is a
// member of it). It owns nothing: migrations run as the schema's owner, and
// after every migration run the owner grants AppRole exactly AppGrants.
const AppRole = "meshwise_app"

// AppGrants is, for every table of the schema, what the server may do with
// it — and all it may do: the grant step revokes anything else, and a table
// missing here gets nothing (a test fails until it is listed). Sequences
// behind a table's serial or identity columns get USAGE when the table gets
// INSERT. A migration that adds a table adds its line here.
var AppGrants = map[string][]string{
	// goose's bookkeeping: /readyz compares the schema version with the binary's.
	"goose_db_version": {"SELECT"},

	"assessments":    {"SELECT", "INSERT", "UPDATE"},
	"users":          {"SELECT", "INSERT", "UPDATE"},
	"sessions":       {"SELECT", "INSERT", "UPDATE", "DELETE"}, // scs upserts, expires and deletes sessions
	"api_tokens":     {"SELECT", "INSERT", "UPDATE"},           // revoking and last-used are updates
	"login_failures": {"SELECT", "INSERT", "DELETE"},           // a successful sign-in clears them
	"audit_events":   {"SELECT", "INSERT"},

	// The decision log is read and appended, never changed.
	"log_entries":  {"SELECT", "INSERT"},
	"log_hashes":   {"SELECT", "INSERT"},
	"checkpoints":  {"SELECT", "INSERT"},
	"signing_keys": {"SELECT", "INSERT"},
	// One row per terminal transition: its key forbids a second decision.
	"record_transitions": {"SELECT", "INSERT"},
	// Today's prices: a new row for each change, the newest in force.
	"price_book": {"SELECT", "INSERT"},
}
