package data

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

// cifarBytes encodes n CIFAR-10 records with labels i mod 10 and a
// deterministic pixel pattern; it also returns the expected RGB pixels.
func cifarBytes(n int) (file, pix, labels []byte) {
	for i := 0; i < n; i++ {
		l := byte(i % 10)
		labels = append(labels, l)
		file = append(file, l)
		for j := 0; j < 3*cifarPlane; j++ {
			v := byte((i*131 + j*7) % 256) // arbitrary deterministic pattern
			file = append(file, v)
			pix = append(pix, v)
		}
	}
	return file, pix, labels
}

func TestReadCIFAR10RoundTrip(t *testing.T) {
	dir := t.TempDir()
	b1, pix1, lab1 := cifarBytes(3)
	b2, pix2, lab2 := cifarBytes(2)
	p1 := writeFile(t, dir, "data_batch_1.bin", b1)
	p2 := writeFile(t, dir, "data_batch_2.bin", b2)

	rgb, err := ReadCIFAR10(CIFARRGB, p1, p2)
	if err != nil {
		t.Fatal(err)
	}
	if err := rgb.Validate(); err != nil {
		t.Fatal(err)
	}
	if rgb.Len() != 5 || rgb.Channels != 3 || rgb.Rows != 32 || rgb.Cols != 32 || rgb.ImageSize() != 3072 {
		t.Fatalf("geometry: len %d, %d×%d×%d", rgb.Len(), rgb.Channels, rgb.Rows, rgb.Cols)
	}
	if !bytes.Equal(rgb.Pix, append(pix1, pix2...)) || !bytes.Equal(rgb.Labels, append(lab1, lab2...)) {
		t.Error("RGB round trip differs")
	}

	gray, err := ReadCIFAR10(CIFARGray, p1)
	if err != nil {
		t.Fatal(err)
	}
	if gray.Len() != 3 || gray.ImageSize() != 1024 {
		t.Fatalf("gray geometry: len %d, size %d", gray.Len(), gray.ImageSize())
	}
	for k := 0; k < 3; k++ {
		for _, i := range []int{0, 517, 1023} {
			r, g, b := pix1[k*3072+i], pix1[k*3072+1024+i], pix1[k*3072+2048+i]
			// BT.601 luma weights, as documented on CIFARGray.
			want := math.Round(0.299*float64(r) + 0.587*float64(g) + 0.114*float64(b))
			if got := gray.Image(k)[i]; float64(got) != want {
				t.Errorf("image %d pixel %d: gray %d, want %v from RGB (%d,%d,%d)", k, i, got, want, r, g, b)
			}
		}
	}

	// The standard directory layout.
	for i := 3; i <= 5; i++ {
		writeFile(t, dir, "data_batch_"+string(rune('0'+i))+".bin", b2)
	}
	writeFile(t, dir, "test_batch.bin", b2)
	tr, te, err := ReadCIFAR10Dir(dir, CIFARGray)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Len() != 3+4*2 || te.Len() != 2 {
		t.Errorf("ReadCIFAR10Dir: %d training and %d test images, want 11 and 2", tr.Len(), te.Len())
	}
}

func TestReadCIFAR10Errors(t *testing.T) {
	good, _, _ := cifarBytes(2)
	bad := append([]byte{}, good...)
	bad[cifarRecord] = 10 // label of the second record
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "empty"},
		{"truncated", good[:len(good)-5], "truncated"},
		{"bad label", bad, "bad label 10 in record 1"},
	} {
		p := writeFile(t, t.TempDir(), "batch.bin", c.data)
		_, err := ReadCIFAR10(CIFARGray, p)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: error %v, want mention of %q and %s", c.name, err, c.want, p)
		}
	}
	if _, err := ReadCIFAR10(CIFARGray); err == nil {
		t.Error("no files: no error")
	}
	if _, err := ReadCIFAR10(CIFARMode(7), "x"); err == nil {
		t.Error("bad mode: no error")
	}
}

// FuzzCIFAR10 checks that arbitrary bytes never panic and that accepted
// input has consistent sizes and labels.
func FuzzCIFAR10(f *testing.F) {
	b, _, _ := cifarBytes(1)
	f.Add(b)
	f.Add(b[:100])
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, mode := range []CIFARMode{CIFARGray, CIFARRGB} {
			im := &Images{Rows: cifarSide, Cols: cifarSide}
			if mode == CIFARRGB {
				im.Channels = 3
			}
			if err := parseCIFAR(bytes.NewReader(b), mode, im); err != nil {
				continue
			}
			if err := im.Validate(); err != nil {
				t.Fatal(err)
			}
			for _, l := range im.Labels {
				if l >= cifarClasses {
					t.Fatalf("accepted label %d", l)
				}
			}
		}
	})
}
