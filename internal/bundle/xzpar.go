package bundle

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"
)

// xzParBudget bounds the decompressed bytes of the blocks decoded ahead of
// the reader: a block is started ahead only while the blocks in flight
// and it declare at most this much together (a bigger block waits until
// nothing is in flight). xz -T0 writes blocks of three dictionaries (24
// MiB at the default preset, 192 MiB at -9).
const xzParBudget = 128 << 20

// xzPar decompresses the blocks of an xz stream on several cores: a block
// whose header states both its sizes (every block multi-threaded xz
// writes), each at most xzParBudget, is read whole and decoded by its own goroutine, up to workers at
// once, and handed to the reader in stream order; a block that does not
// state them is decoded by the reader from the stream, after the blocks
// before it. Every check of the single-threaded reader holds, and so does
// the dictionary bound: a block's dictionary is counted when it starts,
// against the data handed to the reader so far, and a block that would
// cross the bound waits for the blocks in flight rather than being
// refused; it is refused only when nothing is in flight, as it would be
// read alone.
type xzPar struct {
	x       *xzReader
	jobs    chan *xzJob
	sem     chan struct{}
	stop    chan struct{}
	stopped sync.Once

	mu       sync.Mutex
	cond     *sync.Cond
	dicts    int64 // dictionaries of all blocks started
	produced int64 // bytes handed to the reader
	inflight int   // blocks started and not yet handed over
	buffered int64 // declared sizes of the blocks in flight

	cur *xzJob
	off int
	err error
}

// xzJob is one block: decoded ahead (data, err once ready is closed), or
// for the reader to decode from the stream (seq; done closed after).
type xzJob struct {
	h     xzBlock
	ready chan struct{}
	data  []byte
	err   error
	seq   bool
	done  chan struct{}
}

// parallel returns a reader decompressing x's blocks on up to workers
// cores; Close stops the goroutines (it does not close the source).
func (x *xzReader) parallel(workers int) io.ReadCloser {
	workers = max(workers, 1)
	p := &xzPar{x: x, jobs: make(chan *xzJob, workers), sem: make(chan struct{}, workers), stop: make(chan struct{})}
	p.cond = sync.NewCond(&p.mu)
	go p.dispatch()
	return p
}

// Close stops decoding ahead.
func (p *xzPar) Close() error {
	p.stopped.Do(func() {
		close(p.stop)
		p.mu.Lock()
		p.cond.Broadcast()
		p.mu.Unlock()
	})
	return nil
}

// send hands j to the reader; false when stopped.
func (p *xzPar) send(j *xzJob) bool {
	select {
	case p.jobs <- j:
		return true
	case <-p.stop:
		return false
	}
}

func (p *xzPar) isStopped() bool {
	select {
	case <-p.stop:
		return true
	default:
		return false
	}
}

// dispatch reads the stream's blocks in order and starts them.
func (p *xzPar) dispatch() {
	defer close(p.jobs)
	x := p.x
	for {
		h, err := x.readBlockHeader()
		if err == io.EOF {
			return
		}
		if err != nil {
			p.fail(err)
			return
		}
		// Decoded ahead only with both sizes stated and within the
		// budget: the buffers are allocated from them.
		sized := h.comp >= 0 && h.uncomp >= 0 && h.comp <= xzParBudget && h.uncomp <= xzParBudget
		p.mu.Lock()
		for p.inflight > 0 && !p.isStopped() &&
			(p.dicts+h.dict > xzMaxDict+p.produced || (sized && p.buffered+h.uncomp > xzParBudget)) {
			p.cond.Wait()
		}
		if p.isStopped() {
			p.mu.Unlock()
			return
		}
		if err := dictBound(p.dicts, h.dict, p.produced); err != nil {
			p.mu.Unlock()
			p.fail(err)
			return
		}
		p.dicts += h.dict
		p.inflight++
		if sized {
			p.buffered += h.uncomp
		}
		p.mu.Unlock()

		if !sized {
			j := &xzJob{h: h, seq: true, ready: make(chan struct{}), done: make(chan struct{})}
			close(j.ready)
			if !p.send(j) {
				return
			}
			select { // the reader decodes it from the stream
			case <-j.done:
			case <-p.stop:
				return
			}
			continue
		}
		pad := (4 - (h.hdrSize+h.comp)%4) % 4
		comp := make([]byte, h.comp+pad+int64(checkSize(x.check)))
		if _, err := io.ReadFull(x.r, comp); err != nil {
			p.fail(fmt.Errorf("xz block: %w", noEOF(err)))
			return
		}
		j := &xzJob{h: h, ready: make(chan struct{})}
		select {
		case p.sem <- struct{}{}:
		case <-p.stop:
			return
		}
		go func() {
			j.data, j.err = decodeXZBlock(comp, h, x.check)
			<-p.sem
			close(j.ready)
		}()
		if !p.send(j) {
			return
		}
	}
}

// fail hands err to the reader after the blocks before it.
func (p *xzPar) fail(err error) {
	j := &xzJob{ready: make(chan struct{}), err: err}
	close(j.ready)
	p.send(j)
}

// decodeXZBlock decodes one block whose compressed data, padding and check
// are comp, with every check the stream reader makes.
func decodeXZBlock(comp []byte, h xzBlock, check byte) ([]byte, error) {
	br := bytes.NewReader(comp)
	jx := &xzReader{r: bufio.NewReaderSize(br, 64<<10), check: check}
	if err := jx.startBlock(h); err != nil {
		return nil, err
	}
	out := make([]byte, h.uncomp)
	if _, err := io.ReadFull(jx.block, out); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return nil, errors.New("xz: block uncompressed size does not match its header")
		}
		return nil, fmt.Errorf("xz: %w", err)
	}
	// The block must end here: read on to the LZMA2 end marker.
	var one [1]byte
	m, err := 0, error(nil)
	for i := 0; i < 100 && m == 0 && err == nil; i++ {
		m, err = jx.block.Read(one[:])
	}
	if m != 0 {
		return nil, errors.New("xz: block uncompressed size does not match its header")
	}
	if err != io.EOF {
		if err == nil {
			err = io.ErrNoProgress
		}
		return nil, fmt.Errorf("xz: %w", noEOF(err))
	}
	if jx.hash != nil {
		jx.hash.Write(out)
	}
	jx.uncomp = int64(len(out))
	if err := jx.endBlock(); err != nil {
		return nil, err
	}
	if rest, _ := jx.r.Peek(1); len(rest) > 0 || br.Len() > 0 {
		return nil, errors.New("xz: block compressed size does not match its header")
	}
	return out, nil
}

// Read implements io.Reader.
func (p *xzPar) Read(b []byte) (int, error) {
	if p.err != nil {
		return 0, p.err
	}
	if len(b) == 0 {
		return 0, nil
	}
	for {
		if p.cur == nil {
			j, ok := <-p.jobs
			if !ok {
				p.err = io.EOF
				return 0, io.EOF
			}
			<-j.ready
			if j.err != nil {
				p.err = j.err
				return 0, j.err
			}
			p.cur, p.off = j, 0
			if j.seq {
				if err := p.x.startBlock(j.h); err != nil {
					p.err = err
					return 0, err
				}
			}
		}
		j := p.cur
		if j.seq {
			n, err := p.x.readBlock(b)
			p.account(int64(n))
			if err == io.EOF {
				p.finish(j)
				close(j.done)
				if n > 0 {
					return n, nil
				}
				continue
			}
			if err != nil {
				p.err = err
			}
			return n, err
		}
		n := copy(b, j.data[p.off:])
		p.off += n
		p.account(int64(n))
		if p.off == len(j.data) {
			p.finish(j)
		}
		if n > 0 {
			return n, nil
		}
	}
}

func (p *xzPar) account(n int64) {
	if n == 0 {
		return
	}
	p.mu.Lock()
	p.produced += n
	p.cond.Broadcast()
	p.mu.Unlock()
}

// finish releases the current block.
func (p *xzPar) finish(j *xzJob) {
	p.mu.Lock()
	p.inflight--
	if !j.seq {
		p.buffered -= j.h.uncomp
	}
	p.cond.Broadcast()
	p.mu.Unlock()
	p.cur = nil
}
