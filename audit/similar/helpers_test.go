package similar

import (
	"math/rand/v2"
	"strings"
	"testing"

	"dataready/audit/norm"
)

// Planted edit kinds of the test corpus.
const (
	kindBase    = iota // an original text
	kindTypo           // one letter replaced
	kindWord           // one word replaced by another
	kindSwap           // two neighbouring words swapped
	kindCase           // case and spacing changed: equal after norm
	kindCaseTyp        // case and spacing changed and one letter replaced
	kindWords          // two words replaced
	numKinds
)

var kindNames = [numKinds]string{"base", "typo", "word", "swap", "case", "case+typo", "two words"}

// row is one generated row: its raw text, its kind, and the row it was
// derived from (-1 for a base text).
type row struct {
	raw  string
	kind int
	from int
}

// corpus generates n rows of 10 to 40 words over a vocabulary of made-up
// words: about two thirds are base texts, the rest near copies of an
// earlier row with one planted edit, cycling through the edit kinds.
func corpus(n int, seed uint64) []row {
	r := rand.New(rand.NewPCG(seed, 7))
	vocab := make([]string, 3000)
	for i := range vocab {
		var b strings.Builder
		for range 2 + r.IntN(8) {
			b.WriteByte(byte('a' + r.IntN(26)))
		}
		vocab[i] = b.String()
	}
	rows := make([]row, 0, n)
	for len(rows) < n {
		if len(rows) < 10 || r.IntN(3) > 0 {
			words := make([]string, 10+r.IntN(31))
			for i := range words {
				words[i] = vocab[r.IntN(len(vocab))]
			}
			rows = append(rows, row{raw: strings.Join(words, " "), kind: kindBase, from: -1})
			continue
		}
		from := r.IntN(len(rows))
		kind := kindTypo + len(rows)%(numKinds-1)
		rows = append(rows, row{raw: edit(rows[from].raw, kind, r, vocab), kind: kind, from: from})
	}
	return rows
}

// edit applies one planted edit to text.
func edit(text string, kind int, r *rand.Rand, vocab []string) string {
	words := strings.Fields(text)
	switch kind {
	case kindTypo:
		return typo(text, r)
	case kindWord:
		words[r.IntN(len(words))] = vocab[r.IntN(len(vocab))]
		return strings.Join(words, " ")
	case kindSwap:
		i := r.IntN(len(words) - 1)
		words[i], words[i+1] = words[i+1], words[i]
		return strings.Join(words, " ")
	case kindCase:
		return recase(words, r)
	case kindCaseTyp:
		return recase(strings.Fields(typo(text, r)), r)
	case kindWords:
		for range 2 {
			words[r.IntN(len(words))] = vocab[r.IntN(len(vocab))]
		}
		return strings.Join(words, " ")
	}
	panic("unknown edit")
}

// typo replaces one letter by another.
func typo(text string, r *rand.Rand) string {
	b := []byte(text)
	for {
		i := r.IntN(len(b))
		if b[i] != ' ' {
			c := byte('a' + r.IntN(26))
			if c != b[i] {
				b[i] = c
				return string(b)
			}
		}
	}
}

// recase capitalizes some words and joins them with irregular white space,
// which norm undoes.
func recase(words []string, r *rand.Rand) string {
	var b strings.Builder
	b.WriteString("  ")
	for i, w := range words {
		if i > 0 {
			b.WriteString([]string{" ", "  ", "\t", "\n "}[r.IntN(4)])
		}
		if r.IntN(2) == 0 {
			w = strings.ToUpper(w[:1]) + w[1:]
		}
		b.WriteString(w)
	}
	b.WriteString(" \n")
	return b.String()
}

// text is one distinct normalized text of a corpus, with the rows that
// carry it.
type text struct {
	norm string
	key  norm.Key
	rows []int
}

// distinct groups rows by normalized text, in order of first row.
func distinct(rows []row) []text {
	idx := map[norm.Key]int{}
	var out []text
	for i, rw := range rows {
		s := norm.String(rw.raw)
		k := norm.TextKey(s)
		j, ok := idx[k]
		if !ok {
			j = len(out)
			idx[k] = j
			out = append(out, text{norm: s, key: k})
		}
		out[j].rows = append(out[j].rows, i)
	}
	return out
}

// refShingles is the reference shingle set of a normalized text: its
// character 5-grams as strings, over its first maxRunes runes.
func refShingles(s string, maxRunes int) map[string]bool {
	rs := []rune(s)
	if len(rs) > maxRunes {
		rs = rs[:maxRunes]
	}
	set := map[string]bool{}
	if len(rs) < 5 {
		set[string(rs)] = true
		return set
	}
	for i := 0; i+5 <= len(rs); i++ {
		set[string(rs[i:i+5])] = true
	}
	return set
}

// refPair is a pair of distinct texts (by index, a < b) with their exact
// similarity.
type refPair struct {
	a, b int
	sim  float64
}

// bruteForce returns every pair of texts with similarity ≥ threshold,
// computing |A∩B| for all pairs that share a shingle through an inverted
// index of string shingles: an all-pairs reference independent of the
// index's hashing.
func bruteForce(t testing.TB, texts []text, threshold float64) []refPair {
	t.Helper()
	postings := map[string][]int32{}
	sizes := make([]int, len(texts))
	shared := make([]int, len(texts))
	var out []refPair
	for b, tx := range texts {
		set := refShingles(tx.norm, DefaultMaxRunes)
		sizes[b] = len(set)
		var touched []int32
		for sh := range set {
			for _, a := range postings[sh] {
				if shared[a] == 0 {
					touched = append(touched, a)
				}
				shared[a]++
			}
			postings[sh] = append(postings[sh], int32(b))
		}
		for _, a := range touched {
			n := shared[a]
			shared[a] = 0
			sim := float64(n) / float64(sizes[a]+sizes[b]-n)
			if sim >= threshold {
				out = append(out, refPair{int(a), b, sim})
			}
		}
	}
	return out
}
