// Package cluster reads what `kubectl get ... -o json`, `kubectl get --raw
// /apis/metrics.k8s.io/v1beta1/pods` and `az aks show|nodepool list -o json`
// print, and derives the counts an assessment needs: pods and their
// requests by namespace, workloads, services, node pools with allocatable
// capacity, measured usage, and any mesh that already runs. It is pure: it
// reads bytes it is given and keeps no raw objects.
package cluster

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
)

// Input names what a file should hold: the flag or form field it came with.
type Input string

// The inputs meshwise reads. Any classifies each object by its content.
const (
	Any        Input = ""
	Pods       Input = "pods"
	Nodes      Input = "nodes"
	Workloads  Input = "deployments" // any workload kind: Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs
	Services   Input = "services"
	Namespaces Input = "namespaces"
	AKS        Input = "aks"       // az aks show -o json
	NodePools  Input = "nodepools" // az aks nodepool list -o json
	Metrics    Input = "metrics"   // kubectl get --raw /apis/metrics.k8s.io/v1beta1/pods
)

// Inputs lists the inputs a command line may name, in the order they are read.
var Inputs = []Input{AKS, NodePools, Nodes, Namespaces, Workloads, Services, Pods, Metrics}

// Command is what prints an input.
func (in Input) Command() string {
	switch in {
	case Pods:
		return "kubectl get pods -A -o json"
	case Nodes:
		return "kubectl get nodes -o json"
	case Workloads:
		return "kubectl get deployments,statefulsets,daemonsets,replicasets,jobs,cronjobs -A -o json"
	case Services:
		return "kubectl get services -A -o json"
	case Namespaces:
		return "kubectl get namespaces -o json"
	case AKS:
		return "az aks show -g GROUP -n CLUSTER -o json"
	case NodePools:
		return "az aks nodepool list -g GROUP --cluster-name CLUSTER -o json"
	case Metrics:
		return "kubectl get --raw /apis/metrics.k8s.io/v1beta1/pods"
	}
	return "kubectl get pods -A -o json"
}

// label names an input in messages: its flag, or "the upload".
func (in Input) label() string {
	if in == Any {
		return "the file"
	}
	return "--" + string(in)
}

// kinds are the object kinds each input may hold.
var kinds = map[Input][]string{
	Pods:       {"Pod"},
	Nodes:      {"Node"},
	Workloads:  {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"},
	Services:   {"Service"},
	Namespaces: {"Namespace"},
	AKS:        {kindAKSCluster},
	NodePools:  {kindAKSPool},
	Metrics:    {"PodMetrics"},
}

// Kinds of Azure objects, named for messages.
const (
	kindAKSCluster = "AKS cluster (az aks show)"
	kindAKSPool    = "AKS node pool (az aks nodepool list)"
)

// inputOf names the input that holds a kind.
func inputOf(kind string) Input {
	for in, ks := range kinds {
		for _, k := range ks {
			if k == kind {
				return in
			}
		}
	}
	return Any
}

// Read adds every object of one file to the inventory, classifying each by
// its content. name is used in messages.
func (inv *Inventory) Read(name string, r io.Reader) error { return inv.ReadAs(Any, name, r) }

// ReadAs adds every object of one file that should hold in. An object of
// another kind is an error naming both; an object already read (same UID)
// is counted once, with a warning. It streams list items, so memory stays
// near one item's size.
func (inv *Inventory) ReadAs(in Input, name string, r io.Reader) error {
	f := &fileReader{inv: inv, in: in, name: name}
	err := f.read(r)
	if f.dups > 0 {
		inv.Warnings = append(inv.Warnings, fmt.Sprintf("%s: %d object(s) were already read from another file (same UID) and were counted once", name, f.dups))
	}
	if err == nil && f.objects == 0 && in != Any {
		inv.Warnings = append(inv.Warnings, fmt.Sprintf("%s (%s) holds an empty list", name, in.label()))
	}
	return err
}

type fileReader struct {
	inv     *Inventory
	in      Input
	name    string
	dups    int
	objects int
	peek    []byte
}

func (f *fileReader) read(r io.Reader) error {
	br := newPeekReader(r)
	f.peek = br.peek
	if err := br.encoding(f.name); err != nil {
		return err
	}
	first, err := br.firstByte()
	if err != nil {
		return fmt.Errorf("%s (%s) is empty: send the output of `%s`", f.name, f.in.label(), f.in.Command())
	}
	if first != '{' && first != '[' {
		return notJSON(f.name, f.in, br.peek[br.off:])
	}
	// jsontext reads each list item in place, without the copy and the
	// second validating scan encoding/json's Decoder and Unmarshal make.
	dec := jsontext.NewDecoder(br, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	if first == '[' {
		return f.readArray(dec)
	}
	if _, err := dec.ReadToken(); err != nil {
		return f.readErr(err)
	}
	fields := map[string]json.RawMessage{}
	var sawItems bool
	for dec.PeekKind() == '"' {
		keyTok, err := dec.ReadToken()
		if err != nil {
			return f.readErr(err)
		}
		key := keyTok.String()
		if key == "items" {
			sawItems = true
			if err := f.readArray(dec); err != nil {
				return err
			}
			continue
		}
		v, err := dec.ReadValue()
		if err != nil {
			return f.readErr(err)
		}
		if key != "metadata" || !sawItems {
			fields[key] = bytes.Clone(v)
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return f.readErr(err)
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return fmt.Errorf("%s holds more than one JSON document: send one output per file", f.name)
	}
	var kind string
	_ = json.Unmarshal(fields["kind"], &kind)
	if kind == "Table" {
		return fmt.Errorf("%s is a kubectl table (kind: Table): run kubectl with -o json", f.name)
	}
	if sawItems {
		return nil
	}
	raw, _ := json.Marshal(fields) // a single object
	return f.add(raw)
}

func (f *fileReader) readArray(dec *jsontext.Decoder) error {
	if dec.PeekKind() != '[' {
		if _, err := dec.ReadValue(); err != nil {
			return f.readErr(err)
		}
		return fmt.Errorf("%s: \"items\" is not a list", f.name)
	}
	if _, err := dec.ReadToken(); err != nil {
		return f.readErr(err)
	}
	for dec.PeekKind() != ']' {
		raw, err := dec.ReadValue()
		if err != nil {
			return f.readErr(err)
		}
		if err := f.add(raw); err != nil {
			return err
		}
	}
	_, err := dec.ReadToken()
	return f.readErr(err)
}

func (f *fileReader) readErr(err error) error {
	var se *jsontext.SyntacticError
	switch {
	case err == nil:
		return nil
	case bytes.Contains(f.peek, []byte("=>")):
		return fmt.Errorf("%s looks like a Ruby hash (it has =>), not JSON: save the output of `%s` itself", f.name, f.in.Command())
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return fmt.Errorf("%s is truncated: the JSON ends before it is complete (was the copy cut off?)", f.name)
	case errors.As(err, &se):
		return fmt.Errorf("%s is not valid JSON at byte %d", f.name, se.ByteOffset)
	default:
		return fmt.Errorf("%s could not be read: %v", f.name, shortErr(err))
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
func notJSON(name string, in Input, start []byte) error {
	text := strings.TrimSpace(strings.ReplaceAll(string(start), "\r\n", "\n"))
	lower := strings.ToLower(text)
	firstCode := text // the first line that is not a comment
	for _, line := range strings.Split(text, "\n") {
		if l := strings.TrimSpace(line); l != "" && !strings.HasPrefix(l, "#") {
			firstCode = l
			break
		}
	}
	yamlish := func(s string) bool {
		for _, p := range []string{"apiVersion:", "---", "kind:", "items:", "metadata:"} {
			if strings.HasPrefix(s, p) {
				return true
			}
		}
		return false
	}
	switch {
	case strings.HasPrefix(text, "# Source:") || strings.HasPrefix(text, "#") && yamlish(firstCode) || yamlish(text):
		return fmt.Errorf("%s is YAML (a Helm template or -o yaml): run `%s` — -o json, not -o yaml", name, in.Command())
	case strings.HasPrefix(text, "{:") || strings.Contains(text, "=>"):
		return fmt.Errorf("%s looks like a Ruby hash (=>), not JSON: save the output of `%s` itself", name, in.Command())
	case strings.HasPrefix(text, "$") || strings.HasPrefix(text, "#") || strings.HasPrefix(text, ">") || strings.HasPrefix(text, "PS ") || strings.Contains(lower, "kubectl get") || strings.Contains(lower, "az aks"):
		return fmt.Errorf("%s starts with a shell prompt or command: save only the output of `%s`", name, in.Command())
	case strings.HasPrefix(text, "NAME ") || strings.HasPrefix(text, "NAMESPACE "):
		return fmt.Errorf("%s is kubectl's table output: run `%s`", name, in.Command())
	default:
		return fmt.Errorf("%s is not JSON: expected the output of `%s`", name, in.Command())
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
	// UTF-8 byte-order marks, as Notepad and PowerShell 7's utf8BOM write,
	// sometimes twice when a file is re-saved.
	for bytes.HasPrefix(p.peek[p.off:], []byte("\xef\xbb\xbf")) {
		p.off += 3
	}
	return p
}

// encoding refuses UTF-16 and UTF-32 with a message saying how to save UTF-8.
func (p *peekReader) encoding(name string) error {
	b := p.peek[p.off:]
	utf16 := bytes.HasPrefix(b, []byte{0xff, 0xfe}) || bytes.HasPrefix(b, []byte{0xfe, 0xff}) ||
		len(b) >= 4 && (b[1] == 0 && b[3] == 0 && b[0] != 0 || b[0] == 0 && b[2] == 0 && b[1] != 0)
	if utf16 {
		return fmt.Errorf("%s is UTF-16 (what Windows PowerShell's > writes): save it as UTF-8, e.g. `kubectl ... | Out-File -Encoding utf8 %s`, or run the command in cmd.exe or bash", name, name)
	}
	return nil
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
