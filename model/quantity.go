package model

import (
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// Cores is an amount of CPU, held exactly as micro-cores and shown in cores.
// Integer arithmetic keeps the engine exact and fast; decimals appear only
// where money is computed or a figure is shown.
type Cores int64

// GiB is an amount of memory, held exactly as bytes and shown in GiB.
type GiB int64

// Decimal returns the exact number of cores.
func (c Cores) Decimal() decimal.Decimal { return decimal.New(int64(c), -6) }

// String is the exact number of cores, e.g. "12.2".
func (c Cores) String() string { return fixedString(int64(c), 6) }

// MarshalText writes the exact value; in JSON it is a string, like every
// decimal.
func (c Cores) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText reads a number of cores, to the micro-core.
func (c *Cores) UnmarshalText(b []byte) error {
	d, err := decimal.NewFromString(string(b))
	if err != nil {
		return err
	}
	*c = Cores(d.Shift(6).Round(0).IntPart())
	return nil
}

// Decimal returns the exact number of GiB.
func (g GiB) Decimal() decimal.Decimal { return bytesToGiB(int64(g)) }

// String is the exact number of GiB, e.g. "12.5".
func (g GiB) String() string {
	if m := int64(g) / mib; int64(g)%mib == 0 && m < 1<<39 {
		return fixedString(m*9_765_625, 10) // MiB / 1024 = MiB x 5^10 / 10^10
	}
	return g.Decimal().String()
}

// MarshalText writes the exact value.
func (g GiB) MarshalText() ([]byte, error) { return []byte(g.String()), nil }

// UnmarshalText reads a number of GiB, to the byte.
func (g *GiB) UnmarshalText(b []byte) error {
	d, err := decimal.NewFromString(string(b))
	if err != nil {
		return err
	}
	*g = GiB(d.Mul(decimal.NewFromInt(gib)).Round(0).IntPart())
	return nil
}

// fixedString formats n / 10^places without trailing zeros.
func fixedString(n int64, places int) string {
	neg := n < 0
	if neg {
		n = -n
	}
	s := strconv.FormatInt(n, 10)
	if len(s) <= places {
		s = strings.Repeat("0", places-len(s)+1) + s
	}
	whole, frac := s[:len(s)-places], strings.TrimRight(s[len(s)-places:], "0")
	if frac != "" {
		whole += "." + frac
	}
	if neg {
		whole = "-" + whole
	}
	return whole
}
