package ledger

import (
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

// LeafHash is an entry's hash in the Merkle tree: the RFC 6962 leaf hash of
// the envelope bytes.
func LeafHash(envelope []byte) tlog.Hash { return tlog.RecordHash(envelope) }

// MerkleTree holds the stored hashes of a log (tlog layout) in memory.
type MerkleTree struct {
	hashes []tlog.Hash
	n      int64
}

// Append adds a leaf and returns the stored hashes it added, in index order
// starting at tlog.StoredHashIndex(0, n).
func (m *MerkleTree) Append(leaf tlog.Hash) ([]tlog.Hash, error) {
	hs, err := tlog.StoredHashesForRecordHash(m.n, leaf, m)
	if err != nil {
		return nil, err
	}
	m.hashes = append(m.hashes, hs...)
	m.n++
	return hs, nil
}

// Truncate drops every leaf from n on, undoing appends that were not kept.
func (m *MerkleTree) Truncate(n int64) {
	if n < m.n {
		m.hashes = m.hashes[:tlog.StoredHashCount(n)]
		m.n = n
	}
}

// ReadHashes implements tlog.HashReader.
func (m *MerkleTree) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	for i, x := range idx {
		if x < 0 || x >= int64(len(m.hashes)) {
			return nil, fmt.Errorf("hash %d not stored", x)
		}
		out[i] = m.hashes[x]
	}
	return out, nil
}

// StoredHash returns the stored hash at index idx (tlog layout).
func (m *MerkleTree) StoredHash(idx int64) (tlog.Hash, bool) {
	if idx < 0 || idx >= int64(len(m.hashes)) {
		return tlog.Hash{}, false
	}
	return m.hashes[idx], true
}

// Leaf returns the leaf hash of entry i.
func (m *MerkleTree) Leaf(i int64) (tlog.Hash, bool) {
	if i < 0 || i >= m.n {
		return tlog.Hash{}, false
	}
	return m.StoredHash(tlog.StoredHashIndex(0, i))
}

// Root returns the tree hash of the first n leaves.
func (m *MerkleTree) Root(n int64) (tlog.Hash, error) { return tlog.TreeHash(n, m) }

// Size is the number of leaves.
func (m *MerkleTree) Size() int64 { return m.n }
