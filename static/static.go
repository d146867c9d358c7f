// Package static holds meshwise's stylesheets, scripts and icons, embedded in
// the binary and served under content-hashed paths so browsers may cache
// them forever.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed css icons
var files embed.FS

// Prefix is the URL path under which assets are served.
const Prefix = "/static/"

// Assets maps asset names to their content-hashed URLs.
type Assets struct {
	fsys   fs.FS
	hashes map[string]string // name → first 12 hex digits of its SHA-256
}

// Load hashes every embedded file once.
func Load() (*Assets, error) {
	a := &Assets{fsys: files, hashes: map[string]string{}}
	err := fs.WalkDir(files, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(files, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		a.hashes[name] = hex.EncodeToString(sum[:])[:12]
		return nil
	})
	return a, err
}

// URL returns the versioned URL of the named asset, e.g.
// "/static/3f2a1b9c0d4e/css/meshwise.css". It panics on an unknown name so a
// typo fails the first test that renders the page.
func (a *Assets) URL(name string) string {
	h, ok := a.hashes[name]
	if !ok {
		panic("static: unknown asset " + name)
	}
	return Prefix + h + "/" + name
}

// ServeHTTP serves /static/{hash}/{name}. A matching hash is cached for a
// year as immutable; a stale hash (an old page after a deploy) still gets the
// current file but is not cached, and an unknown name is 404.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, Prefix)
	hash, name, ok := strings.Cut(rest, "/")
	name = path.Clean(name)
	current, known := a.hashes[name]
	if !ok || !known {
		http.NotFound(w, r)
		return
	}
	if hash == current {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	http.ServeFileFS(w, r, a.fsys, name)
}
