package votesio

import (
	"io"
	"runtime"
	"sync"
)

// npyData reads the data of a .npy file into votes, a chunk at a time,
// in blocks of blockBytes decoded as they arrive. From a regular file
// (ra set) it reads with ReadAt, and splits each chunk into contiguous
// parts read and decoded on every core; from any other reader, in order.
type npyData struct {
	name string      // the file's name, for errors
	r    io.Reader   // the data, in order, when ra is nil
	ra   io.ReaderAt // the file, when it is a regular file
	off  int64       // ra: the offset of the next value
	size int         // bytes a value
	cols int
	left int // values not yet read
	// block decodes raw into dst; at is the index of its first value in
	// the chunk, for the error's row and column. It is called from
	// several goroutines at once, on separate parts.
	block func(dst []int8, raw []byte, at int) error
	bufs  [][]byte // a block buffer per part, sized by the file, reused
	errs  []error
}

// read fills dst with up to len(dst)/cols rows and returns how many; a bad
// value is the error of the first (in file order) that a part found.
func (d *npyData) read(dst []int8) (int, error) {
	count := min(len(dst), d.left) / d.cols * d.cols
	if count == 0 {
		return 0, io.EOF
	}
	per := max(1, blockBytes/d.size) // values a block holds
	parts := 1
	if d.ra != nil {
		parts = min(runtime.GOMAXPROCS(0), (count+per-1)/per)
	}
	for len(d.bufs) < parts {
		d.bufs = append(d.bufs, nil)
		d.errs = append(d.errs, nil)
	}
	step := (count + parts - 1) / parts
	var wg sync.WaitGroup
	for p := parts - 1; p >= 0; p-- {
		lo, hi := p*step, min(count, (p+1)*step)
		if p == 0 {
			d.errs[p] = d.part(p, dst, lo, hi, per)
			break
		}
		wg.Go(func() { d.errs[p] = d.part(p, dst, lo, hi, per) })
	}
	wg.Wait()
	for _, err := range d.errs[:parts] {
		if err != nil {
			return 0, err
		}
	}
	d.off += int64(count) * int64(d.size)
	d.left -= count
	return count / d.cols, nil
}

// part reads and decodes values lo to hi of the chunk into dst[lo:hi]
// through buffer p.
func (d *npyData) part(p int, dst []int8, lo, hi, per int) error {
	if n := min(per, hi-lo) * d.size; cap(d.bufs[p]) < n {
		d.bufs[p] = make([]byte, n)
	}
	for at := lo; at < hi; at += per {
		k := min(per, hi-at)
		b := d.bufs[p][:k*d.size]
		var err error
		if d.ra != nil {
			var n int
			if n, err = d.ra.ReadAt(b, d.off+int64(at)*int64(d.size)); n == len(b) {
				err = nil // ReadAt may say io.EOF with the last byte
			} else if err == nil {
				err = io.ErrUnexpectedEOF
			}
		} else {
			_, err = io.ReadFull(d.r, b)
		}
		if err != nil {
			return readDataError(d.name, err)
		}
		if err := d.block(dst[at:at+k], b, at); err != nil {
			return err
		}
	}
	return nil
}
