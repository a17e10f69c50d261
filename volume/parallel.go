package volume

import (
	"io"
	"runtime"
	"sync"
)

// ParallelOptions configure ReportReader.ReadParallel.
type ParallelOptions struct {
	// Parsers is how many goroutines split and parse rows beside the one
	// that reads them; 0 means one fewer than GOMAXPROCS, from 1 to 3.
	// Parsing is most of the work of reading: when what is done with
	// the reports is light, two parsers keep up with the reading even on
	// two cores; when it is heavy, it is the slowest stage itself, and
	// more parsers only compete with it.
	Parsers int
	// BatchRows is the most rows of a batch; 0 means 4096.
	BatchRows int
}

// maxParsers is the most parsers ReadParallel starts, whatever it is asked.
const maxParsers = 64

// ReadParallel reads all the reports of r, splitting and parsing rows on
// other goroutines while it reads the next ones, and calls take with them
// in batches on the calling goroutine. The batches come in no fixed
// order (the rows within one in the order of the file); every row comes
// in exactly one batch, one that cannot be read as a report with Invalid
// set, as Read gives it. take must not keep the slice, which is reused.
// ReadParallel returns the error that ended reading, nil at the end of
// the file.
func (r *ReportReader) ReadParallel(opt ParallelOptions, take func([]Report)) error {
	parsers := opt.Parsers
	if parsers <= 0 {
		parsers = max(1, min(runtime.GOMAXPROCS(0)-1, 3))
	}
	parsers = min(parsers, maxParsers)
	rows := opt.BatchRows
	if rows <= 0 {
		rows = 4096
	}
	p := pipeline{
		batches: make(chan parsedBatch, 8),
		free:    make(chan []Report, 12),
		raws:    make(chan *rawBatch, 4),
		freeRaw: make(chan *rawBatch, 8),
		rows:    rows,
	}
	go p.read(r, parsers)
	var err error
	for b := range p.batches {
		take(b.reports)
		if b.err != nil {
			err = b.err
		}
		clear(b.reports)
		select {
		case p.free <- b.reports:
		default:
		}
	}
	return err
}

// A pipeline is ReadParallel's stages: one goroutine reads raw batches,
// parsers parse them, the caller takes the reports. Batches and raw
// batches are given back to be used again.
type pipeline struct {
	batches chan parsedBatch // parsed, to the caller; closed at the end
	free    chan []Report    // taken, to be used again
	raws    chan *rawBatch   // read, to the parsers
	freeRaw chan *rawBatch   // parsed, to be read into again
	rows    int
}

// A parsedBatch is reports parsed, or the error that ended reading.
type parsedBatch struct {
	reports []Report
	err     error
}

// read reads raw batches until the end of the file or an error, starting
// the parsers once the header is read, and closes p.batches when they are
// done.
func (p *pipeline) read(r *ReportReader, parsers int) {
	defer close(p.batches)
	var wg sync.WaitGroup
	started := false
	for {
		var raw *rawBatch
		select {
		case raw = <-p.freeRaw:
		default:
			raw = &rawBatch{}
		}
		err := r.readRawRows(raw, p.rows)
		if err == nil && !started {
			started = true
			for range parsers {
				wg.Add(1)
				go p.parse(r.newParser(), &wg)
			}
		}
		if err != nil {
			close(p.raws)
			wg.Wait()
			if err != io.EOF {
				p.batches <- parsedBatch{err: err}
			}
			return
		}
		p.raws <- raw
	}
}

// parse parses raw batches until there are no more.
func (p *pipeline) parse(parser *reportParser, wg *sync.WaitGroup) {
	defer wg.Done()
	for raw := range p.raws {
		var buf []Report
		select {
		case buf = <-p.free:
		default:
			buf = make([]Report, 0, p.rows)
		}
		p.batches <- parsedBatch{reports: parser.Parse(raw, buf[:0])}
		select {
		case p.freeRaw <- raw:
		default:
		}
	}
}
