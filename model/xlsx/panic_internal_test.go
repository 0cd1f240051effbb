package xlsx

import (
	"bytes"
	"errors"
	"log"
	"os"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// Review 2, finding 4: when the spreadsheet library panicked on a damaged
// workbook, the error read "filen er beskadiget (runtime error: invalid
// memory address or nil pointer dereference)". Now the user reads Danish
// only and the log keeps the library's English. (No file crafted here
// makes excelize v2.11.1 panic, so the panic is a real one of the library
// on a workbook it failed to set up.)
func TestLibraryPanicIsDanish(t *testing.T) {
	var logged bytes.Buffer
	log.SetOutput(&logged)
	t.Cleanup(func() { log.SetOutput(os.Stderr) })
	err := safely(func() error {
		var f *excelize.File // what a half-read workbook hands on
		_ = f.GetSheetList()
		return nil
	})
	if !errors.Is(err, ErrDamaged) || strings.Contains(err.Error(), "runtime error") || !strings.Contains(err.Error(), "beskadiget") {
		t.Errorf("err = %v", err)
	}
	if !strings.Contains(logged.String(), "runtime error") || !strings.Contains(logged.String(), "excelize") {
		t.Errorf("the log lacks the library's error and where: %q", logged.String())
	}
}
