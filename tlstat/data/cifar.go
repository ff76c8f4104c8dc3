package data

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
)

// CIFAR-10 binary format: each record is one label byte followed by a
// 32×32 red plane, a green plane and a blue plane (row-major), 3073 bytes.
const (
	cifarSide    = 32
	cifarPlane   = cifarSide * cifarSide // 1024
	cifarRecord  = 1 + 3*cifarPlane      // 3073
	cifarClasses = 10
)

// CIFARMode selects how ReadCIFAR10 stores colour.
type CIFARMode int

const (
	// CIFARGray converts every pixel to one gray level,
	// round(0.299 R + 0.587 G + 0.114 B) (ITU-R BT.601 luma), giving
	// 32×32 single-channel images (N0 = 1024 before pooling).
	CIFARGray CIFARMode = iota
	// CIFARRGB keeps the three colour planes: Channels = 3 and
	// 3×32×32 = 3072 values per image, plane after plane, as in the file.
	// Pooling then acts on each plane separately.
	CIFARRGB
)

// ReadCIFAR10 reads and concatenates CIFAR-10 binary batch files
// (data_batch_1.bin ... data_batch_5.bin, test_batch.bin) in the given
// order. The error names the file and the problem: a size that is not a
// multiple of 3073 bytes (truncated record) or a label outside 0..9.
func ReadCIFAR10(mode CIFARMode, paths ...string) (*Images, error) {
	if mode != CIFARGray && mode != CIFARRGB {
		return nil, fmt.Errorf("data: unknown CIFAR mode %d", mode)
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("data: no CIFAR-10 batch files given")
	}
	im := &Images{Rows: cifarSide, Cols: cifarSide}
	if mode == CIFARRGB {
		im.Channels = 3
	}
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("data: %w", err)
		}
		err = parseCIFAR(f, mode, im)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("data: %s: %w", p, err)
		}
	}
	return im, nil
}

// ReadCIFAR10Dir reads the standard CIFAR-10 binary distribution from dir
// (the directory cifar-10-batches-bin): data_batch_1.bin to
// data_batch_5.bin as the training set (50000 images) and test_batch.bin as
// the test set (10000 images).
func ReadCIFAR10Dir(dir string, mode CIFARMode) (train, test *Images, err error) {
	var tr []string
	for i := 1; i <= 5; i++ {
		tr = append(tr, filepath.Join(dir, fmt.Sprintf("data_batch_%d.bin", i)))
	}
	if train, err = ReadCIFAR10(mode, tr...); err != nil {
		return nil, nil, err
	}
	if test, err = ReadCIFAR10(mode, filepath.Join(dir, "test_batch.bin")); err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

// parseCIFAR appends the records of one batch stream to im.
func parseCIFAR(r io.Reader, mode CIFARMode, im *Images) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("read error: %v", err)
	}
	if len(raw) == 0 {
		return fmt.Errorf("empty file")
	}
	if rem := len(raw) % cifarRecord; rem != 0 {
		return fmt.Errorf("truncated: %d bytes is %d records of %d bytes plus %d bytes",
			len(raw), len(raw)/cifarRecord, cifarRecord, rem)
	}
	n := len(raw) / cifarRecord
	for k := 0; k < n; k++ {
		rec := raw[k*cifarRecord : (k+1)*cifarRecord]
		if rec[0] >= cifarClasses {
			return fmt.Errorf("bad label %d in record %d (byte offset %d), must be 0..%d",
				rec[0], k, k*cifarRecord, cifarClasses-1)
		}
	}
	for k := 0; k < n; k++ {
		rec := raw[k*cifarRecord : (k+1)*cifarRecord]
		im.Labels = append(im.Labels, rec[0])
		px := rec[1:]
		if mode == CIFARRGB {
			im.Pix = append(im.Pix, px...)
			continue
		}
		for i := 0; i < cifarPlane; i++ {
			g := 0.299*float64(px[i]) + 0.587*float64(px[cifarPlane+i]) + 0.114*float64(px[2*cifarPlane+i])
			im.Pix = append(im.Pix, uint8(math.Min(255, math.Round(g))))
		}
	}
	return nil
}

// IsCIFAR10Dir reports whether dir holds the CIFAR-10 binary distribution
// (test_batch.bin and data_batch_1.bin at least).
func IsCIFAR10Dir(dir string) bool {
	for _, name := range []string{"data_batch_1.bin", "test_batch.bin"} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.IsDir() {
			return false
		}
	}
	return true
}

// ReadImageDir reads a directory of images: the CIFAR-10 binary
// distribution (IsCIFAR10Dir; every image converted to gray) or else IDX
// files (ReadIDXDir). kind names what was read: "CIFAR-10 (gray)" or "IDX".
func ReadImageDir(dir string) (train, test *Images, kind string, err error) {
	if IsCIFAR10Dir(dir) {
		train, test, err = ReadCIFAR10Dir(dir, CIFARGray)
		return train, test, "CIFAR-10 (gray)", err
	}
	train, test, err = ReadIDXDir(dir)
	return train, test, "IDX", err
}
