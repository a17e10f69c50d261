// Package output writes the output file of an example program so that a
// reader never sees half of it and nothing but that file is touched: the
// bytes go to a temporary file beside the target, which is renamed over
// the target only when all of them are written.
//
// The target may be absent or a regular file, which is replaced; a
// symbolic link, whose target is replaced and the link kept; or a device
// or named pipe (/dev/stdout, /dev/null), which is written to as it is.
// A directory or any other kind of file is an error. The file gets the
// mode os.Create gives (0666 less the umask), whatever it had.
//
// The temporary file is removed on every failure, and when the program is
// interrupted (SIGINT, SIGTERM). A program killed outright (SIGKILL, a
// memory limit) cannot remove it: its name says which process made it,
// and the next run for the same target removes those whose process is
// gone.
package output

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// A File is an output file being written. Write to it, then Commit; Abort
// (or a failed Commit) removes what was written.
type File struct {
	f      *os.File
	target string // the file the output replaces; "" when written in place (a device)
	temp   string
	stop   chan struct{}
	done   chan struct{}
}

// Create starts writing the output file path.
func Create(path string) (*File, error) {
	target, inPlace, err := resolve(path)
	if err != nil {
		return nil, err
	}
	if inPlace {
		f, err := os.OpenFile(target, os.O_WRONLY, 0)
		if err != nil {
			return nil, err
		}
		return &File{f: f}, nil
	}
	removeStale(target)
	dir, base := filepath.Split(target)
	var f *os.File
	var temp string
	for try := 0; ; try++ {
		temp = filepath.Join(dir, fmt.Sprintf(".%s.%d-%d.part", base, os.Getpid(), try))
		f, err = os.OpenFile(temp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
		if err == nil || !errors.Is(err, fs.ErrExist) || try == 100 {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	o := &File{f: f, target: target, temp: temp, stop: make(chan struct{}), done: make(chan struct{})}
	go o.removeOnSignal()
	return o, nil
}

// resolve returns the file that path names for writing: path itself, or
// the file a symbolic link leads to, and whether it is written in place
// (a device or pipe) rather than replaced.
func resolve(path string) (target string, inPlace bool, err error) {
	info, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return path, false, nil
	}
	if err != nil {
		return "", false, err
	}
	for links := 0; info.Mode()&fs.ModeSymlink != 0; links++ {
		// A link is followed by hand, not by filepath.EvalSymlinks: the
		// file it leads to may not exist yet.
		to, err := os.Readlink(path)
		if err != nil {
			return "", false, err
		}
		if !filepath.IsAbs(to) {
			to = filepath.Join(filepath.Dir(path), to)
		}
		if links == 40 {
			return "", false, fmt.Errorf("%s: too many symbolic links", path)
		}
		path = to
		if info, err = os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
			return path, false, nil
		} else if err != nil {
			return "", false, err
		}
	}
	switch mode := info.Mode(); {
	case mode.IsRegular():
		return path, false, nil
	case mode&(fs.ModeDevice|fs.ModeCharDevice|fs.ModeNamedPipe) != 0:
		return path, true, nil
	case mode.IsDir():
		return "", false, fmt.Errorf("%s is a directory", path)
	}
	return "", false, fmt.Errorf("%s is not a regular file, a device or a pipe (%s)", path, info.Mode().Type())
}

// removeStale removes the temporary files of earlier runs for target
// whose process is gone (killed before it could remove them).
func removeStale(target string) {
	dir, base := filepath.Split(target)
	matches, _ := filepath.Glob(filepath.Join(dir, "."+escapeGlob(base)+".*.part"))
	for _, m := range matches {
		rest := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(m), "."+base+"."), ".part")
		pid, err := strconv.Atoi(strings.SplitN(rest, "-", 2)[0])
		if err != nil || pid <= 0 || pid == os.Getpid() {
			continue
		}
		if processGone(pid) {
			os.Remove(m)
		}
	}
}

// escapeGlob escapes the characters filepath.Match treats specially.
func escapeGlob(s string) string {
	return strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`, `[`, `\[`).Replace(s)
}

// removeOnSignal removes the temporary file and ends the program when it
// is interrupted before Commit or Abort.
func (o *File) removeOnSignal() {
	defer close(o.done)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sig)
	select {
	case s := <-sig:
		o.f.Close()
		os.Remove(o.temp)
		fmt.Fprintf(os.Stderr, "interrupted (%v): %s not written\n", s, o.target)
		os.Exit(1)
	case <-o.stop:
	}
}

// Write writes p to the output.
func (o *File) Write(p []byte) (int, error) { return o.f.Write(p) }

// Commit finishes the output: the file is closed and, unless written in
// place, renamed over the target. On failure nothing is left of it.
func (o *File) Commit() error {
	if o.target == "" {
		return o.f.Close()
	}
	close(o.stop)
	<-o.done
	err := o.f.Close()
	if err == nil {
		err = os.Rename(o.temp, o.target)
	}
	if err != nil {
		os.Remove(o.temp)
	}
	return err
}

// Abort gives up the output: nothing of it is left.
func (o *File) Abort() {
	if o.target == "" {
		o.f.Close()
		return
	}
	close(o.stop)
	<-o.done
	o.f.Close()
	os.Remove(o.temp)
}
