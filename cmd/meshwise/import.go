package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"meshwise/model/cluster"
)

const importUsage = "usage: meshwise import [--aks F] [--nodepools F] [--nodes F] [--namespaces F] [--deployments F] [--services F] [--pods F] [--metrics F] [--hash-names] [-o table|json] [--assessment-only] [FILE...]"

// importFile is one file named on the command line and what it should hold.
type importFile struct {
	in   cluster.Input
	path string
}

// runImport reads kubectl and az outputs and prints what they say beside
// the assessment they prefill:
//
//	meshwise import --aks aks.json --nodes nodes.json --pods pods.json [--metrics top.json] [-o table|json]
//	meshwise import --pods pods.json --assessment-only > assessment.json
//
// Each flag's file must hold what the flag says (an error names both);
// files given without a flag are classified by their content.
func runImport(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var files []importFile
	for _, in := range cluster.Inputs {
		fs.Func(string(in), "output of `"+in.Command()+"`", func(v string) error {
			files = append(files, importFile{in, v})
			return nil
		})
	}
	hash := fs.Bool("hash-names", false, "replace namespace names with a hash")
	format := fs.String("o", "table", "output: table or json")
	only := fs.Bool("assessment-only", false, "print only the assessment JSON (a summary goes to stderr)")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	for _, f := range fs.Args() {
		files = append(files, importFile{cluster.Any, f})
	}
	if len(files) == 0 {
		return usageError{importUsage}
	}
	if *format != "table" && *format != "json" {
		return usageError{fmt.Sprintf("import: -o %q: use table or json", *format)}
	}
	inv, err := readImport(files, *hash)
	if err != nil {
		return usageError{"import: " + err.Error()}
	}
	pre, err := inv.Prefill()
	if err != nil {
		return usageError{"import: " + describeInvalid(err)}
	}
	if *only {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(pre.Assessment); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "read %d file(s): %d pods to mesh in %d namespaces, %d services, %d nodes; existing mesh: %s\n",
			len(files), pre.Assessment.Pods, pre.Assessment.Namespaces, inv.Services, pre.Assessment.Nodes, inv.Mesh.Detected())
		for _, s := range append(append([]string(nil), inv.Warnings...), pre.Notes...) {
			fmt.Fprintln(stderr, "note: "+s)
		}
		return nil
	}
	whatIf, meshed, err := inv.WhatIf(pre.Assessment)
	if err != nil {
		return usageError{"import: " + describeInvalid(err)}
	}
	out := importOutput{Inventory: inv.Report(), Prefill: pre}
	if meshed {
		out.WhatIf = &whatIf
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	return writeImportTable(stdout, out)
}

// importOutput is what `meshwise import -o json` prints.
type importOutput struct {
	Inventory cluster.Report `json:"inventory"`
	cluster.Prefill
	WhatIf *cluster.WhatIf `json:"what_if,omitempty"`
}

// readImport reads every file into one inventory.
func readImport(files []importFile, hash bool) (*cluster.Inventory, error) {
	inv := cluster.New(hash)
	for _, f := range files {
		fh, err := os.Open(f.path)
		if err != nil {
			return nil, err
		}
		err = inv.ReadAs(f.in, f.path, fh)
		fh.Close()
		if err != nil {
			return nil, err
		}
	}
	return inv, nil
}

func writeImportTable(w io.Writer, out importOutput) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	r := out.Inventory
	if c := r.Cluster; c != nil {
		fmt.Fprintf(tw, "cluster %s (resource group %s, %s), Kubernetes %s, tier %s, network %s %s dataplane %s", c.Name, c.ResourceGroup, c.Location, c.KubernetesVersion, c.Tier, c.NetworkPlugin, c.NetworkPluginMode, c.NetworkDataplane)
		if c.MeshMode != "" {
			fmt.Fprintf(tw, ", mesh add-on %s %s", c.MeshMode, strings.Join(c.MeshRevisions, ","))
		}
		fmt.Fprintln(tw)
	}
	fmt.Fprintf(tw, "existing mesh: %s (%d Istio sidecars, %d of them native; %d Linkerd proxies; %d ambient pods; %d ztunnels)\n\n",
		r.Mesh.Detected, r.Mesh.IstioSidecars, r.Mesh.NativeSidecars, r.Mesh.LinkerdProxies, r.Mesh.AmbientPods, r.Mesh.Ztunnels)
	fmt.Fprintln(tw, "NAMESPACE\tPODS\tEXPECTED\tCPU REQ\tGiB REQ\tMESH\tMESHED\tPROXY CPU REQ\tPROXY CPU USED\tLABELS")
	for _, n := range r.Namespaces {
		name := n.Name
		if n.Platform {
			name += " (platform)"
		}
		used := "-"
		if n.ProxyUsed != nil {
			used = n.ProxyUsed.Cores.String()
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", name, n.Pods, n.ExpectedPods, n.Requests.Cores.StringFixed(2), n.Requests.GiB.StringFixed(2),
			orDash(strings.Join(n.Meshes, ",")), n.MeshedPods, n.ProxyReq.Cores.String(), used, orDash(strings.Join(n.Labels, " ")))
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "POOL\tVM SIZE\tNODES\tAKS COUNT\tAUTOSCALE\tMAX PODS\tAPP PODS\tALLOC CORES\tALLOC GiB")
	for _, p := range r.Pools {
		size := p.VMSize
		if !p.InCatalog {
			size += " (not in catalog)"
		}
		auto := "-"
		if p.Autoscale {
			auto = fmt.Sprintf("%d-%d", p.MinCount, p.MaxCount)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%d\t%d\t%s\t%s\n", p.Name, size, p.Nodes, p.AKSCount, auto, p.MaxPods, p.AppPods, p.Allocatable.Cores.StringFixed(2), p.Allocatable.GiB.StringFixed(2))
	}
	if wi := out.WhatIf; wi != nil {
		fmt.Fprintf(tw, "\nMIGRATION WHAT-IF for %d meshed pods running %s today. %s\n", wi.MeshedPods, wi.Mesh, wi.ModelNotice)
		fmt.Fprintf(tw, "today: requests %s cores %s GiB", wi.Requests.Cores, wi.Requests.GiB)
		if wi.Used != nil {
			fmt.Fprintf(tw, "; measured use %s cores %s GiB", wi.Used.Cores, wi.Used.GiB)
		}
		fmt.Fprintln(tw)
		if p := wi.Predicted; p != nil {
			fmt.Fprintf(tw, "the model for %s: requests %s cores %s GiB; estimated use %s cores %s GiB\n", p.Option, p.Requests.Cores, p.Requests.GiB.StringFixed(3), p.Usage.Cores.StringFixed(3), p.Usage.GiB.StringFixed(3))
		}
		fmt.Fprintf(tw, "OPTION\tREQ CORES\tREQ GiB\tCORES SAVED\tGiB SAVED\tNODES SAVED\t%s/MONTH SAVED\n", wi.Currency)
		for _, o := range wi.Options {
			money := o.MoneyLow.StringFixed(2) + " to " + o.MoneyHigh.StringFixed(2)
			if wi.CoreHour.IsZero() {
				money = "enter the node price"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s to %s\t%s to %s\t%s to %s\t%s\n", o.Option, o.Requests.Cores.StringFixed(3), o.Requests.GiB.StringFixed(3),
				o.SavedLow.Cores.StringFixed(3), o.SavedHigh.Cores.StringFixed(3), o.SavedLow.GiB.StringFixed(3), o.SavedHigh.GiB.StringFixed(3),
				o.NodesLow, o.NodesHigh, money)
		}
	}
	a := out.Assessment
	fmt.Fprintf(tw, "\nASSESSMENT FIELD\tVALUE\tSOURCE\tHOW\n")
	values := map[string]string{"title": a.Title, "cluster": a.Cluster, "resource_group": a.ResourceGroup, "pods": fmt.Sprint(a.Pods), "namespaces": fmt.Sprint(a.Namespaces),
		"services": fmt.Sprint(a.Services), "nodes": fmt.Sprint(a.Nodes), "node_sku": a.NodeSKU, "max_pods_per_node": fmt.Sprint(a.MaxPodsPerNode),
		"cilium_cni": fmt.Sprint(a.CiliumCNI), "spare_cores": a.SpareCores.String(), "spare_gib": a.SpareGiB.String()}
	for _, f := range []string{"title", "cluster", "resource_group", "pods", "namespaces", "services", "nodes", "node_sku", "max_pods_per_node", "cilium_cni", "spare_cores", "spare_gib"} {
		p := out.Fields[f]
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", f, orDash(values[f]), p.Source, orDash(p.Why))
	}
	for _, s := range append(append([]string(nil), r.Warnings...), out.Notes...) {
		fmt.Fprintln(tw, "note: "+s)
	}
	fmt.Fprintln(tw, "\nFor the assessment JSON alone: meshwise import ... --assessment-only > assessment.json")
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
