// Package migrations holds the SQL schema of meshwise as goose migrations,
// embedded so the binary carries its own schema.
package migrations

import "embed"

// FS holds every migration file, applied in file-name order.
//
//go:embed *.sql
var FS embed.FS
