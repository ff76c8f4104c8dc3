package data

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// IDX magic numbers: two zero bytes, the element type (0x08 = unsigned
// byte) and the number of dimensions.
const (
	idxTypeUbyte = 0x08
	idxImagesDim = 3 // idx3: count, rows, cols
	idxLabelsDim = 1 // idx1: count
)

// gzipMagic is the first two bytes of a gzip stream (RFC 1952).
var gzipMagic = []byte{0x1f, 0x8b}

// ReadIDX reads an IDX image file (idx3, unsigned bytes) and the matching
// IDX label file (idx1, unsigned bytes), as used by MNIST, EMNIST and
// Fashion-MNIST. Each file may be gzip-compressed or raw; compression is
// detected from the magic bytes, not the file name. The error names the file
// and the problem: bad magic, wrong element type or dimension count,
// truncated data, trailing bytes, or a count mismatch between the files.
//
// Labels are returned as stored (EMNIST letters use 1..26). Note that EMNIST
// stores every image transposed with respect to MNIST.
func ReadIDX(imagesPath, labelsPath string) (*Images, error) {
	pix, dims, err := readIDXFile(imagesPath, idxImagesDim)
	if err != nil {
		return nil, err
	}
	labels, ldims, err := readIDXFile(labelsPath, idxLabelsDim)
	if err != nil {
		return nil, err
	}
	if dims[0] != ldims[0] {
		return nil, fmt.Errorf("data: count mismatch: %s has %d images but %s has %d labels",
			imagesPath, dims[0], labelsPath, ldims[0])
	}
	return &Images{Rows: dims[1], Cols: dims[2], Pix: pix, Labels: labels}, nil
}

// readIDXFile opens and parses one IDX file, naming the file in errors.
func readIDXFile(path string, ndim int) ([]uint8, []int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("data: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("data: %w", err)
	}
	data, dims, err := parseIDX(f, fi.Size(), ndim)
	if err != nil {
		return nil, nil, fmt.Errorf("data: %s: %w", path, err)
	}
	return data, dims, nil
}

// maxDeflateRatio bounds the expansion of a deflate stream (RFC 1951: at
// most 258 bytes from about 2 bits, i.e. 1032:1).
const maxDeflateRatio = 1032

// parseIDX decodes an IDX stream of unsigned bytes with ndim dimensions
// and size bytes, gunzipping it first when it starts with the gzip magic.
// It never panics: the claimed sizes are checked against what the stream
// can hold before the data buffer is allocated, and the buffer is
// allocated once at its exact size.
func parseIDX(r io.Reader, size int64, ndim int) ([]uint8, []int, error) {
	br := bufio.NewReader(r)
	head, _ := br.Peek(2)
	var src io.Reader = br
	bound := uint64(max(size, 0))
	gz := bytes.Equal(head, gzipMagic)
	if gz {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, fmt.Errorf("bad gzip stream: %v", err)
		}
		defer zr.Close()
		src = zr
		bound = bound*maxDeflateRatio + 1024
	}
	readErr := func(what string, got int, need int, err error) error {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return fmt.Errorf("truncated %s: %d bytes, need %d", what, got, need)
		}
		return fmt.Errorf("read error in the %s (corrupt gzip?): %v", what, err)
	}
	var magic [4]byte
	if n, err := io.ReadFull(src, magic[:]); err != nil {
		return nil, nil, readErr("magic number", n, 4, err)
	}
	m := binary.BigEndian.Uint32(magic[:])
	if magic[0] != 0 || magic[1] != 0 {
		return nil, nil, fmt.Errorf("bad magic %#08x: not an IDX file (first two bytes must be zero)", m)
	}
	if magic[2] != idxTypeUbyte {
		return nil, nil, fmt.Errorf("bad magic %#08x: element type %#02x, only unsigned bytes (0x08) are supported", m, magic[2])
	}
	if int(magic[3]) != ndim {
		return nil, nil, fmt.Errorf("bad magic %#08x: %d dimensions, want %d (idx%d)", m, magic[3], ndim, ndim)
	}
	hdr := make([]byte, 4*ndim)
	if n, err := io.ReadFull(src, hdr); err != nil {
		return nil, nil, readErr("header", 4+n, 4+4*ndim, err)
	}
	dims := make([]int, ndim)
	need, overflow := uint64(1), false
	for i := range dims {
		d := uint64(binary.BigEndian.Uint32(hdr[4*i:]))
		dims[i] = int(d)
		if i > 0 && d == 0 {
			return nil, nil, fmt.Errorf("dimension %d of %v is zero", i, dims[:i+1])
		}
		if d != 0 && need > math.MaxUint64/d {
			overflow = true
		}
		need *= d
	}
	if dims[0] == 0 {
		return nil, nil, fmt.Errorf("no items (count 0)")
	}
	if overflow || need > bound {
		n := fmt.Sprint(need)
		if overflow {
			n = "more than 2^64"
		}
		return nil, nil, fmt.Errorf("truncated: dimensions %v need %s data bytes, the file cannot hold more than %d", dims, n, bound)
	}
	data := make([]byte, need)
	if n, err := io.ReadFull(src, data); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, nil, fmt.Errorf("truncated: dimensions %v need %d data bytes, file has %d", dims, need, n)
		}
		return nil, nil, readErr("data", n, int(need), err)
	}
	// Reading to the end also verifies the gzip checksum.
	extra, err := io.Copy(io.Discard, src)
	if err != nil {
		return nil, nil, fmt.Errorf("read error after the data (corrupt gzip?): %v", err)
	}
	if extra > 0 {
		return nil, nil, fmt.Errorf("%d trailing bytes after the %d data bytes of dimensions %v", extra, need, dims)
	}
	return data, dims, nil
}

// idxRole describes one of the four files of an IDX data set.
type idxRole struct {
	names       []string // exact standard names, tried first
	split, kind string   // substrings for the fallback search
	ext         string
}

var idxRoles = [4]idxRole{
	{[]string{"train-images-idx3-ubyte", "train-images.idx3-ubyte"}, "train", "images", "idx3"},
	{[]string{"train-labels-idx1-ubyte", "train-labels.idx1-ubyte"}, "train", "labels", "idx1"},
	{[]string{"t10k-images-idx3-ubyte", "t10k-images.idx3-ubyte"}, "test", "images", "idx3"},
	{[]string{"t10k-labels-idx1-ubyte", "t10k-labels.idx1-ubyte"}, "test", "labels", "idx1"},
}

// ReadIDXDir reads the training and test sets of an IDX data set from dir.
// It first looks for the standard MNIST names
// train-{images-idx3,labels-idx1}-ubyte and t10k-{images-idx3,labels-idx1}-ubyte
// (also with a ".gz" suffix, or with a dot before "idx" as in Kaggle copies);
// failing that, for the unique file whose name contains "train" (resp.
// "test" or "t10k"), "images" (resp. "labels") and "idx3" (resp. "idx1"),
// which matches EMNIST names such as emnist-letters-train-images-idx3-ubyte.gz.
// An ambiguous or missing file is an error listing what was found.
func ReadIDXDir(dir string) (train, test *Images, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("data: IDX directory: %w", err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() {
			names = append(names, e.Name())
		}
	}
	var paths [4]string
	for i, role := range idxRoles {
		p, err := findIDXFile(names, role)
		if err != nil {
			return nil, nil, fmt.Errorf("data: IDX directory %s: %w", dir, err)
		}
		paths[i] = filepath.Join(dir, p)
	}
	train, err = ReadIDX(paths[0], paths[1])
	if err != nil {
		return nil, nil, err
	}
	test, err = ReadIDX(paths[2], paths[3])
	if err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

// findIDXFile picks the file of one role among the names of a directory.
func findIDXFile(names []string, role idxRole) (string, error) {
	have := make(map[string]bool, len(names))
	for _, n := range names {
		have[n] = true
	}
	for _, n := range role.names {
		for _, c := range []string{n, n + ".gz"} {
			if have[c] {
				return c, nil
			}
		}
	}
	var cand []string
	for _, n := range names {
		l := strings.ToLower(n)
		split := strings.Contains(l, role.split)
		if role.split == "test" {
			split = split || strings.Contains(l, "t10k")
		}
		if split && strings.Contains(l, role.kind) && strings.Contains(l, role.ext) {
			cand = append(cand, n)
		}
	}
	sort.Strings(cand)
	switch len(cand) {
	case 0:
		return "", fmt.Errorf("no %s %s file (tried %s[.gz] and names containing %q, %q and %q)",
			role.split, role.kind, strings.Join(role.names, "[.gz], "), role.split, role.kind, role.ext)
	case 1:
		return cand[0], nil
	}
	return "", fmt.Errorf("ambiguous %s %s file: %s", role.split, role.kind, strings.Join(cand, ", "))
}
