// plainmap: Go 1.19's map[int64]int64 under the workload of
// `mapbench run --map plain --threads 1 --procs 1 --keys K --prefill P --mix R:W --ops N`,
// so the C port can be compared with the original on the same machine.
// It prints "<ns> ns/op" for the timed phase.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"
)

// splitmix64, the same generator mapbench's tasks use.
type rng struct{ s uint64 }

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// below maps 64 random bits to [0, n) by a multiply-high.
func below(r, n uint64) uint64 {
	hi, _ := mulhi(r, n)
	return hi
}

func mulhi(a, b uint64) (uint64, uint64) {
	const mask32 = 1<<32 - 1
	a0, a1 := a&mask32, a>>32
	b0, b1 := b&mask32, b>>32
	w0 := a0 * b0
	t := a1*b0 + w0>>32
	w1 := t&mask32 + a0*b1
	return a1*b1 + t>>32 + w1>>32, a * b
}

func main() {
	keys := flag.Uint64("keys", 2000000, "key space: keys are drawn from [0, keys)")
	prefill := flag.Uint64("prefill", 1000000, "keys 0..prefill-1 stored before timing")
	ops := flag.Uint64("ops", 20000000, "operations in the timed phase")
	read := flag.Uint64("read", 90, "percent of loads (the rest are stores)")
	seed := flag.Uint64("seed", 1, "workload seed")
	flag.Parse()
	if *keys == 0 || *prefill > *keys || *read > 100 {
		fmt.Fprintln(os.Stderr, "plainmap: need keys > 0, prefill <= keys, read <= 100")
		os.Exit(2)
	}
	m := make(map[int64]int64)
	for k := uint64(0); k < *prefill; k++ {
		m[int64(k)] = int64(k)
	}
	r := rng{s: *seed}
	loadBelow := uint32((*read << 32) / 100)
	if *read == 100 {
		loadBelow = ^uint32(0)
	}
	var hits uint64
	start := time.Now()
	for i := uint64(0); i < *ops; i++ {
		x := r.next()
		key := int64(below(x, *keys))
		if uint32(x) < loadBelow {
			if _, ok := m[key]; ok {
				hits++
			}
		} else {
			m[key] = int64(x >> 1)
		}
	}
	elapsed := time.Since(start)
	fmt.Printf("%.2f ns/op (%d ops, %d load hits, len %d)\n",
		float64(elapsed.Nanoseconds())/float64(*ops), *ops, hits, len(m))
}
