package model

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ValidClusterName checks an AKS cluster name against Azure's rules for
// Microsoft.ContainerService/managedClusters: 1 to 63 characters; letters,
// digits, underscores and hyphens; starting and ending with a letter or a
// digit. The error is the message for the field.
func ValidClusterName(s string) error {
	if s == "" || len(s) > 63 {
		return errors.New("must be 1 to 63 characters (AKS naming rules)")
	}
	for _, r := range s {
		if !(isASCIIAlnum(r) || r == '_' || r == '-') {
			return errors.New("may hold only letters, digits, underscores and hyphens (AKS naming rules)")
		}
	}
	if !isASCIIAlnum(rune(s[0])) || !isASCIIAlnum(rune(s[len(s)-1])) {
		return errors.New("must start and end with a letter or a digit (AKS naming rules)")
	}
	return nil
}

// ValidResourceGroup checks a resource group name against Azure's rules: 1
// to 90 characters; letters and digits (Unicode), underscores, hyphens,
// periods and parentheses; not ending with a period.
func ValidResourceGroup(s string) error {
	if s == "" || utf8.RuneCountInString(s) > 90 {
		return errors.New("must be 1 to 90 characters (Azure naming rules)")
	}
	for _, r := range s {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("_-.()", r)) {
			return errors.New("may hold only letters, digits, underscores, hyphens, periods and parentheses (Azure naming rules)")
		}
	}
	if strings.HasSuffix(s, ".") {
		return errors.New("must not end with a period (Azure naming rules)")
	}
	return nil
}

func isASCIIAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// shellQuote makes one word safe to paste into a POSIX shell: left bare
// when it holds only characters no shell treats specially, otherwise in
// single quotes, inside which nothing is special (a quote itself is closed,
// escaped and reopened).
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(isASCIIAlnum(r) || strings.ContainsRune("_-./:=@,+", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
