package main

import (
	"encoding/json"
	"fmt"

	"meshwise/model"
)

// baselineFromBundle is the one place the drift guard reads the decision
// log: it verifies an exported bundle, replays it and turns the record's
// option, scope, review date, status and approved figures into a baseline.
func baselineFromBundle(raw []byte, id string) (model.DriftBaseline, error) {
	var b model.Bundle
	if err := json.Unmarshal(raw, &b); err != nil || b.Format != model.BundleFormat {
		return model.DriftBaseline{}, fmt.Errorf("not a meshwise bundle (%s)", model.BundleFormat)
	}
	if rep := b.Verify(nil, nil); !rep.OK {
		return model.DriftBaseline{}, fmt.Errorf("the bundle does not verify (entry %d: %s): check against a log you can trust", rep.FirstBad, rep.Problem)
	}
	keys := model.KeyMap(b.Keys)
	entries := make([]model.LogEntry, 0, len(b.Entries))
	for _, raw := range b.Entries {
		env, err := model.OpenEnvelope(raw, keys)
		if err != nil {
			return model.DriftBaseline{}, err
		}
		var e model.LogEntry
		if err := json.Unmarshal(env.Payload, &e); err != nil {
			return model.DriftBaseline{}, fmt.Errorf("an entry's payload could not be read")
		}
		entries = append(entries, e)
	}
	for _, st := range model.Replay(entries) {
		if st.ID != id {
			continue
		}
		r := st.Record
		base := model.DriftBaseline{RecordID: st.ID, Status: st.Status, Option: r.Option, Scope: r.Scope, ReviewBy: r.ReviewBy, MeshedPods: r.Estimate.Assessment.Pods}
		if o, ok := r.Estimate.Option(r.Option); ok {
			base.ProxyRequests, base.ProxyUsage = o.DataPlane()
		}
		return base, nil
	}
	return model.DriftBaseline{}, fmt.Errorf("no record %q in the bundle", id)
}
