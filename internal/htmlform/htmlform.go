// Package htmlform reads an HTML form the way a browser would submit it, so
// programs that drive meshwise over HTTP (the load benchmark, the replica
// test) fill in its real forms instead of guessing field names.
package htmlform

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// Values returns the successful controls of the first form whose action is
// action, as a browser would send them: text-like inputs and hidden ones,
// checked checkboxes and radios, the selected option of each select (or its
// first), and textareas. Buttons and disabled controls are left out.
func Values(page []byte, action string) (url.Values, error) {
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return nil, err
	}
	form := find(doc, func(n *html.Node) bool { return n.Data == "form" && attr(n, "action") == action })
	if form == nil {
		return nil, fmt.Errorf("htmlform: no form with action %q", action)
	}
	v := url.Values{}
	walk(form, func(n *html.Node) {
		name := attr(n, "name")
		if name == "" || hasAttr(n, "disabled") {
			return
		}
		switch n.Data {
		case "input":
			switch strings.ToLower(attr(n, "type")) {
			case "submit", "button", "reset", "image", "file":
			case "checkbox", "radio":
				if hasAttr(n, "checked") {
					value := attr(n, "value")
					if !hasAttr(n, "value") {
						value = "on"
					}
					v.Add(name, value)
				}
			default:
				v.Add(name, attr(n, "value"))
			}
		case "textarea":
			v.Add(name, text(n))
		case "select":
			var first, chosen *html.Node
			walk(n, func(o *html.Node) {
				if o.Data != "option" {
					return
				}
				if first == nil {
					first = o
				}
				if chosen == nil && hasAttr(o, "selected") {
					chosen = o
				}
			})
			if chosen == nil {
				chosen = first
			}
			if chosen != nil {
				value := attr(chosen, "value")
				if !hasAttr(chosen, "value") {
					value = strings.TrimSpace(text(chosen))
				}
				v.Add(name, value)
			}
		}
	})
	return v, nil
}

func find(n *html.Node, match func(*html.Node) bool) *html.Node {
	if n.Type == html.ElementNode && match(n) {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := find(c, match); f != nil {
			return f
		}
	}
	return nil
}

func walk(n *html.Node, visit func(*html.Node)) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			visit(c)
		}
		walk(c, visit)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func text(n *html.Node) string {
	var b strings.Builder
	var collect func(*html.Node)
	collect = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			collect(c)
		}
	}
	collect(n)
	return b.String()
}
