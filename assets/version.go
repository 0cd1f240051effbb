package assets

// The app's version has one source: Version in FyneApp.toml at the root
// of the repository. `make` reads it from there and sets it here with
//
//	-ldflags "-X lokalraad/assets.version=$(VERSION)"
//
// and `fyne package` writes the same number into the Windows resource and
// the macOS Info.plist. A plain `go build` or `go test` has no ldflags, so
// version's default repeats FyneApp.toml's number; TestVersionMatchesFyneApp
// fails when the two differ, so bumping the version is one edit in
// FyneApp.toml plus this line, and CI says so if the second is forgotten.
var version = "0.1.0"

// Version is the app's version ("0.1.0"), the one `lokalraad version`,
// `kommune version` and the app's Hjælp → Om show.
func Version() string { return version }
