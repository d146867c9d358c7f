// Package cluster reads what `kubectl get ... -o json` prints and derives the
// counts an assessment needs: pods and their requests by namespace, services,
// node pools with allocatable capacity, and any mesh that already runs. It is
// pure: it reads bytes it is given and keeps no raw objects.
package cluster

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

// head is what every object or list has at its top.
type head struct {
	Kind       string `json:"kind"`
	APIVersion string `json:"apiVersion"`
	Spec       struct {
		Containers []json.RawMessage `json:"containers"`
		Template   json.RawMessage   `json:"template"`
		Ports      []json.RawMessage `json:"ports"`
		ClusterIP  string            `json:"clusterIP"`
		ProviderID string            `json:"providerID"`
		PodCIDR    string            `json:"podCIDR"`
	} `json:"spec"`
	Status struct {
		Allocatable json.RawMessage `json:"allocatable"`
		NodeInfo    json.RawMessage `json:"nodeInfo"`
	} `json:"status"`
}

// kindOf names an object by its kind, or by its shape when kubectl left the
// kind out of list items.
func kindOf(h head) string {
	switch {
	case h.Kind != "":
		return h.Kind
	case len(h.Spec.Containers) > 0:
		return "Pod"
	case len(h.Status.Allocatable) > 0 || len(h.Status.NodeInfo) > 0 || h.Spec.ProviderID != "" || h.Spec.PodCIDR != "":
		return "Node"
	case len(h.Spec.Template) > 0:
		return "Deployment"
	case len(h.Spec.Ports) > 0 || h.Spec.ClusterIP != "":
		return "Service"
	default:
		return ""
	}
}

// Read adds every object of one file to the inventory. name is used in
// messages. It streams list items, so memory stays near one item's size.
func (inv *Inventory) Read(name string, r io.Reader) error {
	br := newPeekReader(r)
	first, err := br.firstByte()
	if err != nil {
		return fmt.Errorf("%s is empty: send the output of `kubectl get pods -A -o json`", name)
	}
	if first != '{' && first != '[' {
		return notJSON(name, br.peek)
	}
	dec := json.NewDecoder(br)
	dec.UseNumber()
	if first == '[' {
		return inv.readArray(name, dec)
	}
	if _, err := dec.Token(); err != nil {
		return readErr(name, err)
	}
	fields := map[string]json.RawMessage{}
	var sawItems bool
	for dec.More() {
		keyTok, err := dec.Token()
		if err != nil {
			return readErr(name, err)
		}
		key, _ := keyTok.(string)
		if key == "items" {
			sawItems = true
			if err := inv.readArray(name, dec); err != nil {
				return err
			}
			continue
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return readErr(name, err)
		}
		if key != "metadata" || !sawItems {
			fields[key] = v
		}
	}
	if _, err := dec.Token(); err != nil {
		return readErr(name, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("%s holds more than one JSON document: send one kubectl output per file", name)
	}
	var kind string
	_ = json.Unmarshal(fields["kind"], &kind)
	if kind == "Table" {
		return fmt.Errorf("%s is a kubectl table (kind: Table): run kubectl with -o json", name)
	}
	if sawItems {
		return nil
	}
	raw, _ := json.Marshal(fields) // a single object
	return inv.add(name, raw)
}

func (inv *Inventory) readArray(name string, dec *json.Decoder) error {
	tok, err := dec.Token()
	if err != nil {
		return readErr(name, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return fmt.Errorf("%s: \"items\" is not a list", name)
	}
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return readErr(name, err)
		}
		if err := inv.add(name, raw); err != nil {
			return err
		}
	}
	_, err = dec.Token()
	return readErr(name, err)
}

// add classifies one object and folds it into the inventory.
func (inv *Inventory) add(name string, raw []byte) error {
	var h head
	if err := json.Unmarshal(raw, &h); err != nil {
		return fmt.Errorf("%s: an item is not a Kubernetes object: %v", name, shortErr(err))
	}
	switch k := kindOf(h); k {
	case "Pod":
		var p corev1.Pod
		if err := json.Unmarshal(raw, &p); err != nil {
			return fmt.Errorf("%s: a pod could not be read: %v", name, shortErr(err))
		}
		inv.addPod(&p)
	case "Node":
		var n corev1.Node
		if err := json.Unmarshal(raw, &n); err != nil {
			return fmt.Errorf("%s: a node could not be read: %v", name, shortErr(err))
		}
		inv.addNode(&n)
	case "Deployment":
		var d appsv1.Deployment
		if err := json.Unmarshal(raw, &d); err != nil {
			return fmt.Errorf("%s: a deployment could not be read: %v", name, shortErr(err))
		}
		inv.Deployments++
	case "Service":
		var s corev1.Service
		if err := json.Unmarshal(raw, &s); err != nil {
			return fmt.Errorf("%s: a service could not be read: %v", name, shortErr(err))
		}
		inv.addService(&s)
	case "Namespace":
		var n corev1.Namespace
		if err := json.Unmarshal(raw, &n); err != nil {
			return fmt.Errorf("%s: a namespace could not be read: %v", name, shortErr(err))
		}
		inv.addNamespace(&n)
	case "Table":
		return fmt.Errorf("%s is a kubectl table (kind: Table): run kubectl with -o json", name)
	case "":
		return fmt.Errorf("%s: an item has no kind and does not look like a pod, node, deployment, service or namespace", name)
	default:
		return fmt.Errorf("%s: kind %q is not one meshwise reads: send pods, nodes, deployments, services or namespaces", name, k)
	}
	return nil
}

func readErr(name string, err error) error {
	var se *json.SyntaxError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return fmt.Errorf("%s is truncated: the JSON ends before it is complete (was the copy cut off?)", name)
	case errors.As(err, &se):
		return fmt.Errorf("%s is not valid JSON at byte %d", name, se.Offset)
	default:
		return fmt.Errorf("%s could not be read: %v", name, shortErr(err))
	}
}

func shortErr(err error) string {
	s := err.Error()
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}

// notJSON explains what the file looks like instead.
func notJSON(name string, start []byte) error {
	text := strings.TrimSpace(string(start))
	lower := strings.ToLower(text)
	switch {
	case strings.HasPrefix(text, "$") || strings.HasPrefix(text, "#") || strings.HasPrefix(text, ">") || strings.Contains(lower, "kubectl get"):
		return fmt.Errorf("%s starts with a shell prompt or command: save only the output of kubectl, with -o json", name)
	case strings.HasPrefix(text, "NAME ") || strings.HasPrefix(text, "NAMESPACE "):
		return fmt.Errorf("%s is kubectl's table output: run kubectl with -o json", name)
	case strings.HasPrefix(text, "apiVersion:") || strings.HasPrefix(text, "---") || strings.HasPrefix(text, "kind:") || strings.HasPrefix(text, "items:"):
		return fmt.Errorf("%s is YAML: run kubectl with -o json instead of -o yaml", name)
	default:
		return fmt.Errorf("%s is not JSON: expected the output of `kubectl get pods -A -o json` (or nodes, deployments, services, namespaces)", name)
	}
}

// peekReader lets Read look at the start of a file before decoding it.
type peekReader struct {
	r    io.Reader
	peek []byte
	off  int
}

func newPeekReader(r io.Reader) *peekReader {
	buf := make([]byte, 512)
	n, _ := io.ReadFull(r, buf)
	p := &peekReader{r: r, peek: buf[:n]}
	if bytes.HasPrefix(p.peek, []byte("\xef\xbb\xbf")) {
		p.off = 3 // a byte-order mark, as some editors save
	}
	return p
}

func (p *peekReader) firstByte() (byte, error) {
	t := bytes.TrimLeft(p.peek[p.off:], " \t\r\n")
	if len(t) == 0 {
		return 0, io.EOF
	}
	return t[0], nil
}

func (p *peekReader) Read(b []byte) (int, error) {
	if p.off < len(p.peek) {
		n := copy(b, p.peek[p.off:])
		p.off += n
		return n, nil
	}
	return p.r.Read(b)
}
