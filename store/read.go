package store

import (
	"context"
	"database/sql"
)

// Read runs a read-only query for the engine's packages that aggregate the
// cache in SQL (store/insights, store/statement). It must not write.
func (s *Store) Read(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return s.db.QueryContext(ctx, query, args...)
}
