package model

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// OwnerKind says what an attachment (bilag) belongs to.
type OwnerKind string

// The owners of attachments.
const (
	OwnerItem    OwnerKind = "item"    // an agenda item
	OwnerProject OwnerKind = "project" // a project
	OwnerWish    OwnerKind = "wish"    // a budget wish
	OwnerEntry   OwnerKind = "entry"   // a line of the accounts: its receipt (bilag)
)

// OwnerKinds lists every owner kind.
var OwnerKinds = []OwnerKind{OwnerItem, OwnerProject, OwnerWish, OwnerEntry}

// Limits on attachments. A council's bilag travel to every laptop of the
// council and to the municipality, often over a village hall's mobile
// connection: a file is at most 25 MB, and a council keeps at most 2 GB
// of distinct files.
const (
	MaxAttachmentSize    int64 = 25 << 20
	MaxCouncilAttachment int64 = 2 << 30
)

// Attachment is a file (bilag) attached to an agenda item, a project, a
// budget wish or a line of the accounts (its receipt). The file itself is kept apart from the rows, named by the
// SHA-256 of its bytes (lower-case hex), so that the same file attached
// twice is kept once.
type Attachment struct {
	ID        string
	CouncilID string
	OwnerKind OwnerKind
	OwnerID   string
	Name      string // the file's name as the user gave it, no folders
	MediaType string // "application/pdf", "image/png", …
	Size      int64  // bytes
	SHA256    string // 64 lower-case hex digits
	Added     time.Time
}

// ValidSHA256 tells whether s is a SHA-256 in lower-case hex.
func ValidSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
			return false
		}
	}
	return true
}

// CleanFileName is the name an attachment keeps of a file's path: its last
// element, without control characters, at most MaxShort letters (the
// extension kept).
func CleanFileName(p string) string {
	p = strings.ReplaceAll(p, "\\", "/")
	name := path.Base(p)
	if name == "." || name == "/" {
		name = ""
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) > MaxShort {
		ext := path.Ext(name)
		if utf8.RuneCountInString(ext) > 20 {
			ext = ""
		}
		r := []rune(strings.TrimSuffix(name, ext))
		name = string(r[:MaxShort-utf8.RuneCountInString(ext)]) + ext
	}
	return name
}

// MediaTypeOf guesses a file's media type from its name's extension; an
// unknown one is "application/octet-stream".
func MediaTypeOf(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".pdf":
		return "application/pdf"
	case ".png":
		return "image/png"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".gif":
		return "image/gif"
	case ".docx":
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	case ".xlsx":
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case ".pptx":
		return "application/vnd.openxmlformats-officedocument.presentationml.presentation"
	case ".doc":
		return "application/msword"
	case ".xls":
		return "application/vnd.ms-excel"
	case ".odt":
		return "application/vnd.oasis.opendocument.text"
	case ".ods":
		return "application/vnd.oasis.opendocument.spreadsheet"
	case ".txt":
		return "text/plain"
	}
	return "application/octet-stream"
}

// IsPDF and IsImage say how the meeting packet includes an attachment: a
// PDF page by page, an image on a page of its own; anything else is listed
// by name and sent separately.
func (a Attachment) IsPDF() bool { return a.MediaType == "application/pdf" }

// IsImage: see IsPDF. Only the formats the packet can place (PNG, JPEG,
// GIF).
func (a Attachment) IsImage() bool {
	return a.MediaType == "image/png" || a.MediaType == "image/jpeg" || a.MediaType == "image/gif"
}

// Validate checks the attachment row.
func (a *Attachment) Validate() error {
	var errs []error
	if !slices.Contains(OwnerKinds, a.OwnerKind) || a.OwnerID == "" {
		errs = append(errs, fieldErr("owner", "The attachment belongs to nothing", "Bilaget hører ikke til noget punkt, projekt, budgetønske eller regnskabslinje"))
	}
	errs = append(errs, checkText("file name", a.Name, true, MaxShort))
	if a.Name != CleanFileName(a.Name) {
		errs = append(errs, fieldErr("file name", "The file name is not valid", "Filnavnet er ikke gyldigt"))
	}
	errs = append(errs, checkText("media type", a.MediaType, false, MaxShort))
	if a.Size < 0 || a.Size > MaxAttachmentSize {
		errs = append(errs, fieldErr("size", "The file is too big", fmt.Sprintf("Filen er for stor (højst %s)", Bytes(MaxAttachmentSize))))
	}
	if !ValidSHA256(a.SHA256) {
		errs = append(errs, fieldErr("sha256", "The file's checksum is not valid", "Filens kontrolsum er ikke gyldig"))
	}
	return errors.Join(errs...)
}

// Bytes writes a size the Danish way: "812 B", "1,5 MB", "25 MB".
func Bytes(n int64) string {
	const kb, mb, gb = 1 << 10, 1 << 20, 1 << 30
	unit, div := "B", int64(1)
	switch {
	case n >= gb:
		unit, div = "GB", gb
	case n >= mb:
		unit, div = "MB", mb
	case n >= kb:
		unit, div = "kB", kb
	}
	if div == 1 {
		return fmt.Sprintf("%d B", n)
	}
	tenths := (n*10 + div/2) / div
	if tenths%10 == 0 {
		return fmt.Sprintf("%d %s", tenths/10, unit)
	}
	return fmt.Sprintf("%d,%d %s", tenths/10, tenths%10, unit)
}

// viewable are the extensions of documents and pictures that Lokalråd
// hands to the system's viewer. Any other file (a program, a script, a
// shortcut, .desktop, an Office file with macros) could run code when the
// system "opens" it, and an attachment comes from any device of the
// council, or a bundle: such a file is not opened (review 2).
var viewable = map[string]bool{
	".pdf": true, ".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".webp": true,
	".tif": true, ".tiff": true, ".bmp": true, ".heic": true,
	".txt": true, ".csv": true, ".rtf": true,
	".doc": true, ".docx": true, ".xls": true, ".xlsx": true, ".ppt": true, ".pptx": true,
	".odt": true, ".ods": true, ".odp": true,
	".mp3": true, ".m4a": true, ".wav": true, ".mp4": true, ".mov": true,
}

// Viewable tells whether a file named name may be opened in the system's
// viewer: its extension (the last one, as Windows reads it, ignoring case;
// a name ending in a dot or space, which Windows strips, or holding a
// colon, an NTFS stream, is not) is a document's or a picture's.
func Viewable(name string) bool {
	if name == "" || strings.ContainsAny(name, ":") || strings.HasSuffix(name, ".") || strings.HasSuffix(name, " ") {
		return false
	}
	return viewable[strings.ToLower(path.Ext(name))]
}
