package statement_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/exempelby/ersattning/reimbursement"
	"github.com/exempelby/ersattning/reimbursement/statement"
)

// chromium returns the path of a Chromium to test in, or skips the test
// saying why: a test that cannot run in a browser is not passed silently.
func chromium(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: the statements are not rendered in a browser")
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no Chromium on this machine (apt-get install -y chromium): the statements are not rendered in a browser")
	return ""
}

// browser starts a headless Chromium for the test.
func browser(t *testing.T, path string) context.Context {
	t.Helper()
	actx, cancel := chromedp.NewExecAllocator(context.Background(), chromedp.ExecPath(path), chromedp.Headless,
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.UserDataDir(t.TempDir()))
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	ctx, cancel = context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// a4Width is the width of an A4 page less the statement's margins (12 mm
// each side), in CSS pixels: 186 mm at 96 per inch.
const a4Width = 703

// TestStatementsInBrowser renders the sample month's statements and a
// correction in headless Chromium: no console errors; the visible text of
// each page holds its provider's total and every line's amount as the
// settlement has them; the page is no wider than A4 when printed, and
// prints to a PDF. It saves a screenshot of a statement under testdata/
// for review.
func TestStatementsInBrowser(t *testing.T) {
	path := chromium(t)
	st, opt := sample(t)
	dir := t.TempDir()
	write := func(name string, emit func(*bytes.Buffer) error) {
		var b bytes.Buffer
		require.NoError(t, emit(&b))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644))
	}
	write("index.html", func(b *bytes.Buffer) error { return statement.WriteIndex(b, st, opt) })
	for i := range st.Providers {
		p := &st.Providers[i]
		write(statement.FileName(p.Provider), func(b *bytes.Buffer) error { return statement.WriteProvider(b, st, p, opt) })
	}
	current := withLateVisit(t, st)
	write("correction-P1.html", func(b *bytes.Buffer) error { return statement.WriteCorrection(b, st, current, "P1", opt) })
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()

	ctx := browser(t, path)
	// The browser starts with the first action; the console is listened
	// to after that, on the tab the pages are opened in.
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate("about:blank")))
	var mu sync.Mutex
	var problems []string
	go func() {
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() || m.Type == chromedp.ConsoleWarning {
				mu.Lock()
				problems = append(problems, m.String())
				mu.Unlock()
			}
		}
	}()
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(a4Width, 1000)))
	_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
	require.NoError(t, err)

	for i := range st.Providers {
		p := &st.Providers[i]
		text := render(t, ctx, srv.URL+"/"+statement.FileName(p.Provider))
		want := []string{statement.Money(p.Total, statement.Swedish)}
		for _, l := range p.Lines {
			want = append(want, statement.Money(l.Amount, statement.Swedish))
		}
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: the page does not show %q", p.Provider, w)
			}
		}
	}
	index := render(t, ctx, srv.URL+"/index.html")
	if !strings.Contains(index, statement.Money(st.Total, statement.Swedish)) {
		t.Errorf("the index does not show the total %s", st.Total)
	}
	corr := render(t, ctx, srv.URL+"/correction-P1.html")
	for _, w := range []string{"Rättelse", "109,00 kr", "Tidigare utbetalt"} {
		if !strings.Contains(corr, w) {
			t.Errorf("the correction does not show %q", w)
		}
	}

	render(t, ctx, srv.URL+"/P1.html")
	pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4)))
	require.NoError(t, err)
	if !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Error("printing P1's statement gives no PDF")
	}
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	require.NoError(t, err)
	require.NoError(t, os.WriteFile("testdata/statement-P1.png", shot, 0o644))

	time.Sleep(100 * time.Millisecond) // the console's last messages
	mu.Lock()
	defer mu.Unlock()
	for _, p := range problems {
		t.Errorf("console: %s", p)
	}
}

// render opens url and returns its visible text, failing when the page is
// wider than the printed A4 page.
func render(t *testing.T, ctx context.Context, url string) string {
	t.Helper()
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(url)))
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string]("document.body.innerText"))
	require.NoError(t, err)
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[float64]("document.documentElement.scrollWidth"))
	require.NoError(t, err)
	if wide > a4Width {
		t.Errorf("%s is %v pixels wide, wider than A4's %d", url, wide, a4Width)
	}
	return text
}

// withLateVisit returns st with 15 minutes more in P1's first dag line,
// 109,00 kr, as a re-run after a visit approved late would have it.
func withLateVisit(t *testing.T, st *reimbursement.Settlement) *reimbursement.Settlement {
	t.Helper()
	cur := *st
	cur.Providers = append([]reimbursement.ProviderSettlement(nil), st.Providers...)
	p := &cur.Providers[0]
	require.Equal(t, "P1", p.Provider)
	p.Lines = append([]reimbursement.Line(nil), p.Lines...)
	for i := range p.Lines {
		if l := &p.Lines[i]; l.Band == "dag" && l.Component == "base" {
			l.Quantity = l.Quantity.Add(decimal.NewFromInt(15))
			l.Amount = l.Amount.Add(decimal.RequireFromString("109.00"))
			break
		}
	}
	p.Total = p.Total.Add(decimal.RequireFromString("109.00"))
	cur.Total = cur.Total.Add(decimal.RequireFromString("109.00"))
	return &cur
}
