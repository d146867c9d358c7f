package model

import "fmt"

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

// Placeholders the team fills in; the cluster comes from the assessment.
const (
	phResourceGroup = "<resource-group>"
	phNamespace     = "<pilot-namespace>"
	phService       = "<service>"
)

// AddonRevision is the AKS Istio add-on revision the commands label with
// (asm-1-30 supports AKS 1.32-1.36; REFERENCE.md, istio-support-policy).
const AddonRevision = "asm-1-30"

// PlanNextSteps returns the pilot and rollback commands for an option.
func PlanNextSteps(a Assessment, optionID string) NextSteps {
	cluster := a.Cluster
	if cluster == "" {
		cluster = "<cluster>"
	}
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
			sh("Enable the managed Istio add-on", "az aks mesh enable --resource-group %s --name %s\naz aks show --resource-group %s --name %s --query serviceMeshProfile", phResourceGroup, cluster, phResourceGroup, cluster),
			sh("Onboard one pilot namespace", "kubectl label namespace %s istio.io/rev=%s --overwrite\nkubectl rollout restart deployment -n %s", phNamespace, AddonRevision, phNamespace),
			yaml("Send 10%% to v2 (VirtualService and DestinationRule)", `apiVersion: networking.istio.io/v1
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
			sh("Sidecars injected and ready", "kubectl get pods -n %s -o jsonpath='{range .items[*]}{.metadata.name}{\"\\t\"}{.spec.containers[*].name}{\"\\n\"}{end}'", phNamespace),
			sh("Proxy requests actually reserved", "kubectl get pods -n %s -o jsonpath='{range .items[*].spec.containers[?(@.name==\"istio-proxy\")]}{.resources.requests}{\"\\n\"}{end}'", phNamespace),
		}
		ns.Rollback = []Snippet{
			sh("Return all traffic to v1", "kubectl delete virtualservice %s -n %s\nkubectl delete destinationrule %s -n %s", phService, phNamespace, phService, phNamespace),
			sh("Take the namespace out of the mesh", "kubectl label namespace %s istio.io/rev-\nkubectl rollout restart deployment -n %s", phNamespace, phNamespace),
			sh("Remove the add-on (after every namespace is out)", "az aks mesh disable --resource-group %s --name %s", phResourceGroup, cluster),
		}
	case OptionIstioAmbient:
		ns.Pilot = []Snippet{
			sh("Install Istio ambient (self-managed)", "istioctl install --set profile=ambient --skip-confirmation"),
			sh("Onboard one pilot namespace, with a waypoint for L7", "kubectl label namespace %s istio.io/dataplane-mode=ambient\nistioctl waypoint apply -n %s --enroll-namespace", phNamespace, phNamespace),
		}
		ns.Evidence = []Snippet{sh("ztunnel sees the workloads", "istioctl ztunnel-config workloads | grep %s", phNamespace)}
		ns.Rollback = []Snippet{
			sh("Take the namespace out of the mesh", "istioctl waypoint delete --all -n %s\nkubectl label namespace %s istio.io/dataplane-mode-", phNamespace, phNamespace),
			sh("Uninstall", "istioctl uninstall --purge --skip-confirmation"),
		}
	case OptionLinkerd:
		ns.Pilot = []Snippet{
			sh("Install Linkerd (self-managed, HA values)", "linkerd install --crds | kubectl apply -f -\nlinkerd install --ha | kubectl apply -f -\nlinkerd check"),
			sh("Onboard one pilot namespace", "kubectl annotate namespace %s linkerd.io/inject=enabled\nkubectl rollout restart deployment -n %s", phNamespace, phNamespace),
		}
		ns.Evidence = []Snippet{sh("Proxies meshed and healthy", "linkerd check --proxy -n %s", phNamespace)}
		ns.Rollback = []Snippet{
			sh("Take the namespace out of the mesh", "kubectl annotate namespace %s linkerd.io/inject-\nkubectl rollout restart deployment -n %s", phNamespace, phNamespace),
			sh("Uninstall", "linkerd uninstall | kubectl delete -f -"),
		}
	case OptionCilium:
		ns.Pilot = []Snippet{
			sh("Enable Advanced Container Networking Services", "az aks update --resource-group %s --name %s --enable-acns", phResourceGroup, cluster),
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
		ns.Evidence = []Snippet{sh("Policies in force", "kubectl get ciliumnetworkpolicies -n %s", phNamespace)}
		ns.Rollback = []Snippet{sh("Remove the policy", "kubectl delete ciliumnetworkpolicy api-allow-get -n %s", phNamespace)}
	case OptionAppNet:
		ns.Pilot = []Snippet{
			sh("Register the preview and install the CLI extension (az CLI 2.84.0+)", "az feature register --namespace Microsoft.AppLink --name PublicPreview\naz provider register --namespace Microsoft.AppLink\naz extension add --name appnet-preview"),
			sh("Prerequisites on the cluster: OIDC issuer, Entra ID, Managed Gateway API", "az aks update --resource-group %s --name %s --enable-oidc-issuer --enable-aad --enable-gateway-api", phResourceGroup, cluster),
			sh("Create the Application Network and join the cluster (self-managed upgrades)", "az appnet create -g %s -n <appnet> -l <location> --identity-type SystemAssigned\naz appnet member join -g %s --appnet-name <appnet> --member-name %s --member-resource-id $(az aks show -g %s -n %s --query id -o tsv) --upgrade-mode SelfManaged", phResourceGroup, phResourceGroup, cluster, phResourceGroup, cluster),
			sh("Onboard one pilot namespace", "kubectl label namespace %s istio.io/dataplane-mode=ambient", phNamespace),
		}
		ns.Evidence = []Snippet{sh("Member joined; ztunnel and Istio CNI running", "az appnet member show -g %s --appnet-name <appnet> --member-name %s\nkubectl get pods -n applink-system", phResourceGroup, cluster)}
		ns.Rollback = []Snippet{
			sh("Take the namespace out of the mesh", "kubectl label namespace %s istio.io/dataplane-mode-", phNamespace),
			sh("Leave the Application Network", "az appnet member remove -g %s --appnet-name <appnet> --member-name %s", phResourceGroup, cluster),
		}
	case OptionCiliumMTLS:
		ns.Pilot = []Snippet{
			sh("Enable ACNS with Cilium mTLS (preview; restarts the Cilium agent on every node)", "az feature register --namespace Microsoft.ContainerService --name AdvancedNetworkingmTLSPreview\naz aks update --resource-group %s --name %s --enable-acns --acns-transit-encryption-type mTLS", phResourceGroup, cluster),
			sh("Enrol one pilot namespace", "kubectl label namespace %s io.cilium/mtls-enabled=true", phNamespace),
		}
		ns.Evidence = []Snippet{sh("ztunnel and SPIRE running", "kubectl get pods -n kube-system | grep -E 'ztunnel|spire'")}
		ns.Rollback = []Snippet{sh("Take the namespace out of mTLS", "kubectl label namespace %s io.cilium/mtls-enabled-", phNamespace)}
	case OptionIngressCanary:
		ns.Pilot = []Snippet{
			yaml("Send 10%% to the canary at the edge (HTTPRoute weights)", `apiVersion: gateway.networking.k8s.io/v1
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
		ns.Evidence = []Snippet{sh("Route accepted by the gateway", "kubectl get httproute %s -n %s -o jsonpath='{.status.parents[*].conditions}'", phService, phNamespace)}
		ns.Rollback = []Snippet{sh("All traffic back to v1", "kubectl patch httproute %s -n %s --type=json -p='[{\"op\":\"replace\",\"path\":\"/spec/rules/0/backendRefs/0/weight\",\"value\":100},{\"op\":\"replace\",\"path\":\"/spec/rules/0/backendRefs/1/weight\",\"value\":0}]'", phService, phNamespace)}
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
		ns.Evidence = []Snippet{sh("Policies in force", "kubectl get networkpolicy -n %s", phNamespace)}
		ns.Rollback = []Snippet{sh("Remove the policy", "kubectl delete networkpolicy default-deny -n %s", phNamespace)}
	}
	return ns
}
