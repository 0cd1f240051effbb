package model

import (
	"strings"
	"testing"
)

func TestCleanFileName(t *testing.T) {
	long := strings.Repeat("å", 300) + ".pdf"
	for _, c := range []struct{ in, want string }{
		{"/home/anne/Dokumenter/Tilbud fra Brøndum.pdf", "Tilbud fra Brøndum.pdf"},
		{`C:\Users\Anne\Skrivebord\Referat.docx`, "Referat.docx"},
		{"  kort\x00\x1b[31m.png  ", "kort[31m.png"},
		{"../../etc/passwd", "passwd"},
		{"/", ""},
		{long, strings.Repeat("å", MaxShort-4) + ".pdf"},
	} {
		if got := CleanFileName(c.in); got != c.want {
			t.Errorf("CleanFileName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 812: "812 B", 1536: "1,5 kB", 25 << 20: "25 MB", 2 << 30: "2 GB", 5_400_000: "5,1 MB"} {
		if got := Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestAttachmentValidateAndOps(t *testing.T) {
	sum := strings.Repeat("ab", 32)
	ok := Attachment{OwnerKind: OwnerItem, OwnerID: "i1", Name: "Tilbud.pdf", MediaType: "application/pdf", Size: 10, SHA256: sum}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid attachment: %v", err)
	}
	for name, bad := range map[string]Attachment{
		"no owner":       {OwnerKind: OwnerItem, Name: "a.pdf", SHA256: sum},
		"unknown kind":   {OwnerKind: "meeting", OwnerID: "m", Name: "a.pdf", SHA256: sum},
		"folder in name": {OwnerKind: OwnerWish, OwnerID: "w", Name: "x/a.pdf", SHA256: sum},
		"too big":        {OwnerKind: OwnerWish, OwnerID: "w", Name: "a.pdf", SHA256: sum, Size: MaxAttachmentSize + 1},
		"upper-case sum": {OwnerKind: OwnerWish, OwnerID: "w", Name: "a.pdf", SHA256: strings.ToUpper(sum)},
		"short sum":      {OwnerKind: OwnerWish, OwnerID: "w", Name: "a.pdf", SHA256: sum[:63]},
	} {
		if err := bad.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// The same rules on ops from other replicas.
	for _, c := range []struct {
		field string
		value any
		ok    bool
	}{
		{"sha256", sum, true}, {"sha256", "../../x", false}, {"sha256", strings.ToUpper(sum), false},
		{"name", "Tilbud.pdf", true}, {"name", "../Tilbud.pdf", false}, {"name", "", false}, {"name", "a\nb.pdf", false},
		{"size", int64(MaxAttachmentSize), true}, {"size", int64(-1), false}, {"size", int64(MaxAttachmentSize + 1), false},
		{"owner_kind", "project", true}, {"owner_kind", "entry", true}, {"owner_kind", "meeting", false},
	} {
		if err := CheckField("attachments", c.field, c.value); (err == nil) != c.ok {
			t.Errorf("CheckField(attachments.%s, %v) = %v, want ok %v", c.field, c.value, err, c.ok)
		}
	}
}

func TestEraseFromFileName(t *testing.T) {
	for in, want := range map[string]string{
		"Klage fra Anne Brøndum.pdf": "Klage fra tidligere medlem.pdf",
		"Klage_fra_Anne_Brøndum.pdf": "Klage_fra_tidligere medlem.pdf",
		"Anne.Brøndum.referat.pdf":   "tidligere medlem.referat.pdf",
		"Annette Brøndumsen.pdf":     "Annette Brøndumsen.pdf",
		"Referat af mødet.pdf":       "Referat af mødet.pdf",
	} {
		if got := EraseFromFileName(in, "Anne Brøndum"); got != want {
			t.Errorf("EraseFromFileName(%q) = %q, want %q", in, got, want)
		}
	}
}
