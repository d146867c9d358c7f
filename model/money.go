package model

import (
	"strings"

	"github.com/shopspring/decimal"
)

var currencySymbols = map[string]string{"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "AUD": "A$", "CAD": "C$"}

// FormatMoney writes an amount for people: the currency's symbol (or its
// code), thousands separators and cents, e.g. "$1,868.93", "-€12.50",
// "CHF 1,234.00".
func FormatMoney(d decimal.Decimal, currency string) string {
	neg := d.IsNegative()
	s := d.Abs().StringFixed(2)
	whole, cents, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := CurrencyPrefix(currency) + b.String() + "." + cents
	if neg {
		out = "-" + out
	}
	return out
}

// CurrencyPrefix is what goes before an amount: the symbol ("$") or the
// code and a space ("CHF ").
func CurrencyPrefix(currency string) string {
	if sym, ok := currencySymbols[currency]; ok {
		return sym
	}
	return currency + " "
}
