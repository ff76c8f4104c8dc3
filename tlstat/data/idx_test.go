package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// idxBytes encodes an unsigned-byte IDX file with the given dimensions.
func idxBytes(dims []int, data []byte) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, idxTypeUbyte, byte(len(dims))})
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, uint32(d))
	}
	b.Write(data)
	return b.Bytes()
}

func gzipBytes(t testing.TB, raw []byte) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func writeFile(t testing.TB, dir, name string, data []byte) string {
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// smallImages returns n deterministic rows×cols images with labels i mod 10.
func smallImages(n, rows, cols int) *Images {
	im := &Images{Rows: rows, Cols: cols, Pix: make([]uint8, n*rows*cols), Labels: make([]uint8, n)}
	for i := range im.Pix {
		im.Pix[i] = uint8((i*37 + 11) % 256) // arbitrary deterministic pattern
	}
	for i := range im.Labels {
		im.Labels[i] = uint8(i % 10)
	}
	return im
}

// writeIDXPair writes im as an images and a labels file, optionally gzipped.
func writeIDXPair(t testing.TB, dir, prefix string, im *Images, gz bool) (string, string) {
	img := idxBytes([]int{im.Len(), im.Rows, im.Cols}, im.Pix)
	lab := idxBytes([]int{im.Len()}, im.Labels)
	suffix := ""
	if gz {
		img, lab, suffix = gzipBytes(t, img), gzipBytes(t, lab), ".gz"
	}
	return writeFile(t, dir, prefix+"-images-idx3-ubyte"+suffix, img),
		writeFile(t, dir, prefix+"-labels-idx1-ubyte"+suffix, lab)
}

func equalImages(a, b *Images) bool {
	return a.Rows == b.Rows && a.Cols == b.Cols && a.channels() == b.channels() &&
		bytes.Equal(a.Pix, b.Pix) && bytes.Equal(a.Labels, b.Labels)
}

func TestReadIDXRoundTrip(t *testing.T) {
	want := smallImages(7, 4, 6)
	for _, gz := range []bool{false, true} {
		dir := t.TempDir()
		ip, lp := writeIDXPair(t, dir, "train", want, gz)
		got, err := ReadIDX(ip, lp)
		if err != nil {
			t.Fatalf("gz=%v: %v", gz, err)
		}
		if !equalImages(got, want) {
			t.Errorf("gz=%v: round trip differs", gz)
		}
		if err := got.Validate(); err != nil {
			t.Errorf("gz=%v: Validate: %v", gz, err)
		}
	}
}

func TestReadIDXErrors(t *testing.T) {
	good := smallImages(3, 2, 2)
	img := idxBytes([]int{3, 2, 2}, good.Pix)
	lab := idxBytes([]int{3}, good.Labels)
	for _, c := range []struct {
		name     string
		img, lab []byte
		want     string // substring of the error
	}{
		{"short", []byte{0, 0}, lab, "truncated"},
		{"bad magic", append([]byte{1, 2}, img[2:]...), lab, "bad magic"},
		{"float type", append([]byte{0, 0, 0x0d}, img[3:]...), lab, "element type"},
		{"wrong ndim", lab, lab, "dimensions"},
		{"truncated header", img[:9], lab, "truncated header"},
		{"truncated data", img[:len(img)-1], lab, "truncated"},
		{"trailing", append(append([]byte{}, img...), 0), lab, "trailing"},
		{"huge dims", idxBytes([]int{1 << 31, 1 << 31, 1 << 31}, nil), lab, "truncated"},
		{"zero rows", idxBytes([]int{3, 0, 2}, nil), lab, "zero"},
		{"no items", idxBytes([]int{0, 2, 2}, nil), idxBytes([]int{0}, nil), "no items"},
		{"count mismatch", img, idxBytes([]int{2}, good.Labels[:2]), "count mismatch"},
		{"bad gzip", append([]byte{0x1f, 0x8b}, img...), lab, "gzip"},
		{"truncated gzip", gzipBytes(t, img)[:20], lab, "truncated"},
	} {
		dir := t.TempDir()
		ip := writeFile(t, dir, "imgs", c.img)
		lp := writeFile(t, dir, "labs", c.lab)
		_, err := ReadIDX(ip, lp)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, c.want) || !strings.Contains(msg, dir) {
			t.Errorf("%s: error %q does not name the file and %q", c.name, msg, c.want)
		}
	}
	if _, err := ReadIDX(filepath.Join(t.TempDir(), "missing"), "x"); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("missing file: error %v", err)
	}
}

func TestReadIDXDir(t *testing.T) {
	train, test := smallImages(5, 2, 2), smallImages(3, 2, 2)
	// Standard MNIST names, gzipped.
	dir := t.TempDir()
	writeIDXPair(t, dir, "train", train, true)
	writeIDXPair(t, dir, "t10k", test, true)
	tr, te, err := ReadIDXDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !equalImages(tr, train) || !equalImages(te, test) {
		t.Error("standard names: data differ")
	}
	// EMNIST-style names, raw.
	dir = t.TempDir()
	writeIDXPair(t, dir, "emnist-letters-train", train, false)
	writeIDXPair(t, dir, "emnist-letters-test", test, false)
	if tr, te, err = ReadIDXDir(dir); err != nil {
		t.Fatal(err)
	}
	if !equalImages(tr, train) || !equalImages(te, test) {
		t.Error("EMNIST names: data differ")
	}
	// Two splits in one directory are ambiguous.
	writeIDXPair(t, dir, "emnist-digits-train", train, false)
	if _, _, err = ReadIDXDir(dir); err == nil || !strings.Contains(err.Error(), "ambiguous") {
		t.Errorf("ambiguous directory: error %v", err)
	}
	// Missing files.
	if _, _, err = ReadIDXDir(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no train images file") {
		t.Errorf("empty directory: error %v", err)
	}
}

// FuzzReadIDX checks that arbitrary bytes (raw or gzipped) never panic and
// that any accepted file is self-consistent.
func FuzzReadIDX(f *testing.F) {
	im := smallImages(2, 3, 3)
	f.Add(idxBytes([]int{2, 3, 3}, im.Pix))
	f.Add(gzipBytes(f, idxBytes([]int{2, 3, 3}, im.Pix)))
	f.Add(idxBytes([]int{2}, im.Labels))
	f.Add([]byte{0, 0, 8, 3, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, ndim := range []int{idxLabelsDim, idxImagesDim} {
			data, dims, err := parseIDX(bytes.NewReader(b), int64(len(b)), ndim)
			if err != nil {
				continue
			}
			n := 1
			for _, d := range dims {
				n *= d
			}
			if len(dims) != ndim || n != len(data) || n == 0 {
				t.Fatalf("accepted inconsistent file: dims %v, %d bytes", dims, len(data))
			}
		}
	})
}
