package ledger

import (
	"encoding/hex"
	"io"
)

func ioPipe() (*io.PipeReader, *io.PipeWriter) { return io.Pipe() }

func hexOf(b []byte) string { return hex.EncodeToString(b) }
