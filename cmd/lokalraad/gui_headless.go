//go:build headless

package main

import (
	"context"
	"errors"

	"lokalraad/storage"
)

// runGUI in a headless build (go build -tags headless): the subcommands
// without Fyne, which a process then neither links nor initialises; a
// static binary (CGO_ENABLED=0) for scripts and servers without a display.
func runGUI(context.Context, string, func(*storage.DB) error) error {
	return errors.New("denne udgave af lokalraad er bygget uden vindue (-tags headless); brug en underkommando, se lokalraad --help")
}
