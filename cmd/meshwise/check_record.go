package main

import (
	"encoding/json"
	"errors"
	"fmt"

	"meshwise/ledger"
	"meshwise/model"
)

// baselineFromBundle is the one place the drift guard reads the decision
// log: it verifies an exported bundle entry by entry (signatures, links and
// the keys' trust walk, against the bundle's own keys), replays it and
// turns the record's option, scope, review date, status and approved
// figures into a baseline.
func baselineFromBundle(raw []byte, id string) (model.DriftBaseline, error) {
	var b ledger.Bundle
	if err := json.Unmarshal(raw, &b); err != nil || b.Format != ledger.BundleFormat {
		return model.DriftBaseline{}, fmt.Errorf("not a meshwise bundle (%s)", ledger.BundleFormat)
	}
	if rep := b.Verify(nil, nil); !rep.OK {
		return model.DriftBaseline{}, fmt.Errorf("the bundle does not verify (entry %d: %s): check against a log you can trust", rep.FirstBad, rep.Problem)
	}
	v := ledger.NewVerifier(ledger.KeyMap(b.Keys))
	entries := make([]model.LogEntry, 0, len(b.Entries))
	for _, env := range b.Entries {
		_, payload, err := v.Add(env)
		if err != nil {
			return model.DriftBaseline{}, fmt.Errorf("the bundle does not verify: %v", err)
		}
		var e model.LogEntry
		if err := json.Unmarshal(payload, &e); err != nil {
			return model.DriftBaseline{}, fmt.Errorf("entry %d's payload could not be read", len(entries))
		}
		entries = append(entries, e)
	}
	for _, st := range model.Replay(entries) {
		if st.ID != id {
			continue
		}
		base, err := model.BaselineOf(st)
		if err != nil {
			return model.DriftBaseline{}, errors.New(model.ErrorMessage(err))
		}
		return base, nil
	}
	return model.DriftBaseline{}, fmt.Errorf("no record %q in the bundle", id)
}
