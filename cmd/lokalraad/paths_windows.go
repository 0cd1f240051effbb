//go:build windows

package main

import (
	"errors"
	"syscall"
)

// ERROR_DISK_FULL and ERROR_HANDLE_DISK_FULL.
func isDiskFull(err error) bool {
	return errors.Is(err, syscall.Errno(112)) || errors.Is(err, syscall.Errno(39))
}

// ERROR_WRITE_PROTECT: a locked SD card or USB stick.
func isReadOnlyFS(err error) bool { return errors.Is(err, syscall.Errno(19)) }
