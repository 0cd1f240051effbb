package ui

import (
	"strings"
	"testing"
)

// A new accounts entry, its amount not typed yet, is listed as »0 kr.«:
// the list said »−0 kr.«, a minus before nothing.
func TestNewEntryListedWithoutMinusZero(t *testing.T) {
	u, _, _ := withCouncil(t)
	u.tabs.SelectIndex(tabAccounts)
	u.accounts.lines.onNew()
	shown := texts(u.tabContent(tabAccounts))
	if !strings.Contains(shown, "Ny postering") {
		t.Fatalf("the new entry is not listed:\n%s", shown)
	}
	if strings.Contains(shown, "−0 kr.") || !strings.Contains(shown, "0 kr. · saldo") {
		t.Errorf("the new entry's amount is not shown as »0 kr.«:\n%s", shown)
	}
}
