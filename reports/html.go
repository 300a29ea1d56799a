package reports

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/tsenart/vegeta/v12/lib/plot"
)

//go:embed assets/report.html.tmpl assets/report.css assets/report.js
var assets embed.FS

// HTMLOptions shape the HTML report.
type HTMLOptions struct {
	// History are earlier runs and this one, oldest first, for the trends.
	History []HistoryEntry
	// HistoryPath names the database the trends came from, for the page.
	HistoryPath string
	// Now is when the report is made; time.Now when zero.
	Now time.Time
}

// chartAssets are uPlot's script and style, as Vegeta's plot package
// embeds them: the report carries them inline and loads nothing.
func chartAssets() (js, css string, err error) {
	read := func(name string) (string, error) {
		f, err := plot.Assets.Open(name)
		if err != nil {
			return "", fmt.Errorf("chart library asset %s: %w", name, err)
		}
		defer f.Close()
		b, err := io.ReadAll(f)
		if err != nil {
			return "", fmt.Errorf("chart library asset %s: %w", name, err)
		}
		if bytes.Contains(bytes.ToLower(b), []byte("</script")) || bytes.Contains(bytes.ToLower(b), []byte("</style")) {
			return "", fmt.Errorf("chart library asset %s cannot be inlined", name)
		}
		return string(b), nil
	}
	if js, err = read("uPlot.min.js"); err != nil {
		return "", "", err
	}
	if css, err = read("uPlot.min.css"); err != nil {
		return "", "", err
	}
	return js, css, nil
}

// WriteHTML writes the run as one self-contained HTML file: styles,
// scripts, the chart library and the data are inline, nothing is fetched.
func WriteHTML(w io.Writer, r *Run, o HTMLOptions) error {
	b, _, err := renderHTML(r, o)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// renderHTML returns the page and its headline.
func renderHTML(r *Run, o HTMLOptions) ([]byte, string, error) {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	p, err := buildPage(r, o)
	if err != nil {
		return nil, "", err
	}
	tmpl, err := template.New("report.html.tmpl").Funcs(funcs).ParseFS(assets, "assets/report.html.tmpl")
	if err != nil {
		return nil, "", fmt.Errorf("report template: %w", err)
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, p); err != nil {
		return nil, "", fmt.Errorf("render the report: %w", err)
	}
	return buf.Bytes(), p.Headline, nil
}

// page is what the template sees.
type page struct {
	Title     string
	Verdict   Verdict
	Headline  string
	Subline   []string
	Generated time.Time
	// Figures are the key figures, one group per part of the run.
	Figures  []figureGroup
	Failures []failureGroup
	Failed   int
	Features []featureView
	Coverage []CodeCoverage
	Covered  int
	Target   string
	// Assumptions tested by some scenario first, then the untested ones.
	Assumptions        []AssumptionStatus
	AssumptionsTested  int
	AssumptionsBroken  int
	Trends             int
	HistoryPath        string
	Load               *loadView
	Parts              []RunPart
	Files              []string
	Dir                string
	HasAcceptance      bool
	UPlotJS            template.JS
	UPlotCSS, StyleCSS template.CSS
	AppJS              template.JS
	Data               template.JS
}

type figureGroup struct {
	Title   string
	Figures []figure
}

type figure struct {
	Label, Value, Note string
	// Tone: pass, fail, warn or neutral.
	Tone string
	Href string
}

type failure struct {
	Feature, URI string
	Scenario     Scenario
	Anchor       string
	Step         *Step
	Before       []Step // steps that ran before the failing one
	After        []Step // steps skipped after it
	Assumptions  []string
	Exchanges    []exchangeView
	// Actual is the assertion's "got" half, shortened to its first line
	// when the rest is the answer's body, which the exchange shows.
	Actual string
}

// failureGroup is failures of one cause: scenarios of one feature that
// failed at the same step with the same expectation (the rows of an
// outline, typically). The first is shown whole, the others by name.
type failureGroup struct {
	First  failure
	Others []failure
}

func (g failureGroup) key() string { return failureKey(g.First) }

func failureKey(f failure) string {
	if f.Step == nil {
		return f.URI + "\x00" + f.Scenario.ID
	}
	return f.URI + "\x00" + f.Step.Title() + "\x00" + assertionOf(f.Step.Error).Expected + "\x00" + f.Step.Status.String()
}

type exchangeView struct {
	Step   string
	Title  string
	Status int
	Koder  []string
	// The parts as a reader looks for them: what was asked, what came back.
	Request        string
	RequestHeader  string
	RequestBody    string
	RequestBytes   int64
	ResponseHeader string
	ResponseBody   string
	ResponseBytes  int64
	DurationMS     float64
	Error          string
}

type featureView struct {
	Feature
	Anchor                  string
	Passed, Failed, Skipped int
}

// chartData is the page's data for the charts, as JSON in the page.
type chartData struct {
	Trends *trendData `json:"trends,omitempty"`
	Load   *loadData  `json:"load,omitempty"`
}

type trendData struct {
	// Time is each run's start, in Unix seconds; the series have one
	// value per run, null where the run had none.
	Time     []int64    `json:"t"`
	PassRate []*float64 `json:"passRate"`
	Suite    []*float64 `json:"suiteSeconds"`
	P99      []*float64 `json:"p99Ms"`
	MaxRate  []*float64 `json:"maxRate"`
	Verdicts []Verdict  `json:"verdicts"`
}

func buildPage(r *Run, o HTMLOptions) (*page, error) {
	js, css, err := chartAssets()
	if err != nil {
		return nil, err
	}
	style, err := assets.ReadFile("assets/report.css")
	if err != nil {
		return nil, err
	}
	app, err := assets.ReadFile("assets/report.js")
	if err != nil {
		return nil, err
	}
	p := &page{
		Title: "finprod report", Verdict: r.Verdict(), Generated: o.Now, Dir: r.Dir, HistoryPath: o.HistoryPath,
		UPlotJS: template.JS(js), UPlotCSS: template.CSS(css), StyleCSS: template.CSS(style), AppJS: template.JS(app),
		Target: "unknown",
	}
	if r.Summary != nil {
		p.Parts = r.Summary.Parts
	}
	data := chartData{}
	if a := r.Acceptance; a != nil {
		p.HasAcceptance = true
		p.Target = a.Target()
		buildAcceptance(p, a)
	}
	if r.Load != nil {
		p.Load, data.Load = buildLoad(r.Load)
		if a := r.Acceptance; a != nil && !a.Manifest.Started.IsZero() && !r.Load.Started.IsZero() {
			if gap := r.Load.Started.Sub(a.Manifest.Started).Abs(); gap > time.Hour {
				p.Load.Notes = append(p.Load.Notes, fmt.Sprintf("The load run started %s apart from the acceptance suite (%s): they may be different runs that share this folder.",
					gap.Round(time.Minute), r.Load.Started.Local().Format("2006-01-02 15:04")))
			}
		}
		p.Figures = append(p.Figures, figureGroup{Title: "Load · " + p.Load.Shape, Figures: p.Load.Figures})
	}
	p.Headline = headline(r, p)
	p.Subline = subline(r, o)
	if len(o.History) > 0 {
		data.Trends = trendsOf(o.History)
		p.Trends = len(o.History)
	}
	b, err := json.Marshal(data)
	if err != nil {
		return nil, fmt.Errorf("chart data: %w", err)
	}
	// Inside <script type="application/json">, "</" must not appear.
	p.Data = template.JS(strings.ReplaceAll(string(b), "</", `<\/`))
	for _, f := range []string{CucumberFile, AcceptanceFile, RunFile, LoadSummary} {
		p.Files = append(p.Files, filepath.Join(r.Dir, f))
	}
	return p, nil
}

func buildAcceptance(p *page, a *Acceptance) {
	c := a.Counts()
	tone := "pass"
	if c.Failed+c.Broken > 0 {
		tone = "fail"
	} else if c.Passed == 0 {
		tone = "warn"
	}
	note := fmt.Sprintf("%d failed", c.Failed+c.Broken)
	if c.Skipped > 0 {
		note += fmt.Sprintf(", %d skipped", c.Skipped)
	}
	var figs []figure
	figs = append(figs, figure{Label: "Scenarios passed", Value: fmt.Sprintf("%d / %d", c.Passed, c.Scenarios),
		Note: percent(c.PassRate()) + " · " + note, Tone: tone, Href: "#features"})
	p.Coverage = Coverage(a)
	for _, row := range p.Coverage {
		if row.State() == CoverageSeen {
			p.Covered++
		}
	}
	catalogue := 0
	for _, row := range p.Coverage {
		if row.Entry.Kilde != "" {
			catalogue++
		}
	}
	figs = append(figs, figure{Label: "GLD codes seen", Value: fmt.Sprintf("%d / %d", p.Covered, catalogue),
		Note: "provoked and observed on " + a.Target(), Tone: "neutral", Href: "#coverage"})

	var tested, untested []AssumptionStatus
	for _, as := range Assumptions(a) {
		switch as.State() {
		case AssumptionUntested:
			untested = append(untested, as)
		case AssumptionContradicted:
			p.AssumptionsBroken++
			tested = append(tested, as)
		default:
			tested = append(tested, as)
		}
	}
	p.AssumptionsTested = len(tested)
	p.Assumptions = append(tested, untested...)
	aTone, aNote := "pass", "all tested ones held"
	if p.AssumptionsBroken > 0 {
		aTone, aNote = "fail", fmt.Sprintf("%d contradicted on %s", p.AssumptionsBroken, a.Target())
	} else if len(tested) == 0 {
		aTone, aNote = "neutral", "none tested in this run"
	}
	figs = append(figs, figure{Label: "Assumptions held", Value: fmt.Sprintf("%d / %d", len(tested)-p.AssumptionsBroken, len(tested)),
		Note: aNote, Tone: aTone, Href: "#assumptions"})
	figs = append(figs, figure{Label: "Suite duration", Value: duration(a.Duration()), Note: concurrencyNote(a), Tone: "neutral"})
	title := fmt.Sprintf("Acceptance suite · %d features", len(a.Features))
	if a.Manifest.Target != "" {
		title += " against " + a.Manifest.Target
	}
	p.Figures = append(p.Figures, figureGroup{Title: title, Figures: figs})

	for _, f := range a.Features {
		fv := featureView{Feature: f, Anchor: "f-" + anchorOf(f, Scenario{})[2:]}
		for _, s := range f.Scenarios {
			switch {
			case s.Status == Passed:
				fv.Passed++
			case s.Status == Failed || s.Status.Broken():
				fv.Failed++
				p.Failed++
				fl := failureOf(f, s)
				if i := slices.IndexFunc(p.Failures, func(g failureGroup) bool {
					return assertionOf(fl.errorText()).Expected != "" && g.key() == failureKey(fl)
				}); i >= 0 {
					p.Failures[i].Others = append(p.Failures[i].Others, fl)
				} else {
					p.Failures = append(p.Failures, failureGroup{First: fl})
				}
			default:
				fv.Skipped++
			}
		}
		p.Features = append(p.Features, fv)
	}
}

func concurrencyNote(a *Acceptance) string {
	if a.Manifest.Concurrency > 0 {
		return fmt.Sprintf("wall time, %d scenarios at once", a.Manifest.Concurrency)
	}
	return "sum of the scenarios' times"
}

func failureOf(f Feature, s Scenario) failure {
	fl := failure{Feature: f.Name, URI: f.URI, Scenario: s, Anchor: anchorOf(f, s), Assumptions: s.Assumptions()}
	i := s.FailingStep()
	if i >= 0 {
		st := s.Steps[i]
		fl.Step = &st
		fl.Before = s.Steps[:i]
		for _, rest := range s.Steps[i+1:] {
			if rest.Status == Skipped {
				fl.After = append(fl.After, rest)
			}
		}
	}
	// The failing step's exchanges first: they are what the assertion read.
	// If it sent nothing, the latest exchange before it.
	if i >= 0 && len(s.Steps[i].Exchanges) > 0 {
		fl.Exchanges = exchangesOf(s.Steps[i])
	} else {
		for j := len(s.Steps) - 1; j >= 0; j-- {
			if (i < 0 || j < i) && len(s.Steps[j].Exchanges) > 0 {
				xs := exchangesOf(s.Steps[j])
				fl.Exchanges = xs[len(xs)-1:]
				break
			}
		}
	}
	if fl.Step != nil {
		a := assertionOf(fl.Step.Error)
		fl.Actual = a.Actual
		if head, body, ok := strings.Cut(a.Actual, "\n"); ok && len(fl.Exchanges) > 0 && strings.TrimSpace(body) == strings.TrimSpace(fl.Exchanges[len(fl.Exchanges)-1].ResponseBody) {
			fl.Actual = strings.TrimSpace(head) + " (the answer is below)"
		}
	}
	return fl
}

func (f failure) errorText() string {
	if f.Step == nil {
		return ""
	}
	return f.Step.Error
}

func exchangesOf(st Step) []exchangeView {
	var out []exchangeView
	for _, x := range st.Exchanges {
		path := x.URL
		if i := strings.Index(path, "://"); i >= 0 {
			if j := strings.Index(path[i+3:], "/"); j >= 0 {
				path = path[i+3+j:]
			}
		}
		out = append(out, exchangeView{
			Step: st.Title(), Title: x.Method + " " + path, Status: x.Status, Koder: x.Koder,
			Request: x.Method + " " + x.URL, RequestHeader: headerText(x.RequestHeader),
			RequestBody: prettyBody(x.RequestBody), RequestBytes: x.RequestBytes,
			ResponseHeader: headerText(x.ResponseHeader), ResponseBody: prettyBody(x.ResponseBody),
			ResponseBytes: x.ResponseBytes, DurationMS: x.DurationMS, Error: x.Error,
		})
	}
	return out
}

func headerText(h map[string][]string) string {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	slices.Sort(names)
	var b strings.Builder
	for _, k := range names {
		for _, v := range h[k] {
			fmt.Fprintf(&b, "%s: %s\n", k, v)
		}
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// prettyBody indents a JSON body; a body that is not JSON, or was cut,
// stays as it came.
func prettyBody(body string) string {
	var out bytes.Buffer
	if json.Indent(&out, []byte(body), "", "  ") == nil {
		return out.String()
	}
	return body
}

var expectedGot = regexp.MustCompile(`(?s)^([^\n]*?: )?expected (.+?),? got (.+)$`)

// assertion splits a step's message "expected X, got Y" into its two
// halves, so a reader sees what should have been beside what was.
type assertion struct {
	Context, Expected, Actual, Text string
}

func assertionOf(msg string) assertion {
	if m := expectedGot.FindStringSubmatch(msg); m != nil {
		return assertion{Context: strings.TrimSuffix(m[1], ": "), Expected: m[2], Actual: prettyTail(m[3]), Text: msg}
	}
	return assertion{Text: msg}
}

// prettyTail indents a JSON body at the end of a message ("HTTP 400 {…}").
func prettyTail(s string) string {
	i := strings.IndexAny(s, "{[")
	if i < 0 {
		return s
	}
	var out bytes.Buffer
	if json.Indent(&out, []byte(s[i:]), "", "  ") == nil {
		return s[:i] + "\n" + out.String()
	}
	return s
}

func headline(r *Run, p *page) string {
	var parts []string
	if a := r.Acceptance; a != nil {
		c := a.Counts()
		switch {
		case c.Scenarios == 0:
			parts = append(parts, "no scenario ran")
		case c.Failed+c.Broken > 0:
			parts = append(parts, fmt.Sprintf("%d of %d scenarios failed%s", c.Failed+c.Broken, c.Scenarios, against(a)))
		case c.Passed == 0:
			parts = append(parts, fmt.Sprintf("all %d scenarios were skipped", c.Scenarios))
		default:
			parts = append(parts, fmt.Sprintf("all %d scenarios passed%s", c.Scenarios, against(a)))
		}
	}
	if p.Load != nil {
		parts = append(parts, p.Load.Headline)
	}
	if r.Summary != nil && r.Summary.Verdict == VerdictInterrupted {
		parts = append(parts, "the run was interrupted")
	}
	if r.Summary != nil && r.Summary.Error != "" && r.Summary.Verdict != VerdictInterrupted {
		parts = append(parts, r.Summary.Error)
	}
	if len(parts) == 0 {
		return "nothing ran"
	}
	s := strings.Join(parts, "; ")
	return strings.ToUpper(s[:1]) + s[1:]
}

// against names the target for a headline, when the folder names it.
func against(a *Acceptance) string {
	if a.Manifest.Target == "" {
		return ""
	}
	return " against " + a.Manifest.Target
}

func subline(r *Run, o HTMLOptions) []string {
	var out []string
	if !r.Started.IsZero() {
		out = append(out, "Run "+r.Started.Local().Format("2006-01-02 15:04:05 MST"))
	}
	if a := r.Acceptance; a != nil {
		if a.Manifest.APIURL != "" {
			out = append(out, "API "+a.Manifest.APIURL)
		}
		if a.Manifest.Tags != "" {
			out = append(out, "tags "+a.Manifest.Tags)
		}
	}
	if r.Summary != nil && r.Summary.DurationMS > 0 {
		out = append(out, "took "+duration(time.Duration(r.Summary.DurationMS*float64(time.Millisecond))))
	}
	out = append(out, "report made "+o.Now.Local().Format("2006-01-02 15:04"))
	return out
}

func trendsOf(h []HistoryEntry) *trendData {
	t := &trendData{}
	for _, e := range h {
		t.Time = append(t.Time, e.Started.Unix())
		t.Verdicts = append(t.Verdicts, e.Verdict)
		if e.Scenarios > 0 {
			v := math.Round(1000*float64(e.Passed)/float64(e.Scenarios)) / 10
			t.PassRate = append(t.PassRate, &v)
		} else {
			t.PassRate = append(t.PassRate, nil)
		}
		t.Suite = append(t.Suite, e.SuiteSeconds)
		t.P99 = append(t.P99, e.P99MS)
		t.MaxRate = append(t.MaxRate, e.MaxRate)
	}
	return t
}

func percent(f float64) string {
	if f == 1 {
		return "100 %"
	}
	return fmt.Sprintf("%.1f %%", 100*f)
}

func duration(d time.Duration) string {
	switch {
	case d <= 0:
		return "–"
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	return d.Round(time.Second).String()
}

var funcs = template.FuncMap{
	"icon":     icon,
	"tone":     tone,
	"label":    label,
	"duration": duration,
	"join":     strings.Join,
	"anchor":   anchorOf,
	"title":    func(s Step) string { return s.Title() },
	"httpTone": func(status int) string {
		switch {
		case status == 0 || status >= 500:
			return "fail"
		case status >= 400:
			return "warn"
		}
		return "pass"
	},
	"isAssumption": func(tag string) bool { return assumptionTag.MatchString(tag) },
	"assertion":    assertionOf,
	"firstLine":    firstLine,
	"deref":        func(b *bool) bool { return b != nil && *b },
	"md":           inlineMarkdown,
	"ownTags": func(f Feature, s Scenario) []string {
		var out []string
		for _, t := range s.Tags {
			if !slices.Contains(f.Tags, t) {
				out = append(out, t)
			}
		}
		return out
	},
	"bytes": func(n int64) string {
		if n < 1024 {
			return fmt.Sprintf("%d bytes", n)
		}
		return fmt.Sprintf("%.1f KiB", float64(n)/1024)
	},
	"ms":     func(f float64) string { return fmt.Sprintf("%.0f ms", f) },
	"plural": plural,
}

// inlineMarkdown renders the only markup ASSUMPTIONS.md uses in its first
// columns, `code`, and escapes everything else.
func inlineMarkdown(s string) template.HTML {
	parts := strings.Split(s, "`")
	var b strings.Builder
	for i, p := range parts {
		if i%2 == 1 && i < len(parts)-1 {
			b.WriteString("<code>" + template.HTMLEscapeString(p) + "</code>")
			continue
		}
		if i%2 == 1 {
			b.WriteString("`")
		}
		b.WriteString(template.HTMLEscapeString(p))
	}
	return template.HTML(b.String())
}

// icon, tone and label give every state a glyph and a word besides its
// colour, so the page reads the same to a colour-blind reader.
func icon(state any) string {
	switch tone(state) {
	case "pass":
		return "✓"
	case "fail":
		return "✗"
	case "warn":
		return "!"
	}
	return "–"
}

func tone(state any) string {
	switch fmt.Sprint(state) {
	case "pass", "fail", "warn", "neutral":
		return fmt.Sprint(state)
	case string(Passed), AssumptionHeld, CoverageSeen: // Passed is also VerdictPassed
		return "pass"
	case string(Failed), string(VerdictInterrupted), AssumptionContradicted, // Failed is also VerdictFailed
		string(Undefined), string(Pending), string(Ambiguous):
		return "fail"
	case CoverageNotSeen, CoverageUnexpected, string(VerdictNotRun):
		return "warn"
	}
	return "neutral"
}

func label(state any) string {
	s := fmt.Sprint(state)
	switch s {
	case CoverageNone:
		return "not covered"
	case CoverageUnexpected:
		return "seen, not expected"
	case CoverageNotSeen:
		return "expected, not seen"
	}
	return s
}
