package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// DropUnsent removes a council that has never left this device — its
// rows, change log, field versions, tombstones and conflicts — leaving
// nothing to sync: the demo council on a computer enrolled as the
// municipality's, which sends every op it holds. It refuses a council of
// which any op was sent, or came from another device.
func (db *DB) DropUnsent(ctx context.Context, council string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		acked, err := getMetaInt(ctx, tx, MetaAcked)
		if err != nil {
			return err
		}
		var shared int
		err = tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM changes WHERE council_id = ? AND (device <> ? OR seq <= ?)",
			council, db.self(), acked).Scan(&shared)
		if err != nil {
			return err
		}
		if shared > 0 {
			return errors.New("rådet er allerede delt med andre og kan ikke fjernes sporløst")
		}
		steps := []string{
			"DELETE FROM field_versions WHERE EXISTS (SELECT 1 FROM changes c WHERE c.council_id = ?1 AND c.tbl = field_versions.tbl AND c.row_id = field_versions.row_id)",
			"DELETE FROM changes WHERE council_id = ?1",
			"DELETE FROM tombstones WHERE council_id = ?1",
			"DELETE FROM sync_conflicts WHERE council_id = ?1",
		}
		for i := len(Tables) - 1; i >= 0; i-- { // children before parents
			steps = append(steps, "DELETE FROM "+Tables[i]+" WHERE council_id = ?1")
		}
		for _, q := range steps {
			if _, err := tx.ExecContext(ctx, q, council); err != nil {
				return fmt.Errorf("fjern rådet: %w", err)
			}
		}
		return nil
	})
}
