package reports

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// screenshotDir is the repository's out/ folder, where people look.
const screenshotDir = "../out"

// browser starts Debian's headless Chromium with the flags this machine
// needs (no sandbox as root, no GPU, no background traffic to Google) and a
// fresh profile, and collects console errors, exceptions and any request
// that leaves the file system.
type browser struct {
	ctx      context.Context
	mu       sync.Mutex
	problems []string
	requests []string
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	exe := needTool(t, "chromium", "chromium")
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1366, 900), // a laptop's width
	)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	t.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(acancel)
	bctx, bcancel := chromedp.NewContext(actx)
	// Closing the context ends Chromium; no process is left behind.
	t.Cleanup(bcancel)
	b := &browser{ctx: bctx}
	// Open the tab first, so the listener sees every event of the page.
	require.NoError(t, chromedp.Do(bctx))
	require.NoError(t, chromedp.Listen(bctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeWarning || e.Type == runtime.ConsoleAPICalledTypeAssert {
				var args []string
				for _, a := range e.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				b.problems = append(b.problems, fmt.Sprintf("console.%s: %s", e.Type, strings.Join(args, " ")))
			}
		case *runtime.EventExceptionThrown:
			d := e.ExceptionDetails
			msg := d.Text
			if d.Exception != nil {
				msg += " " + d.Exception.Description
			}
			b.problems = append(b.problems, fmt.Sprintf("exception at %s:%d: %s", d.URL, d.LineNumber+1, msg))
		case *network.EventRequestWillBeSent:
			if u, err := url.Parse(e.Request.URL); err == nil && u.Scheme != "file" && u.Scheme != "data" && u.Scheme != "about" {
				b.requests = append(b.requests, e.Request.URL)
			}
		case *network.EventLoadingFailed:
			b.problems = append(b.problems, "loading failed: "+e.ErrorText)
		}
	}))
	_, err := chromedp.Call(bctx, network.Enable, network.EnableParams{})
	require.NoError(t, err)
	_, err = chromedp.Call(bctx, runtime.Enable, cdp.Empty{})
	require.NoError(t, err)
	return b
}

func (b *browser) report() (problems, requests []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.problems...), append([]string(nil), b.requests...)
}

// chartCheck is what the page says about one chart: whether uPlot drew a
// canvas, how many of its pixels are inked at all, and how many carry
// the series' colour (the line and points, not just the axes).
type chartCheck struct {
	Key     string `json:"key"`
	Canvas  bool   `json:"canvas"`
	Inked   int    `json:"inked"`
	Series  int    `json:"series"`
	Empty   string `json:"empty"`
	Visible bool   `json:"visible"`
}

const chartProbe = `(() => {
  const colours = {passRate: [0,114,178], suiteSeconds: [230,159,0], p99Ms: [213,94,0], maxRate: [0,158,115],
    "load-latency": [213,94,0], "load-rate": [0,158,115], "load-hist": [106,61,154], "load-stages": [213,94,0]};
  return [...document.querySelectorAll(".chart")].map(node => {
    const key = node.getAttribute("data-chart") || "load-" + node.getAttribute("data-load");
    const canvas = node.querySelector("canvas");
    const empty = node.querySelector(".chart-empty");
    const r = node.getBoundingClientRect();
    const out = {key, canvas: !!canvas, inked: 0, series: 0, empty: empty ? empty.textContent : "", visible: r.width > 0 && r.height > 0};
    if (!canvas) return out;
    const px = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    const [cr, cg, cb] = colours[key] || [0, 0, 0];
    for (let i = 0; i < px.length; i += 4) {
      if (px[i+3] === 0) continue;
      out.inked++;
      if (Math.abs(px[i]-cr) < 40 && Math.abs(px[i+1]-cg) < 40 && Math.abs(px[i+2]-cb) < 40) out.series++;
    }
    return out;
  });
})()`

// keyFigures are the texts a reader must see without scrolling.
type keyFigures struct {
	Verdict       string   `json:"verdict"`
	VerdictInView bool     `json:"verdictInView"`
	Headline      string   `json:"headline"`
	Figures       []string `json:"figures"`
	FiguresInView bool     `json:"figuresInView"`
	Failures      int      `json:"failures"`
	ScrollWidth   int      `json:"scrollWidth"`
	ClientWidth   int      `json:"clientWidth"`
}

const figureProbe = `(() => {
  const inView = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && r.top >= 0 && r.bottom <= innerHeight; };
  const v = document.querySelector("#verdict .verdict-word");
  const figs = [...document.querySelectorAll(".figure")];
  return {
    verdict: v ? v.textContent.trim() : "",
    verdictInView: !!v && inView(v),
    headline: (document.querySelector("#verdict .headline") || {}).textContent || "",
    figures: figs.map(f => f.innerText.replace(/\s+/g, " ").trim()),
    figuresInView: figs.length > 0 && figs.every(inView),
    failures: document.querySelectorAll("#failures .failure").length + document.querySelectorAll("#failures .failure-ref").length,
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  };
})()`

// combined is a run folder as `finprod run` leaves it: the acceptance suite
// (with failures) and a load run (a steps run with its timeline) beside it.
func combined(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{"sync-rules/cucumber.json", "sync-rules/acceptance.json", "load-steps/load/summary.json", "load-steps/load/timeline.json", "load-steps/load/latency.hdr"} {
		b, err := os.ReadFile(filepath.Join("testdata", f))
		require.NoError(t, err)
		_, rest, _ := strings.Cut(f, "/")
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, rest)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, rest), b, 0o644))
	}
	return dir
}

func TestReportInChromium(t *testing.T) {
	t.Parallel()
	dir := combined(t)
	run, err := Open(dir)
	require.NoError(t, err)
	facts := factsOf(t, dir)

	// Eight earlier runs a day apart, then this one, for the trends.
	var history []HistoryEntry
	start := run.Started.Add(-8 * 24 * time.Hour)
	for i := range 8 {
		s, p99, rate := 1.2+0.1*float64(i%3), 4.0+float64(i%4), 70.0+float64(i)
		history = append(history, HistoryEntry{Key: fmt.Sprint(i), Started: start.Add(time.Duration(i) * 24 * time.Hour),
			Target: "local", Verdict: VerdictPassed, Scenarios: 18, Passed: 18 - i%2, SuiteSeconds: &s, P99MS: &p99, MaxRate: &rate})
	}
	history = append(history, EntryOf(run))

	out := t.TempDir()
	page := filepath.Join(out, "report.html")
	var buf bytes.Buffer
	require.NoError(t, WriteHTML(&buf, run, HTMLOptions{History: history, HistoryPath: "out/history.db"}))
	require.NoError(t, os.WriteFile(page, buf.Bytes(), 0o644))

	b := newBrowser(t)
	require.NoError(t, chromedp.Do(b.ctx,
		chromedp.Navigate("file://"+page),
		chromedp.WaitVisible(chromedp.ID("verdict")),
		chromedp.WaitReady(chromedp.CSS("#trends canvas")),
	))
	figs, err := chromedp.Run(b.ctx, chromedp.Evaluate[keyFigures](figureProbe))
	require.NoError(t, err)
	charts, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]chartCheck](chartProbe))
	require.NoError(t, err)
	shot, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	require.NoError(t, err)
	full, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(85))
	require.NoError(t, err)

	problems, requests := b.report()
	assert.Empty(t, problems, "the console had errors")
	assert.Empty(t, requests, "the page reached for the network")

	// The verdict and the key figures are what a reader sees first.
	assert.Equal(t, "Failed", figs.Verdict)
	assert.True(t, figs.VerdictInView, "the verdict is in the first screen")
	assert.True(t, figs.FiguresInView, "the key figures are in the first screen")
	assert.Contains(t, figs.Headline, fmt.Sprintf("%d of %d scenarios failed against local", facts.failed, facts.scenarios))
	assert.Contains(t, figs.Headline, "load: 3 SLO gates passed")
	assert.Contains(t, figs.Figures, "SLO GATES PASSED ✓3 / 3 p99<1s, p50<200ms, success>=99%")
	assert.Contains(t, figs.Figures, fmt.Sprintf("SCENARIOS PASSED ✗%d / %d %.1f %% · %d failed", facts.scenarios-facts.failed, facts.scenarios, 100*float64(facts.scenarios-facts.failed)/float64(facts.scenarios), facts.failed))
	assert.Equal(t, facts.failed, figs.Failures)
	assert.LessOrEqual(t, figs.ScrollWidth, figs.ClientWidth, "no sideways scrolling at laptop width")

	// The trends with data are drawn, those without say why.
	byKey := map[string]chartCheck{}
	for _, c := range charts {
		byKey[c.Key] = c
	}
	for _, key := range []string{"passRate", "suiteSeconds", "p99Ms", "maxRate", "load-latency", "load-rate", "load-hist"} {
		c := byKey[key]
		assert.True(t, c.Canvas && c.Visible, "%s: no visible canvas", key)
		assert.Greater(t, c.Inked, 500, "%s: the canvas is blank", key)
		assert.Greater(t, c.Series, 50, "%s: the series is not drawn", key)
	}
	assert.Len(t, charts, 7)

	require.NoError(t, os.MkdirAll(screenshotDir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(screenshotDir, "report-screenshot.png"), shot, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(screenshotDir, "report-full.jpg"), full, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(screenshotDir, "report-example.html"), buf.Bytes(), 0o644))
}
