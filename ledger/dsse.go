package ledger

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
)

// PayloadType is the DSSE payload type of decision-log entries.
const PayloadType = "application/vnd.meshwise.decision-log-entry+json"

// Envelope is a DSSE envelope (secure-systems-lab/dsse, v1): the payload
// bytes, their type, and signatures over the pre-authentication encoding.
// Payload holds the exact bytes that were signed; encoding/json writes them
// as base64, as DSSE requires.
type Envelope struct {
	PayloadType string      `json:"payloadType"`
	Payload     []byte      `json:"payload"`
	Signatures  []Signature `json:"signatures"`
}

// Signature is one DSSE signature.
type Signature struct {
	KeyID string `json:"keyid"`
	Sig   []byte `json:"sig"`
}

// PAE is DSSE's pre-authentication encoding:
// "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body.
func PAE(payloadType string, payload []byte) []byte {
	b := make([]byte, 0, 32+len(payloadType)+len(payload))
	b = append(b, "DSSEv1 "...)
	b = strconv.AppendInt(b, int64(len(payloadType)), 10)
	b = append(b, ' ')
	b = append(b, payloadType...)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(len(payload)), 10)
	b = append(b, ' ')
	return append(b, payload...)
}

// SigningKey is an Ed25519 key with its ID.
type SigningKey struct {
	ID      string
	Private ed25519.PrivateKey
}

// PublicKey is a verification key as published at /api/v1/keys.
type PublicKey struct {
	ID        string `json:"keyid"`
	Algorithm string `json:"algorithm"`
	Key       []byte `json:"public_key"` // raw 32-byte Ed25519 key, base64 in JSON
	NoteKey   string `json:"note_verifier_key"`
}

// KeyID names a public key: the first 16 hex digits of its SHA-256.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// NewSigningKey wraps a private key with its ID.
func NewSigningKey(priv ed25519.PrivateKey) SigningKey {
	return SigningKey{ID: KeyID(priv.Public().(ed25519.PublicKey)), Private: priv}
}

// Public returns the key's published form.
func (k SigningKey) Public() PublicKey {
	pub := k.Private.Public().(ed25519.PublicKey)
	return PublicKey{ID: k.ID, Algorithm: "ed25519", Key: pub, NoteKey: noteVerifierKey(pub)}
}

// Seal signs payload into an envelope and returns the envelope's bytes:
// the exact bytes the log stores and hashes. Co-signers add their own
// signatures (a key rotation is signed by the old key and the new).
func (k SigningKey) Seal(payload []byte, cosigners ...SigningKey) ([]byte, error) {
	pae := PAE(PayloadType, payload)
	env := Envelope{PayloadType: PayloadType, Payload: payload,
		Signatures: []Signature{{KeyID: k.ID, Sig: ed25519.Sign(k.Private, pae)}}}
	for _, c := range cosigners {
		env.Signatures = append(env.Signatures, Signature{KeyID: c.ID, Sig: ed25519.Sign(c.Private, pae)})
	}
	b, err := json.Marshal(env)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	return b, nil
}

// OpenEnvelope parses an envelope and checks its signature against keys.
func OpenEnvelope(b []byte, keys map[string]ed25519.PublicKey) (Envelope, error) {
	var env Envelope
	if err := json.Unmarshal(b, &env); err != nil {
		return env, fmt.Errorf("the envelope is not valid JSON")
	}
	if env.PayloadType != PayloadType {
		return env, fmt.Errorf("payload type is %q, not %q", env.PayloadType, PayloadType)
	}
	if len(env.Signatures) == 0 {
		return env, fmt.Errorf("the envelope has no signature")
	}
	for _, s := range env.Signatures {
		pub, ok := keys[s.KeyID]
		if !ok {
			return env, fmt.Errorf("signed by unknown key %s", s.KeyID)
		}
		if !ed25519.Verify(pub, PAE(env.PayloadType, env.Payload), s.Sig) {
			return env, fmt.Errorf("the signature by key %s does not verify", s.KeyID)
		}
	}
	return env, nil
}

// PublicKeyOf builds the published form of a stored public key.
func PublicKeyOf(id string, key []byte) PublicKey {
	return PublicKey{ID: id, Algorithm: "ed25519", Key: key, NoteKey: noteVerifierKey(ed25519.PublicKey(key))}
}

// KeyMap indexes public keys by ID, leaving out any that is not a 32-byte
// Ed25519 key.
func KeyMap(keys []PublicKey) map[string]ed25519.PublicKey {
	m := make(map[string]ed25519.PublicKey, len(keys))
	for _, k := range keys {
		if len(k.Key) == ed25519.PublicKeySize {
			m[k.ID] = ed25519.PublicKey(k.Key)
		}
	}
	return m
}
