// Package assets holds what the app embeds: its icon, the translation
// catalogues (Danish and English) and the fonts that PDFs embed so that
// æ ø å and any Latin name print correctly. It imports only the standard
// library.
package assets

import (
	"embed"
	"io/fs"
)

//go:embed icon.png
var Icon []byte

// WindowIcon is Icon at 128×128 with 8 bits a channel, for the window's
// title bar and task bar: decoding and converting the 512×512 16-bit Icon
// there cost about 5 % of start-up's CPU time (issue 10), and no window
// manager shows a window's icon larger than this.
//
//go:embed window-icon.png
var WindowIcon []byte

//go:embed fonts/DejaVuSans.ttf
var FontRegular []byte

//go:embed fonts/DejaVuSans-Bold.ttf
var FontBold []byte

//go:embed fonts/DejaVuSans-Oblique.ttf
var FontItalic []byte

//go:embed translations
var translations embed.FS

// Translations is the folder of catalogues in the form fyne.io/fyne/v2/lang
// reads: one main JSON file a language (da.json, en.json) and optional
// feature files beside it (da-FEATURE.json, en-FEATURE.json) that the UI
// merges into the language's catalogue.
func Translations() fs.FS {
	sub, err := fs.Sub(translations, "translations")
	if err != nil {
		panic(err) // cannot happen: the folder is embedded
	}
	return sub
}
