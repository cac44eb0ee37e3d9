package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// files writes the three files of an archive into a new directory with the
// given mode and modification time, as two checkouts might hold them.
func files(t *testing.T, mode os.FileMode, mtime time.Time) []entry {
	t.Helper()
	dir := t.TempDir()
	var entries []entry
	// Deliberately out of order.
	for _, f := range []struct {
		name string
		mode int64
	}{{"kubectl_complete-drift", 0o755}, {"kubectl-drift", 0o755}, {"LICENSE", 0o644}} {
		path := filepath.Join(dir, f.name)
		if err := os.WriteFile(path, []byte("contents of "+f.name+"\n"), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(path, mtime, mtime); err != nil {
			t.Fatal(err)
		}
		entries = append(entries, entry{name: f.name, mode: f.mode, path: path})
	}
	return entries
}

func TestArchivesDependOnlyOnTheirContents(t *testing.T) {
	mtime := time.Date(2026, 5, 4, 3, 2, 1, 0, time.UTC)
	for _, name := range []string{"a.tar.gz", "a.zip"} {
		t.Run(name, func(t *testing.T) {
			first := filepath.Join(t.TempDir(), name)
			second := filepath.Join(t.TempDir(), name)
			if err := writeArchive(first, files(t, 0o600, time.Now()), mtime); err != nil {
				t.Fatal(err)
			}
			if err := writeArchive(second, files(t, 0o777, time.Unix(1e9, 0)), mtime); err != nil {
				t.Fatal(err)
			}
			a, b := readFile(t, first), readFile(t, second)
			if !bytes.Equal(a, b) {
				t.Fatalf("two archives of the same files differ")
			}
		})
	}
}

func TestTarGz(t *testing.T) {
	mtime := time.Date(2026, 5, 4, 3, 2, 1, 0, time.UTC)
	path := filepath.Join(t.TempDir(), "a.tar.gz")
	if err := writeArchive(path, files(t, 0o600, time.Now()), mtime); err != nil {
		t.Fatal(err)
	}
	gz, err := gzip.NewReader(bytes.NewReader(readFile(t, path)))
	if err != nil {
		t.Fatal(err)
	}
	if gz.Name != "" || !gz.ModTime.IsZero() {
		t.Errorf("gzip header records name %q and time %v, want neither", gz.Name, gz.ModTime)
	}
	tr := tar.NewReader(gz)
	var got []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, h.Name)
		if h.Typeflag != tar.TypeReg || h.Uid != 0 || h.Gid != 0 || h.Uname != "" || h.Gname != "" || !h.ModTime.Equal(mtime) {
			t.Errorf("%s: type %c uid %d gid %d owner %q:%q mtime %v", h.Name, h.Typeflag, h.Uid, h.Gid, h.Uname, h.Gname, h.ModTime)
		}
		want := int64(0o755)
		if h.Name == "LICENSE" {
			want = 0o644
		}
		if h.Mode != want {
			t.Errorf("%s: mode %o, want %o", h.Name, h.Mode, want)
		}
		data, _ := io.ReadAll(tr)
		if string(data) != "contents of "+h.Name+"\n" {
			t.Errorf("%s holds %q", h.Name, data)
		}
	}
	if strings.Join(got, " ") != "LICENSE kubectl-drift kubectl_complete-drift" {
		t.Errorf("entries %v, want them sorted", got)
	}
}

func TestZip(t *testing.T) {
	mtime := time.Date(2026, 5, 4, 3, 2, 1, 0, time.UTC)
	path := filepath.Join(t.TempDir(), "a.zip")
	if err := writeArchive(path, files(t, 0o600, time.Now()), mtime); err != nil {
		t.Fatal(err)
	}
	data := readFile(t, path)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range zr.File {
		got = append(got, f.Name)
		want := os.FileMode(0o755)
		if f.Name == "LICENSE" {
			want = 0o644
		}
		if f.Mode() != want || !f.Modified.Equal(mtime) || f.Method != zip.Deflate {
			t.Errorf("%s: mode %v mtime %v method %d", f.Name, f.Mode(), f.Modified, f.Method)
		}
	}
	if strings.Join(got, " ") != "LICENSE kubectl-drift kubectl_complete-drift" {
		t.Errorf("entries %v, want them sorted", got)
	}
}

func TestParseFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  string // SOURCE_DATE_EPOCH
		want string
	}{
		{name: "no version", args: nil, want: `-version "": must be a semantic version with a leading v, such as v0.1.0`},
		{name: "version without v", args: []string{"-version", "0.1.0"}, want: `-version "0.1.0": must be a semantic version with a leading v, such as v0.1.0`},
		{name: "version from git describe --always", args: []string{"-version", "v2daf4b5-dirty"}, want: `-version "v2daf4b5-dirty": must be a semantic version with a leading v, such as v0.1.0`},
		{name: "commit with a space", args: []string{"-version", "v0.1.0", "-commit", "a b"}, want: `-commit "a b": must match ^[0-9A-Za-z._-]+$`},
		{name: "platform without arch", args: []string{"-version", "v0.1.0", "-platforms", "linux"}, want: `-platforms: "linux" is not os/arch`},
		{name: "no platforms", args: []string{"-version", "v0.1.0", "-platforms", " , "}, want: `-platforms: none given`},
		{name: "arguments", args: []string{"-version", "v0.1.0", "extra"}, want: `unexpected arguments: extra`},
		{name: "epoch before 1980", args: []string{"-version", "v0.1.0"}, env: "0", want: `SOURCE_DATE_EPOCH="0": want seconds since 1970, from 1980 on`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("SOURCE_DATE_EPOCH", tt.env)
			_, err := parseFlags(tt.args)
			if err == nil || err.Error() != tt.want {
				t.Errorf("got error\n  %v\nwant\n  %s", err, tt.want)
			}
		})
	}
}

func TestParseFlagsDefaults(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "")
	o, err := parseFlags([]string{"-version", "v0.1.0-rc.1+build.5", "-platforms", "linux/amd64,windows/amd64 darwin/arm64"})
	if err != nil {
		t.Fatal(err)
	}
	if o.baseURL != "https://github.com/kubectl-drift/kubectl-drift/releases/download/v0.1.0-rc.1+build.5" ||
		o.commit != "unknown" || !o.mtime.Equal(defaultMtime) || len(o.platforms) != 3 || o.platforms[2].String() != "darwin/arm64" {
		t.Errorf("got %+v", o)
	}
	t.Setenv("SOURCE_DATE_EPOCH", "1796406318")
	if o, err = parseFlags([]string{"-version", "v0.1.0"}); err != nil || o.mtime.Unix() != 1796406318 {
		t.Errorf("SOURCE_DATE_EPOCH: got %v, %v", o, err)
	}
}

func TestArchiveName(t *testing.T) {
	for p, want := range map[platform]string{
		{"linux", "arm64"}:   "kubectl-drift_v0.1.0_linux_arm64.tar.gz",
		{"windows", "amd64"}: "kubectl-drift_v0.1.0_windows_amd64.zip",
	} {
		if got := archiveName("v0.1.0", p); got != want {
			t.Errorf("archiveName(%s) = %s, want %s", p, got, want)
		}
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
