package parallel

import (
	"sync/atomic"
	"testing"
)

// TestForEach: every item is done once, on a worker numbered below the
// workers asked for, whatever the number of workers and items.
func TestForEach(t *testing.T) {
	tests := []struct {
		name       string
		workers, n int
	}{
		{"no items", 4, 0},
		{"one item, many workers", 8, 1},
		{"zero workers means one", 0, 5},
		{"more items than workers", 3, 1000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done := make([]atomic.Int32, tt.n)
			ForEach(tt.workers, tt.n, func(w, i int) {
				if w < 0 || w >= max(1, tt.workers) {
					t.Errorf("worker %d of %d", w, tt.workers)
				}
				done[i].Add(1)
			})
			for i := range done {
				if got := done[i].Load(); got != 1 {
					t.Fatalf("item %d done %d times", i, got)
				}
			}
		})
	}
}
