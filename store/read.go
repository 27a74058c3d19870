package store

import (
	"context"
	"database/sql"
)

// Read runs a read-only query for the engine's packages that aggregate or
// search the cache in SQL across tables (store/insights, store/statement,
// store/search, store/overview). It must not write: writes go through the
// store's own methods.
func (s *Store) Read(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return s.db.QueryContext(ctx, query, args...)
}
