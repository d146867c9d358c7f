package model

import (
	"fmt"
	"strings"
)

// Snippet is one command block or manifest of a next step.
type Snippet struct {
	Title string `json:"title"`
	Lang  string `json:"lang"` // "sh" or "yaml"
	Code  string `json:"code"`
}

// NextSteps are what a team runs to pilot an option in one namespace, and
// to roll the pilot back. They become the record's validation packet.
type NextSteps struct {
	OptionID string    `json:"option_id"`
	Pilot    []Snippet `json:"pilot"`
	Evidence []Snippet `json:"evidence"`
	Rollback []Snippet `json:"rollback"`
}

// Placeholders the team fills in; the cluster and resource group come from
// the assessment (or the propose form) when entered. In shell commands every
// value, placeholders included, goes through shellQuote: an unquoted
// "<resource-group>" would be a redirection.
const (
	phResourceGroup = "<resource-group>"
	phCluster       = "<cluster>"
	phNamespace     = "<pilot-namespace>"
	phService       = "<service>"
	phAppNet        = "<appnet>"
	phLocation      = "<location>"
)

// AddonRevision is the AKS Istio add-on revision the commands label with
// (asm-1-30 supports AKS 1.32-1.36; REFERENCE.md, istio-support-policy).
const AddonRevision = "asm-1-30"

// PlanNextSteps returns the pilot and rollback commands for an option.
// Shell commands are built from validated names, each shell-quoted, so no
// accepted cluster or resource-group name can change what a command does.
func PlanNextSteps(a Assessment, optionID string) NextSteps {
	cluster, rg := phCluster, phResourceGroup
	if c := strings.TrimSpace(a.Cluster); c != "" && ValidClusterName(c) == nil {
		cluster = c
	}
	if r := strings.TrimSpace(a.ResourceGroup); r != "" && ValidResourceGroup(r) == nil {
		rg = r
	}
	// Quoted forms for shell; YAML keeps the plain placeholders.
	qc, qrg, qns, qsvc := shellQuote(cluster), shellQuote(rg), shellQuote(phNamespace), shellQuote(phService)
	qappnet, qloc := shellQuote(phAppNet), shellQuote(phLocation)
	ns := NextSteps{OptionID: optionID}
	sh := func(title, format string, args ...any) Snippet {
		return Snippet{Title: title, Lang: "sh", Code: fmt.Sprintf(format, args...)}
	}
	yaml := func(title, format string, args ...any) Snippet {
		return Snippet{Title: title, Lang: "yaml", Code: fmt.Sprintf(format, args...)}
	}
	switch optionID {
	case OptionIstioSidecar:
		ns.Pilot = []Snippet{
			sh("Enable the managed Istio add-on", "az aks mesh enable --resource-group %s --name %s\naz aks show --resource-group %s --name %s --query serviceMeshProfile", qrg, qc, qrg, qc),
			sh("Onboard one pilot namespace", "kubectl label namespace %s istio.io/rev=%s --overwrite\nkubectl rollout restart deployment -n %s", qns, AddonRevision, qns),
			yaml("Send 10% to v2 (VirtualService and DestinationRule)", `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: %[1]s
  namespace: %[2]s
spec:
  hosts:
  - %[1]s
  http:
  - route:
    - destination:
        host: %[1]s
        subset: v1
      weight: 90
    - destination:
        host: %[1]s
        subset: v2
      weight: 10
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: %[1]s
  namespace: %[2]s
spec:
  host: %[1]s
  subsets:
  - name: v1
    labels:
      version: v1
  - name: v2
    labels:
      version: v2`, phService, phNamespace),
		}
		ns.Evidence = []Snippet{
			sh("Sidecars injected and ready", "kubectl get pods -n %s -o jsonpath='{range .items[*]}{.metadata.name}{\"\\t\"}{.spec.containers[*].name}{\"\\n\"}{end}'", qns),
			sh("Proxy requests actually reserved", "kubectl get pods -n %s -o jsonpath='{range .items[*].spec.containers[?(@.name==\"istio-proxy\")]}{.resources.requests}{\"\\n\"}{end}'", qns),
		}
		ns.Rollback = []Snippet{
			sh("Return all traffic to v1", "kubectl delete virtualservice %s -n %s\nkubectl delete destinationrule %s -n %s", qsvc, qns, qsvc, qns),
			sh("Take the namespace out of the mesh", "kubectl label namespace %s istio.io/rev-\nkubectl rollout restart deployment -n %s", qns, qns),
			sh("Remove the add-on (after every namespace is out)", "az aks mesh disable --resource-group %s --name %s", qrg, qc),
		}
	case OptionIstioAmbient:
		ns.Pilot = []Snippet{
			sh("Install Istio ambient (self-managed)", "istioctl install --set profile=ambient --skip-confirmation"),
			sh("Onboard one pilot namespace, with a waypoint for L7", "kubectl label namespace %s istio.io/dataplane-mode=ambient\nistioctl waypoint apply -n %s --enroll-namespace", qns, qns),
		}
		ns.Evidence = []Snippet{
			sh("ztunnel sees the workloads", "istioctl ztunnel-config workloads | grep %s", qns),
			sh("The AKS Istio add-on stays off (it cannot run beside self-managed Istio)", "az aks show --resource-group %s --name %s --query serviceMeshProfile.mode -o tsv", qrg, qc),
		}
		ns.Rollback = []Snippet{
			sh("Take the namespace out of the mesh", "istioctl waypoint delete --all -n %s\nkubectl label namespace %s istio.io/dataplane-mode-", qns, qns),
			sh("Uninstall", "istioctl uninstall --purge --skip-confirmation"),
		}
	case OptionLinkerd:
		ns.Pilot = []Snippet{
			sh("Install Linkerd (self-managed, HA values)", "linkerd install --crds | kubectl apply -f -\nlinkerd install --ha | kubectl apply -f -\nlinkerd check"),
			sh("Onboard one pilot namespace", "kubectl annotate namespace %s linkerd.io/inject=enabled\nkubectl rollout restart deployment -n %s", qns, qns),
		}
		ns.Evidence = []Snippet{sh("Proxies meshed and healthy", "linkerd check --proxy -n %s", qns)}
		ns.Rollback = []Snippet{
			sh("Take the namespace out of the mesh", "kubectl annotate namespace %s linkerd.io/inject-\nkubectl rollout restart deployment -n %s", qns, qns),
			sh("Uninstall", "linkerd uninstall | kubectl delete -f -"),
		}
	case OptionCilium:
		ns.Pilot = []Snippet{
			sh("Enable Advanced Container Networking Services", "az aks update --resource-group %s --name %s --enable-acns", qrg, qc),
			yaml("Allow only GET from the frontend to the API (L7 policy)", `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: api-allow-get
  namespace: %s
spec:
  endpointSelector:
    matchLabels:
      app: api
  ingress:
  - fromEndpoints:
    - matchLabels:
        app: frontend
    toPorts:
    - ports:
      - port: "8080"
        protocol: TCP
      rules:
        http:
        - method: GET
          path: "/api/v1/.*"`, phNamespace),
		}
		ns.Evidence = []Snippet{sh("Policies in force", "kubectl get ciliumnetworkpolicies -n %s", qns)}
		ns.Rollback = []Snippet{sh("Remove the policy", "kubectl delete ciliumnetworkpolicy api-allow-get -n %s", qns)}
	case OptionAppNet:
		ns.Pilot = []Snippet{
			sh("Register the preview and install the CLI extension (az CLI 2.84.0+)", "az feature register --namespace Microsoft.AppLink --name PublicPreview\naz provider register --namespace Microsoft.AppLink\naz extension add --name appnet-preview"),
			sh("Prerequisites on the cluster: OIDC issuer, Entra ID, Managed Gateway API", "az aks update --resource-group %s --name %s --enable-oidc-issuer --enable-aad --enable-gateway-api", qrg, qc),
			sh("Create the Application Network and join the cluster (self-managed upgrades)", "az appnet create -g %[1]s -n %[3]s -l %[4]s --identity-type SystemAssigned\naz appnet member join -g %[1]s --appnet-name %[3]s --member-name %[2]s --member-resource-id \"$(az aks show -g %[1]s -n %[2]s --query id -o tsv)\" --upgrade-mode SelfManaged", qrg, qc, qappnet, qloc),
			sh("Onboard one pilot namespace", "kubectl label namespace %s istio.io/dataplane-mode=ambient", qns),
		}
		ns.Evidence = []Snippet{sh("Member joined; ztunnel and Istio CNI running", "az appnet member show -g %s --appnet-name %s --member-name %s\nkubectl get pods -n applink-system", qrg, qappnet, qc)}
		ns.Rollback = []Snippet{
			sh("Take the namespace out of the mesh", "kubectl label namespace %s istio.io/dataplane-mode-", qns),
			sh("Leave the Application Network", "az appnet member remove -g %s --appnet-name %s --member-name %s", qrg, qappnet, qc),
		}
	case OptionCiliumMTLS:
		ns.Pilot = []Snippet{
			sh("Enable ACNS with Cilium mTLS (preview; restarts the Cilium agent on every node)", "az feature register --namespace Microsoft.ContainerService --name AdvancedNetworkingmTLSPreview\naz aks update --resource-group %s --name %s --enable-acns --acns-transit-encryption-type mTLS", qrg, qc),
			sh("Enrol one pilot namespace", "kubectl label namespace %s io.cilium/mtls-enabled=true", qns),
		}
		ns.Evidence = []Snippet{sh("ztunnel and SPIRE running", "kubectl get pods -n kube-system | grep -E 'ztunnel|spire'")}
		ns.Rollback = []Snippet{sh("Take the namespace out of mTLS", "kubectl label namespace %s io.cilium/mtls-enabled-", qns)}
	case OptionIngressCanary:
		ns.Pilot = []Snippet{
			yaml("Send 10% to the canary at the edge (HTTPRoute weights)", `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: %[1]s
  namespace: %[2]s
spec:
  parentRefs:
  - name: <gateway>
  rules:
  - backendRefs:
    - name: %[1]s-v1
      port: 80
      weight: 90
    - name: %[1]s-v2
      port: 80
      weight: 10`, phService, phNamespace),
		}
		ns.Evidence = []Snippet{sh("Route accepted by the gateway", "kubectl get httproute %s -n %s -o jsonpath='{.status.parents[*].conditions}'", qsvc, qns)}
		ns.Rollback = []Snippet{sh("All traffic back to v1", "kubectl patch httproute %s -n %s --type=json -p='[{\"op\":\"replace\",\"path\":\"/spec/rules/0/backendRefs/0/weight\",\"value\":100},{\"op\":\"replace\",\"path\":\"/spec/rules/0/backendRefs/1/weight\",\"value\":0}]'", qsvc, qns)}
	default:
		ns.Pilot = []Snippet{
			yaml("Deny by default in the pilot namespace, then allow what is needed", `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: %s
spec:
  podSelector: {}
  policyTypes:
  - Ingress`, phNamespace),
		}
		ns.Evidence = []Snippet{sh("Policies in force", "kubectl get networkpolicy -n %s", qns)}
		ns.Rollback = []Snippet{sh("Remove the policy", "kubectl delete networkpolicy default-deny -n %s", qns)}
	}
	// Every pilot starts by pointing kubectl at the assessed cluster.
	connect := sh("Point kubectl at the cluster", "az aks get-credentials --resource-group %s --name %s", qrg, qc)
	ns.Pilot = append([]Snippet{connect}, ns.Pilot...)
	return ns
}
