package web

import "os"

func lookupLarge() string { return os.Getenv("LOKALRAAD_LARGE_DB") }
