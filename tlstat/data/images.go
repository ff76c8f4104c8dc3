package data

import "fmt"

// Images is a labelled collection of equally sized 8-bit images, as stored by
// the IDX (MNIST, EMNIST, Fashion-MNIST) and CIFAR-10 binary formats.
type Images struct {
	// Rows and Cols are the height and width of every image in pixels.
	Rows, Cols int
	// Channels is the number of colour planes per image; 0 means 1
	// (grayscale). CIFAR-10 read with CIFARRGB has 3.
	Channels int
	// Pix holds Len()*Channels*Rows*Cols pixel values. Each image is stored
	// contiguously, plane after plane (all red, then all green, then all
	// blue for RGB), each plane row-major.
	Pix []uint8
	// Labels holds one class label per image.
	Labels []uint8
}

// Len returns the number of images (zero for nil).
func (im *Images) Len() int {
	if im == nil {
		return 0
	}
	return len(im.Labels)
}

// channels returns the number of planes, mapping the zero value to 1.
func (im *Images) channels() int {
	if im.Channels <= 0 {
		return 1
	}
	return im.Channels
}

// ImageSize returns the number of bytes of one image, Channels*Rows*Cols.
func (im *Images) ImageSize() int {
	if im == nil {
		return 0
	}
	return im.channels() * im.Rows * im.Cols
}

// Image returns the pixels of image i (a sub-slice of Pix, not a copy).
// It returns nil when i is out of range.
func (im *Images) Image(i int) []uint8 {
	if i < 0 || i >= im.Len() {
		return nil
	}
	s := im.ImageSize()
	return im.Pix[i*s : (i+1)*s]
}

// Validate checks that the image geometry is positive and that Pix holds
// exactly one image per label.
func (im *Images) Validate() error {
	if im == nil {
		return fmt.Errorf("data: nil images")
	}
	if im.Rows <= 0 || im.Cols <= 0 || im.Channels < 0 {
		return fmt.Errorf("data: bad image geometry %d×%d with %d channels", im.Rows, im.Cols, im.Channels)
	}
	if len(im.Labels) == 0 {
		return fmt.Errorf("data: no images")
	}
	if want := len(im.Labels) * im.ImageSize(); len(im.Pix) != want {
		return fmt.Errorf("data: %d labels need %d pixel values, have %d", len(im.Labels), want, len(im.Pix))
	}
	return nil
}

// maxLabel returns the largest label (0 for no labels).
func (im *Images) maxLabel() int {
	m := 0
	for _, l := range im.Labels {
		if int(l) > m {
			m = int(l)
		}
	}
	return m
}
