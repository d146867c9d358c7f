package deploy

import (
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dockerStage is one FROM ... stage of a Dockerfile, its instructions with
// continuation lines joined.
type dockerStage struct {
	From         string
	Instructions []string
}

func parseDockerfile(text string) []dockerStage {
	var stages []dockerStage
	joined := strings.ReplaceAll(text, "\\\n", " ")
	for _, line := range strings.Split(joined, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if from, ok := strings.CutPrefix(line, "FROM "); ok {
			stages = append(stages, dockerStage{From: strings.Fields(from)[0]})
			continue
		}
		if len(stages) > 0 {
			stages[len(stages)-1].Instructions = append(stages[len(stages)-1].Instructions, line)
		}
	}
	return stages
}

// goBuild finds the `CGO_ENABLED=0 go build ... -o OUT PKG` of the build.
var goBuild = regexp.MustCompile(`CGO_ENABLED=0 go build (.*?)-o (\S+) (\./\S+)`)

// checkDockerfile: a static Go build, and a final image from a minimal base
// that runs as a numeric non-root user.
func checkDockerfile(text string) []error {
	var errs []error
	stages := parseDockerfile(text)
	if len(stages) < 2 {
		return []error{fmt.Errorf("Dockerfile: want a build stage and a runtime stage")}
	}
	found := false
	for _, s := range stages[:len(stages)-1] {
		for _, in := range s.Instructions {
			found = found || (strings.HasPrefix(in, "RUN ") && goBuild.MatchString(in))
		}
	}
	if !found {
		errs = append(errs, fmt.Errorf("Dockerfile: no `CGO_ENABLED=0 go build` in a build stage: the binary would not be static"))
	}
	final := stages[len(stages)-1]
	if !strings.HasPrefix(final.From, "gcr.io/distroless/static") && final.From != "scratch" {
		errs = append(errs, fmt.Errorf("Dockerfile: the runtime stage is %s, want distroless/static or scratch (no shell, no libc)", final.From))
	}
	user := ""
	for _, in := range final.Instructions {
		if u, ok := strings.CutPrefix(in, "USER "); ok {
			user = strings.TrimSpace(u)
		}
	}
	uid, _, _ := strings.Cut(user, ":")
	if n, err := strconv.Atoi(uid); err != nil || n == 0 {
		errs = append(errs, fmt.Errorf("Dockerfile: USER %q: want a numeric non-root user such as 65532:65532", user))
	}
	return errs
}

func TestDockerfileBuildsAStaticNonRootImage(t *testing.T) {
	b, err := os.ReadFile("../Dockerfile")
	require.NoError(t, err)
	text := string(b)
	require.Empty(t, checkDockerfile(text))

	t.Run("the checks can fail", func(t *testing.T) {
		for _, tc := range []struct{ name, from, to, want string }{
			{"cgo on", "CGO_ENABLED=0", "CGO_ENABLED=1", "not be static"},
			{"runtime with a shell", "gcr.io/distroless/static-debian12:nonroot", "debian:12", "want distroless/static"},
			{"root user", "USER 65532:65532", "USER 0", "numeric non-root"},
			{"named user", "USER 65532:65532", "USER nonroot", "numeric non-root"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				broken := strings.Replace(text, tc.from, tc.to, 1)
				require.NotEqual(t, text, broken, "the Dockerfile no longer contains %q", tc.from)
				errs := checkDockerfile(broken)
				require.NotEmpty(t, errs)
				assert.Contains(t, fmt.Sprint(errs), tc.want)
			})
		}
	})

	t.Run("the build command links statically", func(t *testing.T) {
		if testing.Short() {
			t.Skip("builds meshwise; skipped with -short")
		}
		m := goBuild.FindStringSubmatch(text)
		require.NotNil(t, m)
		out := filepath.Join(t.TempDir(), "meshwise")
		args := append([]string{"build"}, splitArgs(m[1])...)
		args = append(args, "-o", out, m[3])
		cmd := exec.Command("go", args...)
		cmd.Dir = ".."
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		msg, err := cmd.CombinedOutput()
		require.NoError(t, err, "go %s\n%s", strings.Join(args, " "), msg)
		f, err := elf.Open(out)
		require.NoError(t, err)
		defer f.Close()
		for _, p := range f.Progs {
			assert.NotEqual(t, elf.PT_INTERP, p.Type, "the binary asks for a dynamic loader")
		}
		libs, err := f.ImportedLibraries()
		require.NoError(t, err)
		assert.Empty(t, libs, "the binary needs shared libraries")
	})
}

// splitArgs splits shell words, keeping "double-quoted" ones whole.
func splitArgs(s string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`"([^"]*)"|(\S+)`).FindAllStringSubmatch(s, -1) {
		if m[2] != "" {
			out = append(out, m[2])
		} else {
			out = append(out, m[1])
		}
	}
	return out
}
