package bundle

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"hash/crc64"
	"io"
	"runtime"
	"testing"
	"time"

	"github.com/ulikunitz/xz/lzma"
)

// xzSizedBlocks writes raw as an xz stream of blocks of blockSize bytes
// whose headers state both sizes, as multi-threaded xz writes them (8 MiB
// dictionaries, CRC64 checks). The index after the blocks is only its
// indicator: the reader stops there.
func xzSizedBlocks(tb testing.TB, raw []byte, blockSize int) []byte {
	return xzSizedBlocksLie(tb, raw, blockSize, 0)
}

// xzSizedBlocksLie is xzSizedBlocks with every block declaring lie
// uncompressed bytes when lie is not 0.
func xzSizedBlocksLie(tb testing.TB, raw []byte, blockSize int, lie uint64) []byte {
	var out bytes.Buffer
	flags := []byte{0x00, 0x04}
	out.Write(xzMagic)
	out.Write(flags)
	binary.Write(&out, binary.LittleEndian, crc32.ChecksumIEEE(flags))
	tab := crc64.MakeTable(crc64.ECMA)
	for off := 0; off < len(raw); off += blockSize {
		chunk := raw[off:min(off+blockSize, len(raw))]
		var c bytes.Buffer
		w, err := lzma.Writer2Config{DictCap: 8 << 20}.NewWriter2(&c)
		if err != nil {
			tb.Fatal(err)
		}
		w.Write(chunk)
		if err := w.Close(); err != nil {
			tb.Fatal(err)
		}
		h := []byte{0, 0xc0}
		h = binary.AppendUvarint(h, uint64(c.Len()))
		uncomp := uint64(len(chunk))
		if lie != 0 {
			uncomp = lie
		}
		h = binary.AppendUvarint(h, uncomp)
		h = append(h, 0x21, 0x01, 22) // LZMA2, 8 MiB dictionary
		for (len(h)+4)%4 != 0 {
			h = append(h, 0)
		}
		h[0] = byte((len(h)+4)/4 - 1)
		h = binary.LittleEndian.AppendUint32(h, crc32.ChecksumIEEE(h))
		out.Write(h)
		out.Write(c.Bytes())
		for pad := (4 - (len(h)+c.Len())%4) % 4; pad > 0; pad-- {
			out.WriteByte(0)
		}
		binary.Write(&out, binary.LittleEndian, crc64.Checksum(chunk, tab))
	}
	out.WriteByte(0)
	return out.Bytes()
}

// benchText is n bytes of /proc-like text that compresses about as well
// as a sosreport.
func benchText(n int) []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "%4d: %10d %10d %10d %10d  IR-PCI-MSI %d-edge  eth%d-TxRx-%d\n", i%4096, i*7919%100003, i*31%977, i*i%65537, i%13, 524288+i, i%64, i%63)
	}
	return b.Bytes()[:n]
}

// BenchmarkXZBlocks decompresses 64 MiB in 2 MiB blocks with their sizes
// stated, on every core (ns/op) and, in the same run, with the
// single-threaded reader (seq-ms/op); x-seq is the ratio of the two.
func BenchmarkXZBlocks(b *testing.B) {
	raw := benchText(64 << 20)
	data := xzSizedBlocks(b, raw, 2<<20)
	read := func(par bool) {
		x, err := newXZReader(bufio.NewReaderSize(bytes.NewReader(data), 64<<10))
		if err != nil {
			b.Fatal(err)
		}
		var r io.Reader = x
		if par {
			p := x.parallel(runtime.GOMAXPROCS(0))
			defer p.Close()
			r = p
		}
		n, err := io.Copy(io.Discard, r)
		if err != nil || n != int64(len(raw)) {
			b.Fatalf("%d bytes, %v", n, err)
		}
	}
	b.SetBytes(int64(len(raw)))
	var seq, par time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		t0 := time.Now()
		read(false)
		seq += time.Since(t0)
		b.StartTimer()
		t0 = time.Now()
		read(true)
		par += time.Since(t0)
	}
	b.ReportMetric(float64(seq.Milliseconds())/float64(b.N), "seq-ms/op")
	b.ReportMetric(seq.Seconds()/max(par.Seconds(), 1e-9), "x-seq")
}

// TestXZSizedBlocksParallel reads a stream of many sized blocks through
// the parallel reader: every byte, in order.
func TestXZSizedBlocksParallel(t *testing.T) {
	raw := benchText(1 << 20)
	data := xzSizedBlocks(t, raw, 40<<10)
	x, err := newXZReader(bufio.NewReader(bytes.NewReader(data)))
	if err != nil {
		t.Fatal(err)
	}
	p := x.parallel(4)
	defer p.Close()
	got, err := io.ReadAll(p)
	if err != nil || !bytes.Equal(got, raw) {
		t.Fatalf("%d bytes of %d, %v", len(got), len(raw), err)
	}
}

// TestXZParallelLyingSizes checks blocks declaring far more data than they
// hold fail in the parallel reader as in the single-threaded one, without
// allocating what they declare.
func TestXZParallelLyingSizes(t *testing.T) {
	raw := benchText(100 << 10)
	for _, lie := range []uint64{1, 1 << 20, 1 << 40, 1 << 60} {
		data := xzSizedBlocksLie(t, raw, 40<<10, lie)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		x, err := newXZReader(bufio.NewReader(bytes.NewReader(data)))
		if err != nil {
			t.Fatal(err)
		}
		p := x.parallel(2)
		_, perr := io.ReadAll(p)
		p.Close()
		runtime.ReadMemStats(&after)
		x, _ = newXZReader(bufio.NewReader(bytes.NewReader(data)))
		_, serr := io.ReadAll(x)
		if perr == nil || serr == nil {
			t.Errorf("declared %d: parallel %v, single-threaded %v; want both to fail", lie, perr, serr)
		}
		if d := after.TotalAlloc - before.TotalAlloc; d > 64<<20 {
			t.Errorf("declared %d: allocated %d MiB", lie, d>>20)
		}
	}
}
