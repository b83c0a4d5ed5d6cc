// Package similar owns the near-duplicate index shared by the checks that
// compare texts: labels.near_conflicts (near-duplicate texts with different
// classes) and leakage.near_duplicates (holdout texts close to a train
// text). It finds the pairs of texts whose Jaccard similarity, between their
// sets of character 5-grams, is at or above a threshold (0.8 by default),
// without comparing all pairs.
//
// # Similarity
//
// A text is its normalized form (norm(text), see package norm). Its shingles
// are its character 5-grams, over runes; a text shorter than five runes is
// one shingle, the whole text. Only the first MaxRunes runes (default
// 20,000) count, for the signature and for verification alike, so a
// 10 MB text costs what a 20,000-rune one does and two texts that share
// their first 20,000 runes are identical to the index (Stats.Truncated
// counts such texts). The similarity of two texts is |A∩B| / |A∪B| over
// their sets of shingles, each shingle identified by a 64-bit key: up to 7
// bytes (every ASCII shingle) are packed into the key with their length,
// so distinct short shingles never share one; longer ones are hashed with
// xxh3, where two distinct shingles share a key with probability 2⁻⁶⁴.
// Similarity returns it for any two texts.
//
// # How pairs are found
//
// Each distinct text gets a MinHash signature of K values computed by one
// permutation hashing with optimal densification (one pass over its
// shingles instead of K), cut into bands of rows values; texts whose
// values agree on a whole band share that band's bucket and become
// candidates (LSH banding). Two texts of similarity J agree on each value
// with probability exactly J, so with independent values they would share
// at least one of b bands of r rows with probability 1 − (1 − J^r)^b: an
// S-curve that rises steeply around the threshold. For a threshold t,
// BandsFor takes the largest r ≤ 32 for which some b ≤ 20 with b·r ≤ 160
// reaches 0.99 at J = t, and the fewest such b (K = max(b·r, 128)):
//
//	threshold   bands × rows   P(candidate) at J = t   t − 0.1   t − 0.2
//	0.50        17 × 2         0.9925                  0.948     0.799
//	0.60        19 × 3         0.9902                  0.921     0.715
//	0.70        17 × 4         0.9906                  0.906     0.666
//	0.80        20 × 7         0.9910                  0.821     0.433
//	0.85        15 × 8         0.9915                  0.795     0.385
//	0.90        13 × 11        0.9925                  0.689     0.229
//	0.95         9 × 17        0.9924                  0.444     0.066
//	0.99         4 × 32        0.9943                  0.093     0.002
//
// and for the default 0.8 (20 bands of 7 rows, K = 140) the whole curve:
//
//	J             0.3     0.4     0.5     0.6     0.7     0.75    0.8     0.85    0.9
//	P(candidate)  0.0044  0.0323  0.1452  0.4333  0.8207  0.9430  0.9910  0.9996  1.0000
//
// One permutation hashing makes the values slightly dependent: measured on
// random sets of 20 to 500 shingles at J = 0.8 (TestSCurve, 10,000 pairs
// each), the candidate rate is 0.989 to 0.993, against 0.991 for the
// curve. An index built for threshold t answers Pairs and First for any
// threshold from t up (the curve only rises).
//
// Candidates are then filtered, cheapest first: keep, the caller's own
// test on the two entries (for example "different classes" or "one train,
// one holdout"); then a 256-bit fingerprint (2 bits of 128 of the MinHash
// values, less those of the band that made the pair a candidate, which it
// shares by construction), which drops pairs far below the threshold
// without reading them. Its cut is 4 standard deviations below the mean
// (5 when either text is shorter than 150 bytes, whose estimate is less
// sharp): at t = 0.8 it keeps 4% of candidate pairs of similarity 0.5,
// 38% of those at 0.6 and 90% at 0.7 (long texts), and loses about 1 in
// 1,000 pairs at the threshold itself (see rejectBelow). Verifying is what
// a search spends its time on; 4 deviations for every text lost one
// near-duplicate holdout row in about a hundred on CLINC150 and
// BANKING77, whose texts are short, hence the wider cut for those. The
// pairs left are verified exactly: both texts
// are read back from the temporary file, shingled, and their similarity
// computed; only pairs at or above the threshold are reported, with that
// similarity. So every reported pair is exact, and recall at the threshold
// is about 0.99 (0.991 for LSH, times 0.998 for the fingerprint; TestRecall
// checks ≥ 0.95 against a brute-force reference).
//
// # Several questions, one scan
//
// Pairs (every pair a predicate keeps) and First (a target for each query
// text) are two kinds of Query; Search answers several at once, as the
// pipeline does for the checks that share the index: each band is sorted,
// each bucket's pairs formed and the earlier bands checked once, and a pair
// that several queries want is verified once; each query still takes a
// pair only if it wants it and the pair passes its own fingerprint test,
// so its answer and Stats are those it would get alone (TestSearch). On
// the 1M-text benchmark both checks' queries together cost what First
// alone does (BenchmarkIndex/search).
//
// # Buckets shared by many texts
//
// Boilerplate (signatures, templates, auto-replies) can put thousands of
// texts in one bucket, whose pairs grow quadratically. Only the first
// BucketCap texts of a bucket (default 100), in Pos order, form pairs there;
// Stats counts the capped buckets and the pairs they did not form
// (SkippedPairs, an upper bound on the pairs missed, since near duplicates
// usually share several buckets and a smaller one finds them). The choice
// depends only on the bucket's contents, so it is deterministic.
//
// # Memory and the temporary file
//
// Memory grows with the number of distinct texts only: rows whose Key was
// seen before update its Entry and cost nothing more. Each distinct text
// holds a 64-byte record (its Entry, where its text is, its length), 4 bytes
// per band (80 at the default threshold), a 32-byte fingerprint and about 7
// bytes of the table finding keys: about 185 bytes at the default threshold
// (BenchmarkIndex measures 185 on 1M texts). The texts themselves, each
// distinct one once and cut to its first MaxRunes runes, go to a temporary
// file per index, written sequentially and read back only to verify
// candidates; Close removes it. A search reads them with a system call per
// text, or, while an index's texts are at most 256 MiB (mapTextLimit), on
// Unix, from a memory mapping of the files, which is faster: the pages of
// a mapping belong to the kernel's page cache, not to the Go heap, but
// those the search touches count in the process's resident memory, about
// the whole file. On 1M generated tickets (150 MB of texts) the search
// takes 16 – 38% longer without the mapping; on 10M (1.3 GB) the mapping
// was a sixth of the peak RSS.
// A search (Pairs, First, Search) also needs, while it runs, 28 bytes per
// distinct text for sorting bands (the next band is sorted while the
// current one is verified; 33 for a moment the first time, to put the
// texts in order), plus its results.
//
// # Concurrency and determinism
//
// An Index is not safe for concurrent use: each worker of the pipeline owns
// one, adds its rows, and the indexes are merged at the end (Merge). Pairs
// and First run their own goroutines (Options.Workers) and call keep, query
// and target from them. The result does not depend on how rows were split
// between indexes, on the order of merges or on the number of workers:
// each key keeps the entry of its smallest Pos, texts are ordered by
// (Pos, Key) before the search, and a pair found in several bands is
// handled in the first band that formed it.
//
// # Distributed search
//
// BandSearch is Search cut into steps a distributed pipeline runs on many
// machines: every process's distinct texts (Index.Texts), folded by key
// (Text.Absorb); their signatures (BandSearch.Member); then, band after
// band, the texts grouped by band hash and each group's pairs formed,
// filtered and verified (BandSearch.Bucket), each text carrying to the
// next band what the earlier ones decided (the caps it fell beyond, the
// first-match questions it has answered; BucketBuilder streams a bucket,
// holding only the members that form pairs); what the buckets found merged
// (Found) into the Answer. The answer and Stats equal Search's on one
// index of every text, whatever the grouping and order (TestBandSearch).
//
// # Why hand-written
//
// No maintained Go library does this. ekzhu/minhash-lsh keeps string keys
// in in-memory maps per band, computes each of K hash functions per
// shingle, and neither verifies candidates nor merges indexes;
// dgryski/go-minhash computes signatures only, also K hashes per shingle.
// Classic K-hash MinHash measured 30,000 texts/s here for K = 96; one
// permutation hashing is about ten times faster.
package similar
