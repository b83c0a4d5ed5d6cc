package similar

// chunkLen is the number of texts per chunk of a store.
const chunkLen = 1 << 12

// store holds the per-text state of an index in fixed-size chunks: growing
// it never copies what it holds (a slice grown by append would copy it
// about four times over, and briefly need twice the memory).
type store struct {
	bands int
	n     int
	recs  [][]record      // chunks of chunkLen records
	sigs  [][]uint32      // chunks of chunkLen·bands band hashes
	fps   [][]fingerprint // chunks of chunkLen fingerprints
}

func (s *store) len() int { return s.n }

// rec returns text i's record.
func (s *store) rec(i int) *record { return &s.recs[i/chunkLen][i%chunkLen] }

// sig returns text i's band hashes.
func (s *store) sig(i int) []uint32 {
	c, o := i/chunkLen, i%chunkLen*s.bands
	return s.sigs[c][o : o+s.bands : o+s.bands]
}

// fp returns text i's fingerprint.
func (s *store) fp(i int) *fingerprint { return &s.fps[i/chunkLen][i%chunkLen] }

// add appends a zero text and returns its number.
func (s *store) add() int {
	if s.n == len(s.recs)*chunkLen {
		s.recs = append(s.recs, make([]record, chunkLen))
		s.sigs = append(s.sigs, make([]uint32, chunkLen*s.bands))
		s.fps = append(s.fps, make([]fingerprint, chunkLen))
	}
	s.n++
	return s.n - 1
}

// release lets chunk c go; the texts it held must not be read again.
func (s *store) release(c int) {
	s.recs[c], s.sigs[c], s.fps[c] = nil, nil, nil
}

// move copies text src over text dst.
func (s *store) move(dst, src int) {
	*s.rec(dst) = *s.rec(src)
	*s.fp(dst) = *s.fp(src)
	copy(s.sig(dst), s.sig(src))
}

// bytesPerText is the memory the store holds per text, not counting the
// unused part of the last chunk.
func (s *store) bytesPerText() int {
	return int(recordSize) + 4*s.bands + int(fingerprintSize)
}
