// Package ledger is the format and cryptography of meshwise's decision log,
// with no other meshwise package behind it: RFC 8785 (JCS) payloads, DSSE
// envelopes signed with Ed25519, entries hash-linked to the one before, an
// RFC 6962 Merkle tree over the envelopes (Go's tlog layout), checkpoints in
// the signed-note format, export bundles, and verification that walks key
// trust through the log. `meshwise verify` needs nothing else; the store and
// the web layer build on it.
//
// The payload of an entry is opaque to this package except for its header
// fields (seq, prev, time, event, record_id and, on a key rotation, key_id
// and public_key), which verification reads from the signed bytes.
package ledger
