// Package parallel runs independent pieces of work on several goroutines.
package parallel

import (
	"sync"
	"sync/atomic"
)

// ForEach calls f(worker, i) for i = 0 … n-1 on workers goroutines (at
// least one, at most n), which take the items in order (worker numbers
// the goroutine, 0 … workers-1, for state of its own), and waits for
// them. The order in which items finish is not fixed: f must write only
// to the item's own place or the worker's own state.
func ForEach(workers, n int, f func(worker, i int)) {
	workers = max(1, min(workers, n))
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				f(w, i)
			}
		}()
	}
	wg.Wait()
}
