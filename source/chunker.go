package source

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// readBlock is how many bytes the chunker asks its reader for at a time.
const readBlock = 256 << 10

// bom is the UTF-8 byte order mark, stripped from the start of a CSV file.
var bom = []byte{0xEF, 0xBB, 0xBF}

// errHeaderTooLong is returned when no header record ends within
// maxRecordBytes.
var errHeaderTooLong = errors.New("header record is too long (a quote opened in the header is probably never closed)")

// scanState is the state of the chunker's record-boundary state machine.
type scanState uint8

const (
	// stFieldStart: at the start of a field (and of a record).
	stFieldStart scanState = iota
	// stUnquoted: inside an unquoted field.
	stUnquoted
	// stQuoted: inside a quoted field.
	stQuoted
	// stQuoteInQuoted: just after a quote inside a quoted field: either the
	// first half of `""` or the closing quote.
	stQuoteInQuoted
	// stSkipLine: after a quoting error; encoding/csv drops the rest of the
	// physical line and starts the next record on the next line.
	stSkipLine
)

// chunk is a piece of a CSV stream that starts and ends at record boundaries.
type chunk struct {
	// data holds whole records.
	data []byte
	// line is the 1-based line number of data[0].
	line int64
	// head lists records rejected before data (skipped over-long records).
	head []Rejected
	// tail lists records rejected after data (a quote never closed at EOF).
	tail []Rejected
	// quotedNewline is the line of the first quoted field spanning lines in a
	// tab-separated stream (0 if none or not tab-separated).
	quotedNewline int64
}

// chunker cuts a decompressed CSV byte stream into chunks that end at record
// boundaries, so that chunks can be parsed independently and concurrently.
//
// It is written by hand because no library splits a CSV stream at record
// boundaries without parsing it: encoding/csv (and arrow/csv, built on it)
// hands out parsed records one at a time from one goroutine, which is the
// bottleneck this package avoids. The state machine follows encoding/csv's
// reading of RFC 4180 with LazyQuotes=false, so every chunk starts exactly
// where encoding/csv, reading the whole stream, would start a record:
//   - a quote opens a quoted field only at the start of a field;
//   - inside a quoted field `""` is an escaped quote and newlines are data;
//   - a quote inside an unquoted field, or anything but a delimiter, a quote
//     or a newline after a closing quote, is an error after which
//     encoding/csv drops the rest of the physical line;
//   - a record ends at a newline outside quotes; blank lines are records of
//     their own that the parser skips.
//
// Each chunk carries the line number of its first byte, counted while
// scanning. With quoting off every newline ends a record.
type chunker struct {
	r         io.Reader
	delim     byte
	quoting   bool
	tsv       bool // tab-separated with quoting on: note quoted newlines
	size      int  // cut once this many bytes of whole records are buffered
	maxRecord int  // longest record kept in memory
	grow      int  // capacity of the next buffer; doubles up to size

	buf        []byte
	scanned    int       // bytes of buf run through the state machine
	state      scanState // state after buf[:scanned]
	line       int64     // line of buf[scanned]
	bufLine    int64     // line of buf[0]
	recEnd     int       // end of the last whole record in buf; 0 if none
	recEndLine int64     // line at recEnd: where the pending record starts
	quoteLine  int64     // line where the last quoted field opened
	recQN      int64     // the pending record has a quoted newline: its quote's line
	chunkQN    int64     // first quoted newline among the whole records in buf

	stopAtRecord bool // header mode: stop after the first non-blank record
	stopped      bool

	skipping    bool  // discarding an over-long record
	skipLine    int64 // line where the skipped record starts
	skipQuote   int64 // line of the quote open when skipping began (0 if none)
	skipEnd     int   // end of the skipped record in buf, -1 until found
	skipEndLine int64
	head        []Rejected // rejections for the next chunk

	eof  bool // the reader returned io.EOF
	done bool // the last chunk was returned
}

// newChunker returns a chunker reading r. delim may be 0 until start
// detects it.
func newChunker(r io.Reader, delim byte, quoting bool, size int) *chunker {
	return &chunker{
		r:          r,
		delim:      delim,
		quoting:    quoting,
		size:       size,
		maxRecord:  max(maxRecordBytes, size),
		grow:       min(size, 1<<20),
		buf:        make([]byte, 0, min(size, 1<<20)+readBlock),
		line:       1,
		bufLine:    1,
		recEndLine: 1,
		skipEnd:    -1,
	}
}

// read reads one block into buf without scanning it. When buf is full it
// moves to a new array (chunks already cut keep the old one); arrays start
// small and grow to hold a chunk, so that a huge ChunkBytes costs nothing
// on a small file.
func (c *chunker) read() error {
	if cap(c.buf)-len(c.buf) < readBlock/4 {
		if len(c.buf) >= c.grow/2 {
			c.grow = min(2*c.grow, c.size)
		}
		nb := make([]byte, len(c.buf), max(c.grow, 2*len(c.buf))+readBlock)
		copy(nb, c.buf)
		c.buf = nb
	}
	n, err := c.r.Read(c.buf[len(c.buf):cap(c.buf)])
	c.buf = c.buf[:len(c.buf)+n]
	if err == io.EOF {
		c.eof = true
		return nil
	}
	return err
}

// fill reads one block and runs the state machine over it.
func (c *chunker) fill() error {
	err := c.read()
	c.scan()
	if c.skipping {
		if c.skipEnd < 0 {
			// The over-long record goes on: forget what was read.
			c.buf = c.buf[:0]
			c.scanned, c.recEnd = 0, 0
		} else {
			c.endSkip()
		}
	}
	return err
}

// start strips a byte order mark, detects the delimiter when it is 0 (tsv
// makes tab the default) and reads the header record. It returns the header
// bytes (possibly preceded by blank lines) and the line of their first byte.
// It returns ErrEmpty when the stream holds nothing but blank lines.
func (c *chunker) start(tsv bool) (header []byte, line int64, err error) {
	// Read the first line (as far as a rough quote count tells) unscanned.
	for !c.eof && !firstLineComplete(c.buf, c.quoting) && len(c.buf) <= c.maxRecord {
		if err := c.read(); err != nil {
			return nil, 0, err
		}
	}
	if bytes.HasPrefix(c.buf, bom) {
		c.buf = c.buf[:copy(c.buf, c.buf[len(bom):])]
	}
	if c.delim == 0 {
		c.delim = detectDelimiter(c.buf, c.quoting, tsv)
	}
	c.tsv = c.quoting && c.delim == '\t'

	c.stopAtRecord = true
	c.scan()
	for !c.stopped && !c.eof {
		if len(c.buf) > c.maxRecord {
			return nil, 0, errHeaderTooLong
		}
		if err := c.fill(); err != nil {
			return nil, 0, err
		}
	}
	c.stopAtRecord = false
	if !c.stopped {
		// The header is the last line of the stream, if anything.
		if c.quoting && c.state == stQuoted {
			return nil, 0, ErrUnterminated
		}
		if isBlankLine(c.buf[c.recEnd:]) {
			return nil, 0, ErrEmpty
		}
		c.recEnd, c.recEndLine = len(c.buf), c.line
	}
	header = bytes.Clone(c.buf[:c.recEnd])
	line = c.bufLine
	c.cut()
	return header, line, nil
}

// next returns the next chunk, or io.EOF after the last one. A chunk ends
// at the first record boundary at or after size bytes.
func (c *chunker) next() (*chunk, error) {
	for {
		if c.done {
			return nil, io.EOF
		}
		if c.scanned < len(c.buf) {
			c.scan() // stops at the first boundary at or after size
		}
		if c.recEnd >= c.size {
			return c.cut(), nil
		}
		// Here everything buffered is scanned.
		if c.eof {
			return c.finish()
		}
		if pending := len(c.buf) - c.recEnd; pending > c.maxRecord {
			if c.recEnd > 0 {
				return c.cut(), nil
			}
			if !c.skipping {
				c.startSkip()
			}
		}
		if err := c.fill(); err != nil {
			return nil, err
		}
	}
}

// cut returns the whole records buffered as a chunk and keeps the rest. The
// chunk and the rest share the array; the chunk's capacity ends with it, and
// the chunker only appends after the rest, so the chunk is never written
// again.
func (c *chunker) cut() *chunk {
	ch := &chunk{data: c.buf[:c.recEnd:c.recEnd], line: c.bufLine, head: c.head, quotedNewline: c.chunkQN}
	c.buf = c.buf[c.recEnd:]
	c.scanned -= c.recEnd
	c.recEnd = 0
	c.bufLine = c.recEndLine
	c.head, c.chunkQN = nil, 0
	return ch
}

// finish returns the last chunk at the end of the stream.
func (c *chunker) finish() (*chunk, error) {
	c.done = true
	ch := &chunk{line: c.bufLine, head: c.head}
	switch {
	case c.skipping:
		ch.head = append(ch.head, c.skipped(true))
	case c.quoting && c.state == stQuoted:
		// encoding/csv would reject the record too (ErrQuote); say where the
		// quote opened, which is what the reader needs to fix the file.
		ch.data = c.buf[:c.recEnd:c.recEnd]
		if c.recQN != 0 && c.chunkQN == 0 {
			c.chunkQN = c.recQN
		}
		ch.tail = []Rejected{{
			Line:    c.recEndLine,
			Kind:    KindQuote,
			Message: fmt.Sprintf("the quote opened at line %d is never closed", c.quoteLine),
		}}
	default:
		ch.data = c.buf
	}
	ch.quotedNewline = c.chunkQN
	c.buf, c.head = nil, nil
	if len(ch.data) == 0 && len(ch.head) == 0 && len(ch.tail) == 0 && ch.quotedNewline == 0 {
		return nil, io.EOF
	}
	return ch, nil
}

// startSkip starts discarding the pending record, which is too long.
func (c *chunker) startSkip() {
	c.skipping = true
	c.skipLine = c.recEndLine
	c.skipQuote = 0
	if c.state == stQuoted {
		c.skipQuote = c.quoteLine
	}
	c.skipEnd = -1
	c.buf = make([]byte, 0, c.grow+readBlock)
	c.scanned, c.recEnd = 0, 0
}

// endSkip drops the end of the skipped record from buf and notes the
// rejection for the next chunk.
func (c *chunker) endSkip() {
	c.head = append(c.head, c.skipped(false))
	n := c.skipEnd
	c.buf = c.buf[:copy(c.buf, c.buf[n:])]
	c.scanned -= n
	c.recEnd -= n
	c.bufLine = c.skipEndLine
	c.skipping = false
	c.skipEnd = -1
}

// skipped describes the skipped record.
func (c *chunker) skipped(eof bool) Rejected {
	if eof && c.quoting && c.state == stQuoted {
		return Rejected{Line: c.skipLine, Kind: KindQuote,
			Message: fmt.Sprintf("the quote opened at line %d is never closed", c.quoteLine)}
	}
	limit := fmt.Sprintf("%d bytes", c.maxRecord)
	if c.maxRecord%(1<<20) == 0 {
		limit = fmt.Sprintf("%d MiB", c.maxRecord>>20)
	}
	msg := "record is longer than " + limit + "; skipped"
	if eof {
		msg += " to the end of the file"
	} else {
		msg += fmt.Sprintf(" up to line %d", c.skipEndLine-1)
	}
	if c.skipQuote > 0 {
		msg += fmt.Sprintf(" (the quote opened at line %d is probably never closed)", c.skipQuote)
	}
	return Rejected{Line: c.skipLine, Kind: KindTooLong, Message: msg}
}

// recordEnd notes that the record ending with the newline at buf[i] is
// complete; c.line is already the line after it. It reports whether to stop
// scanning: at the end of the header in header mode, else once a chunk's
// worth of records is complete.
func (c *chunker) recordEnd(i int) (stop bool) {
	start := c.recEnd
	c.recEnd = i + 1
	c.recEndLine = c.line
	if c.recQN != 0 {
		if c.chunkQN == 0 {
			c.chunkQN = c.recQN
		}
		c.recQN = 0
	}
	if c.skipping && c.skipEnd < 0 {
		c.skipEnd, c.skipEndLine = i+1, c.line
	}
	if !c.stopAtRecord {
		return c.recEnd >= c.size
	}
	if isBlankLine(c.buf[start:i]) {
		return false
	}
	c.stopped = true
	return true
}

// scan runs the state machine over buf[scanned:].
func (c *chunker) scan() {
	buf := c.buf
	i := c.scanned
	if !c.quoting {
		for i < len(buf) {
			j := bytes.IndexByte(buf[i:], '\n')
			if j < 0 {
				i = len(buf)
				break
			}
			i += j + 1
			c.line++
			if c.recordEnd(i - 1) {
				break
			}
		}
		c.scanned = i
		return
	}
	st := c.state
	delim := c.delim
loop:
	for i < len(buf) {
		switch st {
		case stFieldStart, stUnquoted:
			// Up to the next quote only newlines matter: find them with
			// the vectorised bytes functions rather than byte by byte.
			end := len(buf)
			if q := bytes.IndexByte(buf[i:], '"'); q >= 0 {
				end = i + q
			}
			if nl := bytes.IndexByte(buf[i:end], '\n'); nl >= 0 {
				p := i + nl
				if c.stopAtRecord || c.recQN != 0 || (c.skipping && c.skipEnd < 0) || p+1 >= c.size {
					// One record at a time where recordEnd has work to do.
					st = stFieldStart
					c.line++
					i = p + 1
					if c.recordEnd(p) {
						break loop
					}
					continue
				}
				// Every newline before the quote ends a record; stop at the
				// first one that completes a chunk.
				upto, stop := end, false
				if from := max(p, c.size-1); from < end {
					if x := bytes.IndexByte(buf[from:end], '\n'); x >= 0 {
						upto, stop = from+x+1, true
					}
				}
				last := p + bytes.LastIndexByte(buf[p:upto], '\n')
				c.line += int64(bytes.Count(buf[p:upto], newline))
				c.recEnd, c.recEndLine = last+1, c.line
				i, st = last+1, stFieldStart
				if stop {
					break loop
				}
			}
			// No newline in buf[i:end].
			if end == len(buf) {
				if end > i {
					st = stUnquoted
					if buf[end-1] == delim {
						st = stFieldStart
					}
				}
				i = end
				break loop
			}
			// A quote at buf[end]: it opens a quoted field only at the
			// start of a field; elsewhere encoding/csv drops the rest of
			// the line (ErrBareQuote).
			if (end == i && st == stFieldStart) || (end > i && buf[end-1] == delim) {
				st = stQuoted
				c.quoteLine = c.line
			} else {
				st = stSkipLine
			}
			i = end + 1
		case stQuoted:
			j := bytes.IndexByte(buf[i:], '"')
			seg := buf[i:]
			if j >= 0 {
				seg = seg[:j]
			}
			if n := bytes.Count(seg, newline); n > 0 {
				c.line += int64(n)
				if c.tsv && c.recQN == 0 {
					c.recQN = c.quoteLine
				}
			}
			if j < 0 {
				i = len(buf)
				break loop
			}
			i += j + 1
			st = stQuoteInQuoted
		case stQuoteInQuoted:
			b := buf[i]
			i++
			switch b {
			case '"':
				st = stQuoted // escaped quote
			case delim:
				st = stFieldStart
			case '\n':
				st = stFieldStart
				c.line++
				if c.recordEnd(i - 1) {
					break loop
				}
			default:
				st = stSkipLine // text after the closing quote
			}
		case stSkipLine:
			j := bytes.IndexByte(buf[i:], '\n')
			if j < 0 {
				i = len(buf)
				break loop
			}
			i += j + 1
			st = stFieldStart
			c.line++
			if c.recordEnd(i - 1) {
				break loop
			}
		}
	}
	c.state = st
	c.scanned = i
}

var newline = []byte{'\n'}

// isBlankLine reports whether b, a line without its newline, is one that
// encoding/csv skips: empty, or a lone \r (the \r of \r\n, or a trailing \r
// before the end of the stream, which it drops).
func isBlankLine(b []byte) bool {
	return len(b) == 0 || (len(b) == 1 && b[0] == '\r')
}

// firstLineComplete reports whether b holds a newline ending its first
// non-blank line, counting quotes (when quoting) as simple toggles. It only
// decides how much to read before detecting the delimiter.
func firstLineComplete(b []byte, quoting bool) bool {
	b = skipBlankLines(b)
	inQuote := false
	for _, x := range b {
		switch x {
		case '"':
			inQuote = quoting && !inQuote
		case '\n':
			if !inQuote {
				return true
			}
		}
	}
	return false
}

// detectDelimiter returns the most frequent of ',', '\t', ';' and '|' outside
// quotes (when quoting) on the first non-blank line of b. Ties go to the
// first in that order, except that tab comes first for a .tsv file; a line
// without any of them gives ',' (tab for a .tsv file).
func detectDelimiter(b []byte, quoting, tsv bool) byte {
	b = skipBlankLines(b)
	var counts [256]int
	inQuote := false
scan:
	for _, x := range b {
		switch x {
		case '"':
			inQuote = quoting && !inQuote
		case '\n':
			if !inQuote {
				break scan
			}
		default:
			if !inQuote {
				counts[x]++
			}
		}
	}
	order := []byte{',', '\t', ';', '|'}
	if tsv {
		order = []byte{'\t', ',', ';', '|'}
	}
	best := order[0]
	for _, d := range order[1:] {
		if counts[d] > counts[best] {
			best = d
		}
	}
	return best
}

// skipBlankLines drops the blank lines at the start of b.
func skipBlankLines(b []byte) []byte {
	for {
		i := bytes.IndexByte(b, '\n')
		if i < 0 || !isBlankLine(b[:i]) {
			return b
		}
		b = b[i+1:]
	}
}
