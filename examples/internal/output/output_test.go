package output

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// write writes data to path through a File and commits it.
func write(t *testing.T, path, data string) error {
	t.Helper()
	o, err := Create(path)
	if err != nil {
		return err
	}
	if _, err := o.Write([]byte(data)); err != nil {
		o.Abort()
		return err
	}
	return o.Commit()
}

// leftovers returns the temporary files left in dir.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, ".*.part"))
	require.NoError(t, err)
	return m
}

func TestTargets(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := t.TempDir()

	// Absent, then a regular file replaced, with os.Create's mode.
	out := filepath.Join(dir, "out.json")
	require.NoError(t, write(t, out, "one"))
	require.NoError(t, os.Chmod(out, 0o600))
	require.NoError(t, write(t, out, "two"))
	b, _ := os.ReadFile(out)
	info, _ := os.Stat(out)
	if string(b) != "two" || info.Mode().Perm() != 0o644 {
		t.Errorf("replaced file: %q, mode %v; want \"two\", 0644", b, info.Mode().Perm())
	}

	// A symbolic link: its target replaced, the link kept.
	link := filepath.Join(dir, "link.json")
	require.NoError(t, os.Symlink("out.json", link))
	require.NoError(t, write(t, link, "three"))
	if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
		t.Error("the link was replaced")
	}
	if b, _ := os.ReadFile(out); string(b) != "three" {
		t.Errorf("the link's target holds %q", b)
	}

	// A directory is refused; a device is written in place.
	if err := write(t, dir, "x"); err == nil || !strings.Contains(err.Error(), "directory") {
		t.Errorf("a directory: %v", err)
	}
	require.NoError(t, write(t, os.DevNull, "x"))
	if fi, err := os.Stat(os.DevNull); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		t.Errorf("%s is no longer a device: %v", os.DevNull, err)
	}
	if l := leftovers(t, dir); len(l) > 0 {
		t.Errorf("temporary files left: %v", l)
	}
}

func TestAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.json")
	require.NoError(t, os.WriteFile(out, []byte("issued"), 0o644))
	o, err := Create(out)
	require.NoError(t, err)
	o.Write([]byte("half"))
	o.Abort()
	if b, _ := os.ReadFile(out); string(b) != "issued" {
		t.Errorf("the target changed: %q", b)
	}
	if l := leftovers(t, dir); len(l) > 0 {
		t.Errorf("temporary files left: %v", l)
	}
}

// TestStaleParts: the temporary file of a run that was killed (a process
// that is gone) is removed by the next run for the same target; one of a
// running process, or of another target, is left.
func TestStaleParts(t *testing.T) {
	dir := t.TempDir()
	gone := filepath.Join(dir, ".out.json.999999999-0.part")
	running := filepath.Join(dir, ".out.json.1-0.part") // init: always there
	other := filepath.Join(dir, ".other.json.999999999-0.part")
	for _, f := range []string{gone, running, other} {
		require.NoError(t, os.WriteFile(f, []byte("x"), 0o644))
	}
	require.NoError(t, write(t, filepath.Join(dir, "out.json"), "y"))
	for f, want := range map[string]bool{gone: false, running: true, other: true} {
		if _, err := os.Stat(f); (err == nil) != want {
			t.Errorf("%s: there %v, want %v", filepath.Base(f), err == nil, want)
		}
	}
}
