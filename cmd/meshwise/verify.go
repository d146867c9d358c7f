package main

import (
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"meshwise/ledger"
)

// runVerify checks an exported bundle with no database:
//
//	meshwise verify [--checkpoint FILE] [--key FILE]... bundle.json
//
// It exits 0 when every entry, link, signature and checkpoint holds, and 1
// naming the first broken entry otherwise. --checkpoint adds a checkpoint
// saved earlier (a rewritten history fails against it even if re-signed);
// --key pins the public keys to trust instead of those in the bundle.
func runVerify(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	checkpoint := fs.String("checkpoint", "", "a checkpoint (signed note) saved earlier")
	var keyFiles multiFlag
	fs.Var(&keyFiles, "key", "a trusted public key: a JSON key from /api/v1/keys (repeatable)")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if fs.NArg() != 1 {
		return usageError{"usage: meshwise verify [--checkpoint FILE] [--key FILE] bundle.json"}
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return usageError{fmt.Sprintf("verify: %v", err)}
	}
	defer f.Close()
	var saved []byte
	if *checkpoint != "" {
		if saved, err = os.ReadFile(*checkpoint); err != nil {
			return usageError{fmt.Sprintf("verify: --checkpoint: %v", err)}
		}
		if !ledger.LooksLikeCheckpoint(saved) {
			return usageError{fmt.Sprintf("verify: --checkpoint %s is not a signed checkpoint: save every line meshwise verify printed after \"latest checkpoint\", the signature line (starting with a dash) included", *checkpoint)}
		}
	}
	var pinned map[string]ed25519.PublicKey
	if len(keyFiles) > 0 {
		var keys []ledger.PublicKey
		for _, kf := range keyFiles {
			kb, err := os.ReadFile(kf)
			if err != nil {
				return usageError{fmt.Sprintf("verify: --key: %v", err)}
			}
			// One key as GET /api/v1/keys lists it, or that whole document
			// (saved earlier: every key in it is pinned).
			var doc struct {
				Keys []ledger.PublicKey `json:"keys"`
			}
			var k ledger.PublicKey
			switch {
			case json.Unmarshal(kb, &doc) == nil && len(doc.Keys) > 0:
				keys = append(keys, doc.Keys...)
			case json.Unmarshal(kb, &k) == nil && len(k.Key) == ed25519.PublicKeySize:
				keys = append(keys, k)
			default:
				return usageError{fmt.Sprintf("verify: --key %s: want GET /api/v1/keys saved as it answers, or one key from its list", kf)}
			}
		}
		pinned = ledger.KeyMap(keys)
	}
	// The bundle is read as a stream: memory stays bounded whatever its size.
	rep, sum, err := ledger.VerifyBundle(f, saved, pinned)
	if errors.Is(err, ledger.ErrNotBundle) {
		return exitError{code: 1, msg: fmt.Sprintf("verify: %s is not a meshwise bundle (%s)", fs.Arg(0), ledger.BundleFormat)}
	}
	if err != nil {
		return exitError{code: 1, msg: fmt.Sprintf("verify: %s: %v", fs.Arg(0), err)}
	}
	if !rep.OK {
		return exitError{code: 1, msg: "verify: FAILED at entry " + fmt.Sprint(rep.FirstBad) + ": " + rep.Problem}
	}
	fmt.Fprintf(stdout, "verified: %d entries, %d checkpoint(s), tree root %s\n", rep.Entries, rep.Checkpoints, rep.Root)
	if len(sum.Checkpoints) > 0 {
		fmt.Fprintf(stdout, "latest checkpoint (save it elsewhere to catch a rewritten history later):\n%s", sum.Checkpoints[len(sum.Checkpoints)-1])
	}
	return nil
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
