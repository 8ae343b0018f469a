package bundle

import (
	"io"
	"sync"
)

// aheadReader decompresses in its own goroutine, a few chunks ahead of
// the reader: indexing a compressed archive then uses two CPUs, one
// inflating and one parsing and copying, instead of taking turns on one.
// Bytes and the error that ends the stream come out in order; an error is
// seen only once the bytes before it are read. close stops the goroutine
// and waits for it, so none outlives the indexing.
type aheadReader struct {
	ch   chan aheadChunk
	free chan []byte
	done chan struct{}
	wg   sync.WaitGroup

	cur  []byte // unread part of the current chunk
	buf  []byte // the current chunk's buffer, to recycle
	err  error
	once sync.Once
}

type aheadChunk struct {
	b   []byte
	err error
}

// Chunks in flight and their size: enough to keep the inflating goroutine
// busy while the index copies, little memory.
const (
	aheadChunks    = 4
	aheadChunkSize = 256 << 10
)

func newAheadReader(r io.Reader) *aheadReader {
	a := &aheadReader{
		ch:   make(chan aheadChunk, aheadChunks),
		free: make(chan []byte, aheadChunks+1),
		done: make(chan struct{}),
	}
	for range aheadChunks + 1 {
		a.free <- make([]byte, aheadChunkSize)
	}
	a.wg.Add(1)
	go a.run(r)
	return a
}

func (a *aheadReader) run(r io.Reader) {
	defer a.wg.Done()
	for {
		var buf []byte
		select {
		case buf = <-a.free:
		case <-a.done:
			return
		}
		// Fill at least half the chunk; keep whatever error ends it.
		n := 0
		var err error
		for n < len(buf)/2 && err == nil {
			var k int
			k, err = r.Read(buf[n:])
			n += k
		}
		select {
		case a.ch <- aheadChunk{buf[:n], err}:
		case <-a.done:
			return
		}
		if err != nil {
			return
		}
	}
}

// Read implements io.Reader.
func (a *aheadReader) Read(p []byte) (int, error) {
	for len(a.cur) == 0 {
		if a.err != nil {
			return 0, a.err
		}
		if a.buf != nil {
			a.free <- a.buf[:cap(a.buf)]
			a.buf = nil
		}
		c := <-a.ch
		a.cur, a.buf, a.err = c.b, c.b, c.err
	}
	n := copy(p, a.cur)
	a.cur = a.cur[n:]
	return n, nil
}

// close stops the reading goroutine and waits for it.
func (a *aheadReader) close() {
	a.once.Do(func() { close(a.done) })
	a.wg.Wait()
}
