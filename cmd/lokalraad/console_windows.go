//go:build windows

package main

import (
	"os"
	"syscall"
)

// attachConsole lets lokalraad.exe, linked as a GUI program (-H
// windowsgui, so no console window flashes up behind the app), still print
// when a subcommand is run from cmd.exe or PowerShell: it attaches to the
// parent's console and points stdout and stderr at it when they lead
// nowhere. Output redirected to a file or pipe is left alone. Scripts that
// need the exit code and ordered output use lokalraad-cli.exe, a console
// program with the same subcommands.
func attachConsole() {
	if len(os.Args) < 2 {
		return // the window: no console wanted
	}
	const attachParentProcess = ^uintptr(0) // (DWORD)-1
	r, _, _ := syscall.NewLazyDLL("kernel32.dll").NewProc("AttachConsole").Call(attachParentProcess)
	if r == 0 {
		return // started from Explorer, or already has a console
	}
	for _, s := range []struct {
		std  int
		file **os.File
	}{{syscall.STD_OUTPUT_HANDLE, &os.Stdout}, {syscall.STD_ERROR_HANDLE, &os.Stderr}} {
		h, err := syscall.GetStdHandle(s.std)
		if err == nil && h != 0 && h != syscall.InvalidHandle {
			continue // redirected: keep it
		}
		if f, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0); err == nil {
			*s.file = f
		}
	}
}
