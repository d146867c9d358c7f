package model

import "fmt"

// compatRule marks an option not advised when something it cannot run
// beside is there, or something it needs is not.
type compatRule struct {
	option  string
	applies func(a Assessment) bool
	text    string
	source  string
}

// Sources of the compatibility rules (REFERENCE.md, "2026 landscape").
const (
	srcIstioAbout   = "REFERENCE.md: AKS istio-about, istio-gateway-api (cannot coexist with)"
	srcAppNet       = "REFERENCE.md: application-network overview.md, get-started.md"
	srcAppNetGwAPI  = "REFERENCE.md: app-routing-gateway-api.md Limitations (derived: Istio CRDs present)"
	srcCiliumMTLS   = "REFERENCE.md: container-network-security-cilium-mutual-tls-concepts.md, -how-to.md"
	srcGatewayAPI   = "REFERENCE.md: app-routing-gateway-api.md (coexistence)"
	srcPreviewTerms = "REFERENCE.md: AKS preview terms (no SLA)"
)

var compatRules = []compatRule{
	{OptionIstioSidecar, func(a Assessment) bool { return a.Running.OSMAddon }, "The Istio add-on cannot run beside the OSM add-on: retire OSM first.", srcIstioAbout},
	{OptionIstioSidecar, func(a Assessment) bool { return a.Running.SelfManagedIstio }, "The Istio add-on cannot run beside self-managed Istio.", srcIstioAbout},
	{OptionIstioSidecar, func(a Assessment) bool { return a.Running.ACNSL7Policies }, "The Istio add-on cannot run beside ACNS L7 policies.", srcIstioAbout},
	{OptionIstioSidecar, func(a Assessment) bool { return a.Running.AppRoutingGatewayAPI }, "The Istio add-on cannot run beside App Routing Gateway API.", srcIstioAbout},
	{OptionIstioAmbient, func(a Assessment) bool { return a.Running.IstioAddon }, "Self-managed Istio cannot run beside the Istio add-on.", srcIstioAbout},
	{OptionAppNet, func(a Assessment) bool { return a.Running.IstioAddon }, "A cluster with the Istio add-on cannot join Application Network: disable the add-on first.", srcAppNet},
	{OptionAppNet, func(a Assessment) bool { return a.Running.AppRoutingGatewayAPI }, "App Routing Gateway API fails to start while Istio CRDs are present, which Application Network installs.", srcAppNetGwAPI},
	{OptionAppNet, func(a Assessment) bool { return a.Running.PrivateCluster }, "Application Network does not support private clusters.", srcAppNet},
	{OptionAppNet, func(a Assessment) bool { return a.Running.WindowsNodes }, "Application Network supports Linux nodes only; Windows node pools are not supported.", srcAppNet},
	{OptionAppNet, func(a Assessment) bool { return a.KubernetesMinor > 0 && a.KubernetesMinor < 30 }, "Application Network needs AKS 1.30 or later.", srcAppNet},
	{OptionCiliumMTLS, func(a Assessment) bool { return !a.CiliumCNI }, "Cilium mTLS needs Azure CNI powered by Cilium with ACNS; the cluster's CNI would have to change first.", srcCiliumMTLS},
	{OptionCiliumMTLS, func(a Assessment) bool { return a.Running.WireGuard }, "Cilium mTLS cannot run with WireGuard encryption.", srcCiliumMTLS},
	{OptionCiliumMTLS, func(a Assessment) bool { return a.Running.IstioAddon || a.Running.SelfManagedIstio }, "Cilium mTLS cannot run with Istio.", srcCiliumMTLS},
	{OptionCiliumMTLS, func(a Assessment) bool { return a.Running.ACNSL7Policies }, "Cilium mTLS allows no L4/L7 network policy on mTLS traffic, and L7 policies are in use.", srcCiliumMTLS},
	{OptionCiliumMTLS, func(a Assessment) bool { return a.KubernetesMinor > 0 && a.KubernetesMinor < 34 }, "Cilium mTLS needs Kubernetes 1.34 or later.", srcCiliumMTLS},
	{OptionIngressCanary, func(a Assessment) bool { return a.Running.IstioAddon }, "App Routing Gateway API cannot run beside the Istio add-on.", srcGatewayAPI},
}

// compatibilityReasons are the rules that mark an option not advised, and
// the preview rule: a preview needs the team's acknowledgement before it is
// advised for production.
func compatibilityReasons(a Assessment, o OptionEstimate) []Reason {
	var out []Reason
	for _, r := range compatRules {
		if r.option == o.ID && r.applies(a) {
			out = append(out, Reason{Rule: "compatibility", Text: r.text, Source: r.source, Weight: -100, Blocks: true})
		}
	}
	if o.Preview {
		if a.Needs.AcceptPreview {
			out = append(out, Reason{Rule: "preview", Text: "Public preview (no SLA), accepted for production.", Source: srcPreviewTerms, Weight: -5})
		} else {
			out = append(out, Reason{Rule: "preview", Text: fmt.Sprintf("%s is a public preview (no SLA): a production decision must acknowledge it (step 2).", o.Name), Source: srcPreviewTerms, Weight: -100, Blocks: true})
		}
	}
	return out
}
