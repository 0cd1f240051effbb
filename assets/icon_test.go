package assets

import (
	"bytes"
	"image"
	"image/png"
	"testing"
)

// The window's icon is the app's icon made small for the title and task
// bars: a PNG of 128×128 with 8 bits a channel (cheap to decode at start).
func TestWindowIcon(t *testing.T) {
	img, err := png.Decode(bytes.NewReader(WindowIcon))
	if err != nil {
		t.Fatal(err)
	}
	if got := img.Bounds().Size(); got != image.Pt(128, 128) {
		t.Errorf("window icon %v, want 128×128", got)
	}
	if _, ok := img.(*image.NRGBA); !ok {
		t.Errorf("window icon decodes as %T, want 8-bit RGBA (*image.NRGBA)", img)
	}
	big, err := png.Decode(bytes.NewReader(Icon))
	if err != nil {
		t.Fatal(err)
	}
	// The same picture: the middle pixel's colour within rounding.
	c1, c2 := img.At(64, 64), big.At(256, 256)
	r1, g1, b1, _ := c1.RGBA()
	r2, g2, b2, _ := c2.RGBA()
	for _, d := range []int{int(r1) - int(r2), int(g1) - int(g2), int(b1) - int(b2)} {
		if d < -0x1000 || d > 0x1000 {
			t.Errorf("middle pixel %v in the window icon, %v in the app's icon", c1, c2)
			break
		}
	}
}
