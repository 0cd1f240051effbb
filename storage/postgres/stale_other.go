//go:build !unix

package postgres

// removeStaleSchemas does nothing where a process cannot be asked whether
// it is alive.
func removeStaleSchemas() {}
