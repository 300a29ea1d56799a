// Package layout keeps the house as the README draws it: its test reads the
// module's imports with go list, refuses the arrows the design forbids, and
// compares the rooms and arrows with the picture in the README's Layout
// section.
package layout

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pkg is one package of the module, as go list reports it; paths are
// relative to the module ("mock/internal/api").
type pkg struct {
	path      string
	imports   []string // the package's own imports of ours, tests left out
	deps      []string // everything of ours it builds on, transitively
	onlyTests bool     // the package has no Go files but tests
}

// modulePackages lists the module's packages with go list, run from the
// module's root, which it also returns.
func modulePackages(t *testing.T) (root string, pkgs []pkg) {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Path}} {{.Dir}}").Output()
	require.NoError(t, err, "go list -m")
	mod, root, ok := strings.Cut(strings.TrimSpace(string(out)), " ")
	require.True(t, ok, "go list -m: %s", out)
	cmd := exec.Command("go", "list", "-f", "{{.ImportPath}}|{{join .Imports \" \"}}|{{join .Deps \" \"}}|{{len .GoFiles}}", "./...")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err = cmd.Output()
	require.NoError(t, err, "go list: %s", stderr.String())
	ours := func(list string) []string {
		var rel []string
		for _, p := range strings.Fields(list) {
			if r, ok := strings.CutPrefix(p, mod+"/"); ok {
				rel = append(rel, r)
			}
		}
		return rel
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Split(sc.Text(), "|")
		require.Len(t, f, 4, sc.Text())
		p, ok := strings.CutPrefix(f[0], mod+"/")
		require.True(t, ok, "%s is not in module %s", f[0], mod)
		pkgs = append(pkgs, pkg{path: p, imports: ours(f[1]), deps: ours(f[2]), onlyTests: f[3] == "0"})
	}
	require.NoError(t, sc.Err())
	require.NotEmpty(t, pkgs)
	return root, pkgs
}

// under reports whether path is the package dir or below it; every path is
// under "".
func under(path, dir string) bool {
	return dir == "" || path == dir || strings.HasPrefix(path, dir+"/")
}

// rule forbids some arrows: no package under from may import (with
// transitive, build on at all) a package under any of mayNot ("" is every
// package of ours, the room's own subpackages too).
type rule struct {
	from       string
	mayNot     []string
	transitive bool
	why        string
}

var rules = []rule{
	{from: "contract", mayNot: []string{""}, why: "the contract and its subpackages know nobody"},
	{from: "ident", mayNot: []string{""}, why: "the identifier rules know nobody"},
	{from: "mock", mayNot: []string{"client"}, transitive: true, why: "the mock and the clients meet only over HTTP, so the mock stays an honest peer"},
	{from: "mock", mayNot: []string{"generators"}, transitive: true, why: "the mock's judgement must not be the generators' own code called a second time"},
	{from: "rules", mayNot: []string{"generators"}, transitive: true, why: "the rules must not judge with the generators' own code"},
	{from: "generators", mayNot: []string{"mock", "rules"}, transitive: true, why: "the generators make data; they do not judge it with the judge's code"},
	{from: "cmd/finprod", mayNot: []string{"mock/internal"}, why: "the CLI uses the mock's facade, never its parts"},
	{from: "reports", mayNot: []string{"load", "steps"}, transitive: true, why: "reports read what runs wrote, through versioned files"},
	{from: "", mayNot: testSupport, transitive: true, why: "test support is for tests only"},
}

// testSupport are the packages only tests may use; the README's picture
// draws them, with the packages that hold nothing but tests, in its
// "tests" group.
var testSupport = []string{"internal/testkit", "internal/identref", "internal/jsonmutate", "internal/readerfuzz"}

// broken lists the arrows of pkgs that break the rules, one line each.
func broken(pkgs []pkg, rules []rule) []string {
	var out []string
	for _, r := range rules {
		for _, p := range pkgs {
			if !under(p.path, r.from) {
				continue
			}
			list, verb := p.imports, "imports"
			if r.transitive {
				list, verb = p.deps, "builds on"
			}
			for _, dep := range list {
				for _, no := range r.mayNot {
					if no == "" || under(dep, no) {
						out = append(out, fmt.Sprintf("%s %s %s: %s", p.path, verb, dep, r.why))
					}
				}
			}
		}
	}
	return out
}

func TestNoArrowBreaksTheRules(t *testing.T) {
	_, pkgs := modulePackages(t)
	assert.Empty(t, broken(pkgs, rules), "arrows that break the house's rules (README, Layout)")
}

// The rules catch what they are meant to: a made-up module with one bad
// arrow per rule.
func TestRulesCatchBadArrows(t *testing.T) {
	pkgs := []pkg{
		{path: "contract/mptoken", imports: []string{"contract"}, deps: []string{"contract"}},
		{path: "ident", imports: []string{"internal/jsonenc"}, deps: []string{"internal/jsonenc"}},
		{path: "mock/internal/api", imports: []string{"rules"}, deps: []string{"rules", "client/api", "client"}},
		{path: "mock", imports: []string{"mock/internal/api"}, deps: []string{"mock/internal/api", "generators"}},
		{path: "generators", imports: []string{"rules"}, deps: []string{"rules"}},
		{path: "cmd/finprod", imports: []string{"mock", "mock/internal/store"}, deps: []string{"mock", "mock/internal/store"}},
		{path: "reports/html", imports: []string{"load"}, deps: []string{"load"}},
		{path: "steps", imports: []string{"target"}, deps: []string{"target", "mock"}}, // allowed
		{path: "target", imports: []string{"internal/identref"}, deps: []string{"internal/identref"}},
		{path: "submit", imports: []string{"check"}, deps: []string{"check", "internal/jsonmutate"}},
	}
	got := broken(pkgs, rules)
	for _, want := range []string{
		"contract/mptoken imports contract",
		"ident imports internal/jsonenc",
		"mock/internal/api builds on client/api",
		"mock/internal/api builds on client",
		"mock builds on generators",
		"generators builds on rules",
		"cmd/finprod imports mock/internal/store",
		"reports/html builds on load",
		"target builds on internal/identref",
		"submit builds on internal/jsonmutate",
	} {
		assert.True(t, slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, want+":") }), "%s is not caught in %q", want, got)
	}
	assert.Len(t, got, 10, "and nothing else: %q", got)
}

// room is the room of the README's picture a package belongs to, as the
// picture names it: its first folder (a service's subpackages and the
// mock's parts belong to it), except the CLI (cmd), client/retry (retry),
// which the clients do not use, and the helpers under internal/, one room
// each by their own name. The benchmarks are drawn as no room.
func room(path string) (string, bool) {
	switch {
	case under(path, "cmd/finprod"):
		return "cmd", true
	case under(path, "client/retry"):
		return "retry", true
	}
	first, rest, _ := strings.Cut(path, "/")
	switch first {
	case "bench":
		return "", false
	case "internal":
		name, _, _ := strings.Cut(rest, "/")
		return name, true
	}
	return first, true
}

// graph is the rooms and the arrows between them, "from --> to".
type graph struct {
	rooms  []string
	arrows []string
	tests  []string // the rooms only tests use
}

func houseOf(pkgs []pkg) graph {
	var g graph
	notTests := map[string]bool{} // rooms with a package of more than tests
	for _, p := range pkgs {
		from, ok := room(p.path)
		if !ok {
			continue
		}
		g.rooms = append(g.rooms, from)
		if !p.onlyTests && !slices.ContainsFunc(testSupport, func(d string) bool { return under(p.path, d) }) {
			notTests[from] = true
		}
		for _, dep := range p.imports {
			if to, ok := room(dep); ok && to != from {
				g.arrows = append(g.arrows, from+" --> "+to)
			}
		}
	}
	for _, r := range g.rooms {
		if !notTests[r] {
			g.tests = append(g.tests, r)
		}
	}
	g.sort()
	return g
}

func (g *graph) sort() {
	for _, l := range []*[]string{&g.rooms, &g.arrows, &g.tests} {
		slices.Sort(*l)
		*l = slices.Compact(*l)
	}
}

var (
	nodeRE     = regexp.MustCompile(`^\s*([A-Za-z]\w*)(\[.*\])?\s*$`)
	arrowRE    = regexp.MustCompile(`^\s*([A-Za-z]\w*)\s*-->\s*([A-Za-z]\w*)\s*$`)
	subgraphRE = regexp.MustCompile(`^\s*subgraph\s+([A-Za-z]\w*)(\[.*\])?\s*$`)
)

// pictured reads the first mermaid block of the README's Layout section:
// its nodes (id or id["label"], one a line), arrows (a --> b), and the
// nodes of its subgraph "tests" (subgraph id["label"] … end groups nodes;
// it is no room itself).
func pictured(t *testing.T, readme []byte) graph {
	t.Helper()
	_, layout, ok := bytes.Cut(readme, []byte("\n## Layout\n"))
	require.True(t, ok, "the README has a Layout section")
	_, block, ok := bytes.Cut(layout, []byte("```mermaid\n"))
	require.True(t, ok, "the Layout section has a mermaid picture")
	block, _, ok = bytes.Cut(block, []byte("```"))
	require.True(t, ok, "the mermaid picture ends")
	var g graph
	group := ""
	for _, line := range strings.Split(string(block), "\n") {
		if m := subgraphRE.FindStringSubmatch(line); m != nil {
			group = m[1]
		} else if strings.TrimSpace(line) == "end" {
			group = ""
		} else if m := arrowRE.FindStringSubmatch(line); m != nil {
			g.arrows = append(g.arrows, m[1]+" --> "+m[2])
			g.rooms = append(g.rooms, m[1], m[2])
		} else if m := nodeRE.FindStringSubmatch(line); m != nil && m[1] != "flowchart" {
			g.rooms = append(g.rooms, m[1])
			if group == "tests" {
				g.tests = append(g.tests, m[1])
			}
		}
	}
	g.sort()
	return g
}

func TestReadmePictureMatchesGoList(t *testing.T) {
	root, pkgs := modulePackages(t)
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	require.NoError(t, err)
	real, drawn := houseOf(pkgs), pictured(t, readme)
	assert.Empty(t, missing(real.rooms, drawn.rooms), "rooms of the module that the README's picture lacks")
	assert.Empty(t, missing(drawn.rooms, real.rooms), "rooms in the README's picture that the module lacks")
	assert.Empty(t, missing(real.arrows, drawn.arrows), "imports between rooms that the README's picture lacks")
	assert.Empty(t, missing(drawn.arrows, real.arrows), "arrows in the README's picture that no import makes")
	assert.Equal(t, real.tests, drawn.tests, "the picture's group \"tests\" holds the rooms only tests use")
}

// missing lists what of want is not in have.
func missing(want, have []string) []string {
	var out []string
	for _, w := range want {
		if !slices.Contains(have, w) {
			out = append(out, w)
		}
	}
	return out
}
