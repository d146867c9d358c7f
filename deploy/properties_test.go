package deploy

import (
	"fmt"
	"net/netip"
	"net/url"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Names the checks rely on. The app container serves meshwise; the proxy
// container is oauth2-proxy in the same pod.
const (
	appContainer   = "meshwise"
	proxyContainer = "oauth2-proxy"
	integrityAlert = "meshwise_log_integrity_failures_total"
)

// check returns every broken promise of a built kustomization, each naming
// the object and what is wrong.
func check(m *manifests) []error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if len(m.Deployments) != 1 || len(m.Jobs) != 1 {
		fail("want one Deployment and one migration Job, got %d and %d", len(m.Deployments), len(m.Jobs))
		return errs
	}
	d, job := m.Deployments[0], m.Jobs[0]
	pod := &d.Spec.Template.Spec
	app, proxy := container(pod, appContainer), container(pod, proxyContainer)
	if app == nil || proxy == nil {
		fail("deployment %s: want containers %q and %q", d.Name, appContainer, proxyContainer)
		return errs
	}
	podLabels := labels.Set(d.Spec.Template.Labels)

	// Availability: replicas, spread, disruption budget, autoscaler.
	if d.Spec.Replicas == nil || *d.Spec.Replicas < 2 {
		fail("deployment %s: replicas must be at least 2", d.Name)
	}
	if sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector); err != nil || !sel.Matches(podLabels) {
		fail("deployment %s: selector does not match its pod labels", d.Name)
	}
	for _, key := range []string{"topology.kubernetes.io/zone", "kubernetes.io/hostname"} {
		i := slices.IndexFunc(pod.TopologySpreadConstraints, func(c corev1.TopologySpreadConstraint) bool { return c.TopologyKey == key })
		if i < 0 {
			fail("deployment %s: no topology spread over %s", d.Name, key)
			continue
		}
		if !selects(pod.TopologySpreadConstraints[i].LabelSelector, podLabels) {
			fail("deployment %s: topology spread over %s does not select its own pods", d.Name, key)
		}
	}
	errs = append(errs, checkPDB(m, d, podLabels)...)
	errs = append(errs, checkHPA(m, d)...)

	// Each container: probes, resources, non-root, read-only root.
	for _, c := range pod.Containers {
		if c.LivenessProbe == nil || c.LivenessProbe.HTTPGet == nil {
			fail("deployment %s container %s: no HTTP liveness probe", d.Name, c.Name)
		}
		if c.ReadinessProbe == nil || c.ReadinessProbe.HTTPGet == nil {
			fail("deployment %s container %s: no HTTP readiness probe", d.Name, c.Name)
		}
	}
	appPort := containerPort(app, "app")
	if p := app.LivenessProbe; p != nil && p.HTTPGet != nil && (p.HTTPGet.Path != "/healthz" || resolvePort(app, p.HTTPGet.Port) != appPort) {
		fail("deployment %s container %s: liveness probe must GET /healthz on port %d", d.Name, app.Name, appPort)
	}
	if p := app.ReadinessProbe; p != nil && p.HTTPGet != nil && (p.HTTPGet.Path != "/readyz" || resolvePort(app, p.HTTPGet.Port) != appPort) {
		fail("deployment %s container %s: readiness probe must GET /readyz on port %d", d.Name, app.Name, appPort)
	}
	errs = append(errs, checkPodHardening("deployment "+d.Name, pod)...)
	errs = append(errs, checkPodHardening("job "+job.Name, &job.Spec.Template.Spec)...)
	if pod.AutomountServiceAccountToken == nil || *pod.AutomountServiceAccountToken {
		fail("deployment %s: mounts a Kubernetes API token it never uses", d.Name)
	}

	errs = append(errs, checkDatabase(d, job, app)...)
	errs = append(errs, checkSigningKey(m, d, app)...)
	errs = append(errs, checkProxy(m, d, app, proxy, podLabels)...)
	errs = append(errs, checkNetworkPolicies(m, d, job, app, proxy)...)
	errs = append(errs, checkAlerts(m)...)
	return errs
}

func checkPDB(m *manifests, d *appsv1.Deployment, podLabels labels.Set) []error {
	for _, pdb := range m.PDBs {
		if !selects(pdb.Spec.Selector, podLabels) {
			continue
		}
		switch {
		case pdb.Spec.MinAvailable != nil && pdb.Spec.MinAvailable.Type == intstr.Int:
			if n := pdb.Spec.MinAvailable.IntVal; n < 1 || d.Spec.Replicas == nil || n >= *d.Spec.Replicas {
				return []error{fmt.Errorf("pdb %s: minAvailable %d must be at least 1 and below the %s replicas, or no drain can proceed", pdb.Name, n, d.Name)}
			}
		case pdb.Spec.MaxUnavailable != nil:
		default:
			return []error{fmt.Errorf("pdb %s: set minAvailable as a number or maxUnavailable", pdb.Name)}
		}
		return nil
	}
	return []error{fmt.Errorf("no PodDisruptionBudget selects the pods of deployment %s", d.Name)}
}

func checkHPA(m *manifests, d *appsv1.Deployment) []error {
	for _, h := range m.HPAs {
		ref := h.Spec.ScaleTargetRef
		if ref.Kind != "Deployment" || ref.Name != d.Name || ref.APIVersion != "apps/v1" {
			continue
		}
		if h.Spec.MinReplicas == nil || *h.Spec.MinReplicas < 2 {
			return []error{fmt.Errorf("hpa %s: minReplicas must be at least 2", h.Name)}
		}
		if h.Spec.MaxReplicas < *h.Spec.MinReplicas || len(h.Spec.Metrics) == 0 {
			return []error{fmt.Errorf("hpa %s: needs maxReplicas ≥ minReplicas and a metric", h.Name)}
		}
		return nil
	}
	return []error{fmt.Errorf("no HorizontalPodAutoscaler scales deployment %s", d.Name)}
}

// checkPodHardening: non-root, no privilege escalation, no capabilities,
// read-only root filesystem, requests and limits, for every container.
func checkPodHardening(owner string, pod *corev1.PodSpec) []error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(owner+": "+format, args...)) }
	psc := pod.SecurityContext
	if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot {
		fail("pod is not non-root: set securityContext.runAsNonRoot: true")
	}
	if psc != nil && psc.RunAsUser != nil && *psc.RunAsUser == 0 {
		fail("pod runs as user 0 (root)")
	}
	if psc == nil || psc.SeccompProfile == nil || psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		fail("pod has no RuntimeDefault seccomp profile")
	}
	all := append(slices.Clone(pod.InitContainers), pod.Containers...)
	for _, c := range all {
		sc := c.SecurityContext
		if sc == nil {
			fail("container %s has no securityContext", c.Name)
			continue
		}
		if sc.RunAsNonRoot != nil && !*sc.RunAsNonRoot {
			fail("container %s is not non-root: runAsNonRoot is false", c.Name)
		}
		if sc.RunAsUser != nil && *sc.RunAsUser == 0 {
			fail("container %s is not non-root: runs as user 0", c.Name)
		}
		if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
			fail("container %s may escalate privileges", c.Name)
		}
		if sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
			fail("container %s has a writable root filesystem", c.Name)
		}
		if sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, "ALL") || len(sc.Capabilities.Add) > 0 {
			fail("container %s keeps Linux capabilities (drop ALL, add none)", c.Name)
		}
		if sc.Privileged != nil && *sc.Privileged {
			fail("container %s is privileged", c.Name)
		}
		for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
			req, lim := c.Resources.Requests[r], c.Resources.Limits[r]
			if req.IsZero() || lim.IsZero() {
				fail("container %s needs both a %s request and a %s limit", c.Name, r, r)
			} else if req.Cmp(lim) > 0 {
				fail("container %s requests more %s than its limit", c.Name, r)
			}
		}
	}
	return errs
}

// checkDatabase: Azure Database for PostgreSQL with verify-full, no
// password in a URL, the app on the restricted role and only the Job on
// the owner role.
func checkDatabase(d *appsv1.Deployment, job *batchv1.Job, app *corev1.Container) []error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	jobPod := &job.Spec.Template.Spec
	if len(jobPod.Containers) != 1 || !slices.Equal(jobPod.Containers[0].Args, []string{"migrate"}) {
		fail("job %s: want one container running `meshwise migrate`", job.Name)
		return errs
	}
	migrate := &jobPod.Containers[0]
	if jobPod.RestartPolicy != corev1.RestartPolicyNever && jobPod.RestartPolicy != corev1.RestartPolicyOnFailure {
		fail("job %s: restartPolicy must be Never or OnFailure", job.Name)
	}
	for _, c := range []*corev1.Container{app, migrate} {
		for _, e := range c.Env {
			if e.Name != "DATABASE_URL" && e.Name != "MESHWISE_MIGRATE_DATABASE_URL" {
				continue
			}
			if err := checkDatabaseURL(e.Value); err != nil {
				fail("container %s: %s: %v", c.Name, e.Name, err)
			}
		}
	}
	if env(app, "DATABASE_URL") == nil {
		fail("deployment %s: DATABASE_URL is not set", d.Name)
	}
	if env(app, "MESHWISE_MIGRATE_DATABASE_URL") != nil {
		fail("deployment %s: the serving pods must not hold the owner role's MESHWISE_MIGRATE_DATABASE_URL", d.Name)
	}
	if env(migrate, "MESHWISE_MIGRATE_DATABASE_URL") == nil {
		fail("job %s: MESHWISE_MIGRATE_DATABASE_URL (owner role) is not set", job.Name)
	}
	appSecret, ownerSecret := secretOf(app, "PGPASSWORD"), secretOf(migrate, "PGPASSWORD")
	switch {
	case appSecret == "" || ownerSecret == "":
		fail("PGPASSWORD must come from a Secret in both deployment %s and job %s", d.Name, job.Name)
	case appSecret == ownerSecret:
		fail("deployment %s uses the owner role's credentials (secret %s): it must run as the restricted role", d.Name, appSecret)
	}
	for _, c := range d.Spec.Template.Spec.Containers {
		for _, e := range c.Env {
			if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil && e.ValueFrom.SecretKeyRef.Name == ownerSecret {
				fail("deployment %s container %s reads the owner role's secret %s", d.Name, c.Name, ownerSecret)
			}
		}
	}
	if u, p := secretOf(app, "PGUSER"), secretOf(migrate, "PGUSER"); u == "" || u != appSecret || p != ownerSecret {
		fail("PGUSER and PGPASSWORD must come from the same Secret in each of deployment %s and job %s", d.Name, job.Name)
	}
	return errs
}

func checkDatabaseURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return fmt.Errorf("not a postgres:// URL")
	}
	if _, has := u.User.Password(); has {
		return fmt.Errorf("the password is in the URL; take it from a Secret as PGPASSWORD")
	}
	if got := u.Query().Get("sslmode"); got != "verify-full" {
		return fmt.Errorf("sslmode=%q, want verify-full", got)
	}
	if !strings.HasSuffix(u.Hostname(), ".postgres.database.azure.com") {
		return fmt.Errorf("host %q is not an Azure Database for PostgreSQL server", u.Hostname())
	}
	return nil
}

// checkSigningKey: MESHWISE_SIGNING_KEY_FILE lies in a read-only mount of a
// Secret or of a Key Vault CSI volume whose provider class exists.
func checkSigningKey(m *manifests, d *appsv1.Deployment, app *corev1.Container) []error {
	e := env(app, "MESHWISE_SIGNING_KEY_FILE")
	if e == nil || !path.IsAbs(e.Value) {
		return []error{fmt.Errorf("deployment %s: MESHWISE_SIGNING_KEY_FILE must be an absolute path", d.Name)}
	}
	dir, file := path.Split(e.Value)
	i := slices.IndexFunc(app.VolumeMounts, func(vm corev1.VolumeMount) bool { return path.Clean(vm.MountPath) == path.Clean(dir) })
	if i < 0 {
		return []error{fmt.Errorf("deployment %s: nothing is mounted at %s for the signing key", d.Name, dir)}
	}
	vm := app.VolumeMounts[i]
	if !vm.ReadOnly {
		return []error{fmt.Errorf("deployment %s: the signing key mount %s must be read-only", d.Name, vm.MountPath)}
	}
	j := slices.IndexFunc(d.Spec.Template.Spec.Volumes, func(v corev1.Volume) bool { return v.Name == vm.Name })
	if j < 0 {
		return []error{fmt.Errorf("deployment %s: volume %s is not defined", d.Name, vm.Name)}
	}
	v := d.Spec.Template.Spec.Volumes[j]
	switch {
	case v.Secret != nil && v.CSI == nil:
		return nil
	case v.CSI != nil && v.Secret == nil:
		if v.CSI.Driver != "secrets-store.csi.k8s.io" || v.CSI.ReadOnly == nil || !*v.CSI.ReadOnly {
			return []error{fmt.Errorf("deployment %s: volume %s must be a read-only secrets-store.csi.k8s.io volume", d.Name, v.Name)}
		}
		class := v.CSI.VolumeAttributes["secretProviderClass"]
		for _, spc := range m.SecretProviders {
			if spc.Name != class {
				continue
			}
			objs, err := spc.objects()
			if err != nil {
				return []error{err}
			}
			if !slices.ContainsFunc(objs, func(o keyVaultObject) bool {
				return o.ObjectAlias == file || (o.ObjectAlias == "" && o.ObjectName == file)
			}) {
				return []error{fmt.Errorf("SecretProviderClass %s: no Key Vault object is mounted as %s", spc.Name, file)}
			}
			if spc.Spec.Provider != "azure" || spc.Spec.Parameters["keyvaultName"] == "" {
				return []error{fmt.Errorf("SecretProviderClass %s: want provider azure and a keyvaultName", spc.Name)}
			}
			return nil
		}
		return []error{fmt.Errorf("deployment %s: SecretProviderClass %q does not exist", d.Name, class)}
	default:
		return []error{fmt.Errorf("deployment %s: the signing key volume %s must be a Secret or a Key Vault CSI volume", d.Name, v.Name)}
	}
}

// checkProxy: everything from outside reaches oauth2-proxy (Entra ID), and
// meshwise trusts the proxy's email header from loopback only.
func checkProxy(m *manifests, d *appsv1.Deployment, app, proxy *corev1.Container, podLabels labels.Set) []error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	trusted := env(app, "MESHWISE_TRUSTED_PROXIES")
	if trusted == nil {
		fail("deployment %s: MESHWISE_TRUSTED_PROXIES is not set, so the oauth2-proxy sign-in is ignored", d.Name)
	} else {
		for _, part := range strings.Split(trusted.Value, ",") {
			p, err := netip.ParsePrefix(strings.TrimSpace(part))
			if err != nil || !p.Addr().IsLoopback() || p.Bits() != p.Addr().BitLen() {
				fail("deployment %s: MESHWISE_TRUSTED_PROXIES=%q: trust only the loopback address of the oauth2-proxy sidecar (127.0.0.1/32)", d.Name, trusted.Value)
				break
			}
		}
	}
	if h := env(app, "MESHWISE_PROXY_EMAIL_HEADER"); h == nil || h.Value != "X-Forwarded-Email" {
		fail("deployment %s: MESHWISE_PROXY_EMAIL_HEADER must be X-Forwarded-Email, the header oauth2-proxy sends", d.Name)
	}
	if s := env(app, "MESHWISE_SECURE_COOKIES"); s == nil || s.Value != "true" {
		fail("deployment %s: MESHWISE_SECURE_COOKIES must be true behind TLS", d.Name)
	}
	args := map[string]string{}
	for _, a := range proxy.Args {
		k, v, _ := strings.Cut(a, "=")
		args[k] = v
	}
	want := map[string]string{
		"--provider":          "entra-id",
		"--upstream":          fmt.Sprintf("http://127.0.0.1:%d/", containerPort(app, "app")),
		"--pass-user-headers": "true",
		"--cookie-secure":     "true",
		"--reverse-proxy":     "true",
	}
	if _, skips := args["--skip-auth-route"]; skips {
		want["--skip-auth-strip-headers"] = "true"
	}
	for k, v := range want {
		if args[k] != v {
			fail("deployment %s container %s: want %s=%s, got %q", d.Name, proxy.Name, k, v, args[k])
		}
	}
	if e := env(proxy, "OAUTH2_PROXY_OIDC_ISSUER_URL"); e == nil || !strings.HasPrefix(e.Value, "https://login.microsoftonline.com/") || !strings.HasSuffix(e.Value, "/v2.0") {
		fail("deployment %s container %s: OAUTH2_PROXY_OIDC_ISSUER_URL must be the tenant's Entra ID v2.0 issuer", d.Name, proxy.Name)
	}
	for _, key := range []string{"OAUTH2_PROXY_CLIENT_SECRET", "OAUTH2_PROXY_COOKIE_SECRET"} {
		if secretOf(proxy, key) == "" {
			fail("deployment %s container %s: %s must come from a Secret", d.Name, proxy.Name, key)
		}
	}
	proxyPort := containerPort(proxy, "proxy")
	exposed := 0
	for _, s := range m.Services {
		if len(s.Spec.Selector) == 0 || !labels.SelectorFromSet(s.Spec.Selector).Matches(podLabels) {
			continue
		}
		exposed++
		for _, p := range s.Spec.Ports {
			if got := resolvePort(proxy, p.TargetPort); got != proxyPort {
				fail("service %s port %s targets %s, not oauth2-proxy's port %d: requests would bypass the sign-in", s.Name, p.Name, p.TargetPort.String(), proxyPort)
			}
		}
	}
	if exposed == 0 {
		fail("no Service selects the pods of deployment %s", d.Name)
	}
	for _, ing := range m.Ingresses {
		for _, r := range ing.Spec.Rules {
			for _, p := range r.HTTP.Paths {
				b := p.Backend.Service
				if b == nil || !slices.ContainsFunc(m.Services, func(s *corev1.Service) bool {
					return s.Name == b.Name && slices.ContainsFunc(s.Spec.Ports, func(sp corev1.ServicePort) bool {
						return sp.Name == b.Port.Name && (b.Port.Name != "" || sp.Port == b.Port.Number)
					})
				}) {
					fail("ingress %s: path %s does not lead to a Service port that exists", ing.Name, p.Path)
				}
			}
		}
	}
	return errs
}

// checkNetworkPolicies: the serving pods accept only the proxy port and the
// metrics port, each from named peers; the Job accepts nothing; both may
// reach PostgreSQL.
func checkNetworkPolicies(m *manifests, d *appsv1.Deployment, job *batchv1.Job, app, proxy *corev1.Container) []error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	allowed := map[int32]bool{containerPort(proxy, "proxy"): true, containerPort(app, "app"): true}
	for _, target := range []struct {
		what   string
		labels labels.Set
		ingest bool
	}{
		{"deployment " + d.Name, d.Spec.Template.Labels, true},
		{"job " + job.Name, job.Spec.Template.Labels, false},
	} {
		var np *networkingv1.NetworkPolicy
		for _, p := range m.NetworkPolicies {
			if selects(&p.Spec.PodSelector, target.labels) {
				np = p
			}
		}
		if np == nil {
			fail("no NetworkPolicy selects the pods of %s", target.what)
			continue
		}
		if !slices.Contains(np.Spec.PolicyTypes, networkingv1.PolicyTypeIngress) || !slices.Contains(np.Spec.PolicyTypes, networkingv1.PolicyTypeEgress) {
			fail("networkpolicy %s: must restrict both Ingress and Egress", np.Name)
		}
		if !target.ingest && len(np.Spec.Ingress) > 0 {
			fail("networkpolicy %s: the migration Job must accept no connections", np.Name)
		}
		reachesProxy := false
		for i, rule := range np.Spec.Ingress {
			if len(rule.From) == 0 || len(rule.Ports) == 0 {
				fail("networkpolicy %s: ingress rule %d allows every peer or every port", np.Name, i)
				continue
			}
			for _, p := range rule.Ports {
				if p.Port == nil || !allowed[p.Port.IntVal] {
					fail("networkpolicy %s: ingress rule %d opens a port other than oauth2-proxy's and the metrics port", np.Name, i)
				}
				reachesProxy = reachesProxy || (p.Port != nil && p.Port.IntVal == containerPort(proxy, "proxy"))
			}
		}
		if target.ingest && !reachesProxy {
			fail("networkpolicy %s: nothing may reach oauth2-proxy", np.Name)
		}
		if !slices.ContainsFunc(np.Spec.Egress, func(r networkingv1.NetworkPolicyEgressRule) bool {
			return slices.ContainsFunc(r.Ports, func(p networkingv1.NetworkPolicyPort) bool { return p.Port != nil && p.Port.IntVal == 5432 })
		}) {
			fail("networkpolicy %s: no egress to PostgreSQL (5432)", np.Name)
		}
	}
	return errs
}

// checkAlerts: an alert fires on any decision-log integrity failure.
func checkAlerts(m *manifests) []error {
	for _, g := range m.PrometheusGroups {
		for _, r := range g.Rules {
			if r.Alert != "" && strings.Contains(r.Expr, integrityAlert) && r.Labels["severity"] != "" {
				return nil
			}
		}
	}
	return []error{fmt.Errorf("no Prometheus alert with a severity watches %s", integrityAlert)}
}

func container(pod *corev1.PodSpec, name string) *corev1.Container {
	for i := range pod.Containers {
		if pod.Containers[i].Name == name {
			return &pod.Containers[i]
		}
	}
	return nil
}

func env(c *corev1.Container, name string) *corev1.EnvVar {
	for i := range c.Env {
		if c.Env[i].Name == name {
			return &c.Env[i]
		}
	}
	return nil
}

// secretOf names the Secret an environment variable is read from, or "".
func secretOf(c *corev1.Container, name string) string {
	if e := env(c, name); e != nil && e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
		return e.ValueFrom.SecretKeyRef.Name
	}
	return ""
}

func containerPort(c *corev1.Container, name string) int32 {
	for _, p := range c.Ports {
		if p.Name == name {
			return p.ContainerPort
		}
	}
	return -1
}

// resolvePort turns a named or numbered port into the container's number.
func resolvePort(c *corev1.Container, p intstr.IntOrString) int32 {
	if p.Type == intstr.String {
		return containerPort(c, p.StrVal)
	}
	return p.IntVal
}

func selects(sel *metav1.LabelSelector, set labels.Set) bool {
	s, err := metav1.LabelSelectorAsSelector(sel)
	return err == nil && !s.Empty() && s.Matches(set)
}

// TestChecksCatchBrokenManifests breaks one promise at a time in a fresh copy
// of the built overlay and expects check to name it, so the checks above
// can fail.
func TestChecksCatchBrokenManifests(t *testing.T) {
	stream := build(t, "overlays/aks-example")
	app := func(m *manifests) *corev1.Container {
		return container(&m.Deployments[0].Spec.Template.Spec, appContainer)
	}
	cases := []struct {
		name   string
		break_ func(m *manifests)
		want   string
	}{
		{"liveness probe removed", func(m *manifests) { app(m).LivenessProbe = nil }, "no HTTP liveness probe"},
		{"readiness probe removed", func(m *manifests) { app(m).ReadinessProbe = nil }, "no HTTP readiness probe"},
		{"proxy readiness probe removed", func(m *manifests) {
			container(&m.Deployments[0].Spec.Template.Spec, proxyContainer).ReadinessProbe = nil
		}, "container oauth2-proxy: no HTTP readiness probe"},
		{"readiness probe on /healthz", func(m *manifests) { app(m).ReadinessProbe.HTTPGet.Path = "/healthz" }, "readiness probe must GET /readyz"},
		{"pod non-root setting removed", func(m *manifests) { m.Deployments[0].Spec.Template.Spec.SecurityContext.RunAsNonRoot = nil }, "pod is not non-root"},
		{"job non-root setting removed", func(m *manifests) { m.Jobs[0].Spec.Template.Spec.SecurityContext.RunAsNonRoot = nil }, "job meshwise-migrate: pod is not non-root"},
		{"container runs as root", func(m *manifests) { app(m).SecurityContext.RunAsUser = ptr(int64(0)) }, "runs as user 0"},
		{"root filesystem writable", func(m *manifests) { app(m).SecurityContext.ReadOnlyRootFilesystem = nil }, "writable root filesystem"},
		{"one replica", func(m *manifests) { m.Deployments[0].Spec.Replicas = ptr(int32(1)) }, "replicas must be at least 2"},
		{"no zone spread", func(m *manifests) { m.Deployments[0].Spec.Template.Spec.TopologySpreadConstraints = nil }, "no topology spread over topology.kubernetes.io/zone"},
		{"no memory limit", func(m *manifests) { delete(app(m).Resources.Limits, corev1.ResourceMemory) }, "memory limit"},
		{"request above limit", func(m *manifests) { app(m).Resources.Requests[corev1.ResourceCPU] = resource.MustParse("2") }, "requests more cpu than its limit"},
		{"pdb blocks every drain", func(m *manifests) { m.PDBs[0].Spec.MinAvailable = ptr(intstr.FromInt32(2)) }, "no drain can proceed"},
		{"hpa allows one replica", func(m *manifests) { m.HPAs[0].Spec.MinReplicas = ptr(int32(1)) }, "minReplicas must be at least 2"},
		{"service bypasses the proxy", func(m *manifests) { m.Services[0].Spec.Ports[0].TargetPort = intstr.FromString("app") }, "bypass the sign-in"},
		{"trusted proxies too wide", func(m *manifests) { env(app(m), "MESHWISE_TRUSTED_PROXIES").Value = "10.0.0.0/8" }, "trust only the loopback"},
		{"header the proxy does not send", func(m *manifests) { env(app(m), "MESHWISE_PROXY_EMAIL_HEADER").Value = "X-Email" }, "MESHWISE_PROXY_EMAIL_HEADER"},
		{"skipped routes keep forged headers", func(m *manifests) {
			p := container(&m.Deployments[0].Spec.Template.Spec, proxyContainer)
			p.Args = slices.DeleteFunc(p.Args, func(a string) bool { return strings.HasPrefix(a, "--skip-auth-strip-headers") })
		}, "--skip-auth-strip-headers=true"},
		{"sslmode require", func(m *manifests) {
			e := env(app(m), "DATABASE_URL")
			e.Value = strings.Replace(e.Value, "verify-full", "require", 1)
		}, `sslmode="require", want verify-full`},
		{"password in the URL", func(m *manifests) {
			env(app(m), "DATABASE_URL").Value = "postgres://meshwise:hunter2@x.postgres.database.azure.com/meshwise?sslmode=verify-full"
		}, "the password is in the URL"},
		{"app runs as the owner role", func(m *manifests) {
			env(app(m), "PGPASSWORD").ValueFrom.SecretKeyRef.Name = "meshwise-db-owner"
		}, "uses the owner role's credentials"},
		{"job has no owner URL", func(m *manifests) {
			c := &m.Jobs[0].Spec.Template.Spec.Containers[0]
			c.Env = slices.DeleteFunc(c.Env, func(e corev1.EnvVar) bool { return e.Name == "MESHWISE_MIGRATE_DATABASE_URL" })
		}, "MESHWISE_MIGRATE_DATABASE_URL (owner role) is not set"},
		{"signing key mount writable", func(m *manifests) { app(m).VolumeMounts[0].ReadOnly = false }, "must be read-only"},
		{"key vault class missing", func(m *manifests) { m.SecretProviders = nil }, `SecretProviderClass "meshwise-signing-key" does not exist`},
		{"network policy open to all", func(m *manifests) { m.NetworkPolicies[0].Spec.Ingress[0].From = nil }, "allows every peer"},
		{"job accepts connections", func(m *manifests) {
			m.NetworkPolicies[1].Spec.Ingress = m.NetworkPolicies[0].Spec.Ingress
		}, "must accept no connections"},
		{"no integrity alert", func(m *manifests) { m.PrometheusGroups = nil }, integrityAlert},
	}
	require.Empty(t, check(decode(t, stream)), "the overlay itself passes")
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := decode(t, stream)
			tc.break_(m)
			errs := check(m)
			require.NotEmpty(t, errs)
			msgs := make([]string, len(errs))
			for i, err := range errs {
				msgs[i] = err.Error()
			}
			assert.Contains(t, strings.Join(msgs, "\n"), tc.want)
		})
	}
}

func ptr[T any](v T) *T { return &v }
