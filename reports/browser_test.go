package reports

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"dataready/audit"
	"dataready/snapshot"
)

// chromiumPath is where Debian's chromium package installs the browser.
const chromiumPath = "/usr/bin/chromium"

// browserWatch records what a page does that it must not: network
// requests other than the page itself, console errors, uncaught
// exceptions and browser log errors (such as a blocked resource).
type browserWatch struct {
	pageURL string

	mu       sync.Mutex
	sawPage  bool // the listener saw the page's own request
	requests []string
	problems []string
}

// listen is a chromedp listener: it runs on the tab's event loop, so it
// only records.
func (w *browserWatch) listen(ev any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		switch u := ev.Request.URL; {
		case u == w.pageURL:
			w.sawPage = true
		case !strings.HasPrefix(u, "data:"):
			w.requests = append(w.requests, u)
		}
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var args []string
			for _, a := range ev.Args {
				args = append(args, string(a.Value)+a.Description)
			}
			w.problems = append(w.problems, fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " ")))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil {
			msg += " " + d.Exception.Description
		}
		w.problems = append(w.problems, fmt.Sprintf("exception at %d:%d: %s", d.LineNumber+1, d.ColumnNumber+1, msg))
	case *page.EventJavascriptDialogOpening:
		w.problems = append(w.problems, fmt.Sprintf("the page opened a %s dialog: %s", ev.Type, ev.Message))
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError {
			w.problems = append(w.problems, fmt.Sprintf("browser log (%s): %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
		}
	}
}

// check fails the test for every request and problem seen.
func (w *browserWatch) check(t *testing.T) {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.sawPage {
		t.Errorf("no request for the page %s was seen: the network listener does not work", w.pageURL)
	}
	for _, r := range w.requests {
		t.Errorf("the page made a network request: %s", r)
	}
	for _, p := range w.problems {
		t.Errorf("the page logged an error: %s", p)
	}
}

// TestHTMLInBrowser opens reports in headless Chromium. The fixture's
// report must show its verdict and every check card; a report full of
// markup from the data must run none of it. No page may make a network
// request or log an error. The fixture test saves full-page screenshots
// (screen, and print media at A4 width) in $DATAREADY_SCREENSHOT_DIR, or
// in a temporary folder, and logs their paths. Without chromium the test
// skips, except when CI=true.
func TestHTMLInBrowser(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("chromium is required in CI (apt-get install -y chromium): %v", err)
		}
		t.Skipf("chromium not installed (%v); install it with apt-get install -y chromium", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Second)
	defer cancel()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	defer cancelAlloc()
	browser, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	if err := chromedp.Do(browser); err != nil { // starts the browser
		t.Fatalf("start chromium: %v", err)
	}

	t.Run("fixture", func(t *testing.T) { browserFixture(browser, t) })
	t.Run("family", func(t *testing.T) { browserFamily(browser, t) })
	t.Run("escaping", func(t *testing.T) { browserEscaping(browser, t) })
	t.Run("history", func(t *testing.T) { browserHistory(browser, t) })
}

// browserHistory renders history.html of five generated snapshots: every
// chart must show one point per snapshot that has its metric (counted in
// the rendered DOM, and laid out: each point has a size on screen), the
// points of a chart must go left to right in time, and the verdict band
// must have five cells. The screenshot goes next to the others.
func browserHistory(browser context.Context, t *testing.T) {
	dir := t.TempDir()
	writeHistory(t, dir)
	h, err := snapshot.Collect([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := HistoryHTML(h)
	if err != nil {
		t.Fatalf("HistoryHTML: %v", err)
	}
	file := filepath.Join(t.TempDir(), "history.html")
	if err := os.WriteFile(file, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	watch := &browserWatch{pageURL: (&url.URL{Scheme: "file", Path: filepath.ToSlash(file)}).String()}
	tab, cancel := chromedp.NewContext(browser, chromedp.WithListener(watch.listen))
	defer cancel()
	if err := chromedp.Do(tab,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(watch.pageURL),
		chromedp.WaitVisible(chromedp.CSS("#history-title")),
	); err != nil {
		t.Fatalf("open history.html: %v", err)
	}
	// Per chart: the x of every laid-out point, in document order.
	xs, err := chromedp.Run(tab, chromedp.Evaluate[map[string][]float64](`(function () {
		var out = {};
		document.querySelectorAll("figure.history-chart").forEach(function (f) {
			out[f.id.replace("chart-", "")] = Array.from(f.querySelectorAll("svg.line-chart circle.point"))
				.filter(function (c) { var r = c.getBoundingClientRect(); return r.width > 0 && r.height > 0; })
				.map(function (c) { return c.getBoundingClientRect().x; });
		});
		return out;
	})()`))
	if err != nil {
		t.Fatalf("count the points: %v", err)
	}
	if len(xs) != len(wantPoints) {
		t.Errorf("%d charts, want %d: %v", len(xs), len(wantPoints), xs)
	}
	for id, want := range wantPoints {
		got := xs[id]
		if len(got) != want {
			t.Errorf("chart %s shows %d points, want %d", id, len(got), want)
		}
		for i := 1; i < len(got); i++ {
			if got[i] <= got[i-1] {
				t.Errorf("chart %s: point %d at x %v is not right of point %d at %v", id, i, got[i], i-1, got[i-1])
			}
		}
	}
	cells, err := chromedp.Run(tab, chromedp.Evaluate[int](`document.querySelectorAll("svg.verdict-band rect.band-cell").length`))
	if err != nil {
		t.Fatalf("count the verdict cells: %v", err)
	}
	if cells != 5 {
		t.Errorf("the verdict band has %d cells, want 5", cells)
	}
	width, err := chromedp.Run(tab, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil {
		t.Fatalf("measure the page: %v", err)
	}
	if width > 1280 {
		t.Errorf("the page is %d px wide at a 1280 px viewport, want no horizontal scrolling", width)
	}
	shot, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	dir = os.Getenv("DATAREADY_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "history.png")
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
	watch.check(t)
}

// browserFamily opens a report with the visuals the fixture lacks (annotator
// agreement, reference coverage, disparity with Wilson intervals): in print
// media at A4 width nothing may be wider than the page, and no error may be
// logged. The print screenshot goes next to the fixture's.
func browserFamily(browser context.Context, t *testing.T) {
	rep := biasReport("")
	rep.Checks = append(rep.Checks, agreementReport("").Checks...)
	doc, err := HTML(rep)
	if err != nil {
		t.Fatalf("HTML: %v", err)
	}
	tab, watch := openReport(browser, t, doc)
	charts, err := chromedp.Run(tab, chromedp.Evaluate[int](`document.querySelectorAll("svg.heat-map, svg.interval-chart, svg.small-multiples, svg.bar-chart").length`))
	if err != nil {
		t.Fatalf("count the charts: %v", err)
	}
	if charts < 5 {
		t.Errorf("the page has %d charts, want at least 5 (shares, reference shares, heat map, intervals, kappa, agreement)", charts)
	}
	if _, err := chromedp.Call(tab, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatalf("emulate print media: %v", err)
	}
	if err := chromedp.Do(tab, chromedp.EmulateViewport(794, 1123)); err != nil {
		t.Fatalf("emulate an A4 page: %v", err)
	}
	width, err := chromedp.Run(tab, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil {
		t.Fatalf("measure the page: %v", err)
	}
	if width > 794 {
		t.Errorf("in print media at A4 width the page is %d px wide, want at most 794 (something would be cut)", width)
	}
	if dir := os.Getenv("DATAREADY_SCREENSHOT_DIR"); dir != "" {
		printed, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("print screenshot: %v", err)
		}
		path := filepath.Join(dir, "report-family-print.png")
		if err := os.WriteFile(path, printed, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", path)
	}
	watch.check(t)
}

// openReport writes doc to a file, opens it in a new tab of browser at
// 1280×900 and returns the tab and its watch. The tab closes with the test.
func openReport(browser context.Context, t *testing.T, doc []byte) (context.Context, *browserWatch) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(file, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	watch := &browserWatch{pageURL: (&url.URL{Scheme: "file", Path: filepath.ToSlash(file)}).String()}
	tab, cancel := chromedp.NewContext(browser, chromedp.WithListener(watch.listen))
	t.Cleanup(cancel)
	if err := chromedp.Do(tab,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(watch.pageURL),
		chromedp.WaitVisible(chromedp.CSS("#verdict-word")),
	); err != nil {
		t.Fatalf("open the report: %v", err)
	}
	return tab, watch
}

// browserFixture checks the fixture's report, takes the screenshots and
// sorts the checks table.
func browserFixture(browser context.Context, t *testing.T) {
	rep := htmlFixtureReport(t)
	doc, err := HTML(rep)
	if err != nil {
		t.Fatalf("HTML: %v", err)
	}
	tab, watch := openReport(browser, t, doc)

	verdict, err := chromedp.Run(tab, chromedp.Text(chromedp.CSS("#verdict")))
	if err != nil {
		t.Fatalf("read the verdict: %v", err)
	}
	if !strings.Contains(verdict, "Not ready") {
		t.Errorf("verdict banner reads %q, want it to contain %q", verdict, "Not ready")
	}
	if reason, _ := cutVerdictPrefix(rep.Reason, rep.Verdict); !strings.Contains(verdict, reason) {
		t.Errorf("verdict banner reads %q, want it to contain the reason %q", verdict, reason)
	}

	// Every check has a card that is laid out (has a height).
	cards, err := chromedp.Run(tab, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("article.card"))
		.filter(function (e) { return e.getBoundingClientRect().height > 0; })
		.map(function (e) { return e.id; })`))
	if err != nil {
		t.Fatalf("list the cards: %v", err)
	}
	for _, c := range rep.Checks {
		if !slices.Contains(cards, "check-"+c.ID) {
			t.Errorf("no visible card for check %s; cards: %v", c.ID, cards)
		}
	}

	// Closed <details> (examples of passing checks, the config) hide their
	// content on screen; in print media nothing may stay hidden.
	const countHidden = `Array.from(document.querySelectorAll("details > :not(summary)"))
		.filter(function (e) { return !e.checkVisibility(); }).length`
	hidden, err := chromedp.Run(tab, chromedp.Evaluate[int](countHidden))
	if err != nil {
		t.Fatalf("count hidden details: %v", err)
	}
	if hidden == 0 {
		t.Errorf("on screen no part of a <details> is hidden, want the closed ones hidden")
	}

	dir := os.Getenv("DATAREADY_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	screen, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	// Print media at the width of an A4 page (210 mm at 96 dpi).
	if _, err := chromedp.Call(tab, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatalf("emulate print media: %v", err)
	}
	if err := chromedp.Do(tab, chromedp.EmulateViewport(794, 1123)); err != nil {
		t.Fatalf("emulate an A4 page: %v", err)
	}
	printed, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("print screenshot: %v", err)
	}
	// Nothing is wider than the page: a wider table would be cut on paper.
	width, err := chromedp.Run(tab, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil {
		t.Fatalf("measure the page: %v", err)
	}
	if width > 794 {
		t.Errorf("in print media at A4 width the page is %d px wide, want at most 794 (something would be cut)", width)
	}
	hidden, err = chromedp.Run(tab, chromedp.Evaluate[int](countHidden))
	if err != nil {
		t.Fatalf("count hidden details: %v", err)
	}
	if hidden != 0 {
		t.Errorf("in print media %d parts of <details> are hidden, want none", hidden)
	}
	for _, shot := range []struct {
		name string
		png  []byte
	}{{"report-screen.png", screen}, {"report-print.png", printed}} {
		path := filepath.Join(dir, shot.name)
		if err := os.WriteFile(path, shot.png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", path)
	}

	if _, err := chromedp.Call(tab, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{}); err != nil {
		t.Fatalf("end print media: %v", err)
	}
	if err := chromedp.Do(tab, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatalf("restore the viewport: %v", err)
	}
	// Back on screen, the script made the checks table sortable: sorting
	// by status puts the failing check first.
	if err := chromedp.Do(tab, chromedp.Click(chromedp.CSS(".checks-table th:first-child button"))); err != nil {
		t.Fatalf("sort the checks table: %v", err)
	}
	first, err := chromedp.Run(tab, chromedp.Text(chromedp.CSS(".checks-table tbody tr:first-child code")))
	if err != nil {
		t.Fatalf("read the sorted table: %v", err)
	}
	// The first failing check in report order (the sort is stable).
	want := ""
	for _, c := range rep.Checks {
		if c.Status == "fail" {
			want = c.ID
			break
		}
	}
	if first != want {
		t.Errorf("after sorting by status the first check is %q, want %q", first, want)
	}

	watch.check(t)
}

// browserEscaping opens reports whose every data string is markup: no
// script from the data may run, no element from it may exist.
func browserEscaping(browser context.Context, t *testing.T) {
	for _, tc := range []struct {
		payload string
		rep     *audit.Report
	}{
		{scriptLabel, payloadReport(scriptLabel)},
		{imgColumn, payloadReport(imgColumn)},
		{scriptLabel, familyPayloadReport(scriptLabel)},
		{imgColumn, familyPayloadReport(imgColumn)},
	} {
		payload := tc.payload
		doc, err := HTML(tc.rep)
		if err != nil {
			t.Fatalf("HTML: %v", err)
		}
		tab, watch := openReport(browser, t, doc)
		counts, err := chromedp.Run(tab, chromedp.Evaluate[[]int](`[document.scripts.length, document.images.length,
			document.querySelectorAll("[onerror]").length]`))
		if err != nil {
			t.Fatalf("count elements: %v", err)
		}
		if want := []int{1, 0, 0}; !slices.Equal(counts, want) {
			t.Errorf("payload %q: scripts, images, onerror attributes = %v, want %v", payload, counts, want)
		}
		text, err := chromedp.Run(tab, chromedp.Text(chromedp.CSS("#verdict")))
		if err != nil {
			t.Fatalf("read the verdict: %v", err)
		}
		if !strings.Contains(text, payload) {
			t.Errorf("the verdict banner reads %q, want the payload %q shown as text", text, payload)
		}
		watch.check(t)
	}
}
