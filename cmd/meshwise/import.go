package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"meshwise/model/cluster"
)

// runImport derives an assessment from kubectl JSON files:
//
//	meshwise import --pods pods.json --nodes nodes.json [--deployments F] [--services F] [--namespaces F] [--hash-names] > assessment.json
//
// The assessment goes to stdout, a summary to stderr.
func runImport(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var files []string
	for _, kind := range []string{"pods", "nodes", "deployments", "services", "namespaces"} {
		fs.Func(kind, "output of kubectl get "+kind+" -o json (-A where namespaced)", func(v string) error {
			files = append(files, v)
			return nil
		})
	}
	hash := fs.Bool("hash-names", false, "replace namespace names with a hash")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	files = append(files, fs.Args()...)
	if len(files) == 0 {
		return usageError{"usage: meshwise import --pods pods.json --nodes nodes.json [--deployments F] [--services F] [--namespaces F] [--hash-names]"}
	}
	inv := cluster.New(*hash)
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			return usageError{fmt.Sprintf("import: %v", err)}
		}
		err = inv.Read(f, fh)
		fh.Close()
		if err != nil {
			return usageError{"import: " + err.Error()}
		}
	}
	a := inv.Assessment()
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(a); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "read %d file(s): %d pods to mesh in %d namespaces, %d services, %d nodes; existing mesh: %s\n",
		len(files), a.Pods, a.Namespaces, inv.Services, inv.Nodes, inv.Mesh.Detected())
	return nil
}
