package audit

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"dataready/audit/similar"
	"dataready/source"
)

// Parts makes Run take the path of a distributed run through the merge, to
// test it: instead of concurrent workers, Run deals the input's units to K
// parts on one goroutine (each unit to a part drawn at random), each part
// with its own accumulators, key table, statistics and near-duplicate
// index, as a worker has. After the last unit, every part's state is
// encoded (Encodable), decoded into fresh state made for the same run, and
// encoded again (which must give the same bytes). Then, as a tree of
// combiners does, the parts are merged in pairs in a random order, and the
// merged state goes through the encoding again before the last merges;
// the row spills are revisited in a random order. The report must be the
// one of an ordinary run, whatever K and Seed: the property test in
// package registry checks it for every check.
type Parts struct {
	// K is the number of parts, at least 1.
	K int
	// Seed drives the choice of part per unit and the order of merges.
	Seed uint64
	// Encoded, when set, is called with every encoding of a part's state,
	// the name of what it encodes (a check id, "audit.KeyTable",
	// "audit.runStats" or "similar.Index") and a function that makes fresh
	// state of the run to decode into (closing it is the caller's job when
	// it is an io.Closer): tests feed decoders damaged copies of real
	// encodings with it.
	Encoded func(name string, data []byte, fresh func() (Encodable, error))
}

// stream reads every unit of the inputs on this goroutine and decodes it
// into a randomly chosen part.
func (p *Parts) stream(ctx context.Context, inputs []*input, ws []*worker, mem memory.Allocator, progress Progress) error {
	rng := rand.New(rand.NewPCG(p.Seed, 0))
	for _, in := range inputs {
		err := in.src.Units(ctx, func(u source.Unit) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			rows, err := ws[rng.IntN(len(ws))].consume(work{in, u}, mem)
			if err == nil && progress != nil {
				progress.Add(u.Bytes(), rows)
			}
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// exchange sends the parts' state through the encoding as a distributed
// run's combiners do: every part's state is replaced by a decoded copy of
// its encoding; the parts are shuffled, merged in pairs, and the merged
// state goes through the encoding again. It returns the merged parts, for
// Run to merge, and shuffles the spills (their order is the order rows are
// revisited in). closers receives the decoded state that holds files; the
// replaced state's files are closed.
func (p *Parts) exchange(ws []*worker, specs []Spec, envs []*Env, spills []*spill, closers *[]io.Closer) ([]*worker, error) {
	if err := p.exchangeAll(ws, specs, envs, closers); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(p.Seed, 1))
	rng.Shuffle(len(ws), func(i, j int) { ws[i], ws[j] = ws[j], ws[i] })
	rng.Shuffle(len(spills), func(i, j int) { spills[i], spills[j] = spills[j], spills[i] })
	var merged []*worker
	for i := 0; i < len(ws); i += 2 {
		if i+1 < len(ws) {
			if err := ws[i].merge(ws[i+1]); err != nil {
				return nil, err
			}
		}
		merged = append(merged, ws[i])
	}
	if err := p.exchangeAll(merged, specs, envs, closers); err != nil {
		return nil, err
	}
	return merged, nil
}

// exchangeAll replaces the state of every worker of ws by a decoded copy
// of its encoding.
func (p *Parts) exchangeAll(ws []*worker, specs []Spec, envs []*Env, closers *[]io.Closer) error {
	keep := func(v any) {
		if c, ok := v.(io.Closer); ok {
			*closers = append(*closers, c)
		}
	}
	for _, w := range ws {
		for i, acc := range w.accs {
			if acc == nil {
				continue
			}
			fresh, err := roundTrip(p, specs[i].ID, acc, func() (Accumulator, error) { return specs[i].New(envs[i]), nil })
			if err != nil {
				return fmt.Errorf("%s: %w", specs[i].ID, err)
			}
			keep(fresh)
			if c, ok := acc.(io.Closer); ok {
				_ = c.Close() // its files' contents are in the encoding
			}
			w.accs[i] = fresh
		}
		keys, err := roundTrip(p, "audit.KeyTable", w.keys, func() (*KeyTable, error) { return NewKeyTable(), nil })
		if err != nil {
			return err
		}
		w.keys = keys
		files, columns := len(w.stats.fileRows), len(w.stats.nulls)
		stats, err := roundTrip(p, "audit.runStats", w.stats, func() (*runStats, error) { return newRunStats(files, columns), nil })
		if err != nil {
			return err
		}
		w.stats = stats
		segments := len(w.prof.segments)
		prof, err := roundTrip(p, "audit.profile", w.prof, func() (*profile, error) { return newProfile(segments), nil })
		if err != nil {
			return err
		}
		w.prof = prof
		if ix := w.prep.index; ix != nil {
			opts := ix.Options()
			fresh, err := roundTrip(p, "similar.Index", ix, func() (*similar.Index, error) { return similar.New(opts) })
			if err != nil {
				return err
			}
			keep(fresh)
			_ = ix.Close()
			w.prep.index = fresh
		}
	}
	return nil
}

// roundTrip encodes v, decodes the bytes into fresh state, and checks
// that the copy encodes to the same bytes. On error, a copy that holds
// files is closed.
func roundTrip[T any](p *Parts, name string, v T, fresh func() (T, error)) (cp T, err error) {
	enc, ok := any(v).(Encodable)
	if !ok {
		return cp, fmt.Errorf("%T does not implement audit.Encodable", v)
	}
	data, err := enc.MarshalBinary()
	if err != nil {
		return cp, fmt.Errorf("encode: %w", err)
	}
	if p.Encoded != nil {
		p.Encoded(name, data, func() (Encodable, error) {
			e, err := fresh()
			enc, _ := any(e).(Encodable)
			return enc, err
		})
	}
	if cp, err = fresh(); err != nil {
		return cp, err
	}
	defer func() {
		if c, ok := any(cp).(io.Closer); ok && err != nil {
			_ = c.Close()
		}
	}()
	dec, ok := any(cp).(Encodable)
	if !ok {
		return cp, fmt.Errorf("%T does not implement audit.Encodable", cp)
	}
	if err := dec.UnmarshalBinary(data); err != nil {
		return cp, fmt.Errorf("decode: %w", err)
	}
	again, err := dec.MarshalBinary()
	if err != nil {
		return cp, fmt.Errorf("encode the decoded copy: %w", err)
	}
	if !bytes.Equal(data, again) {
		return cp, fmt.Errorf("%T: the decoded copy encodes to other bytes (%d, not %d): decoding loses or changes state", v, len(again), len(data))
	}
	return cp, nil
}
