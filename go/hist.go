// Latency histograms in lib/measure/hist.c's log-linear layout: 2^subBits
// buckets per power of two, values below 2^subBits exact; the same
// percentile rule (the highest value of the bucket holding the
// ceil(p/100*count)-th value, capped at max).
package main

import (
	"math"
	"math/bits"
)

const (
	histSubBits  = 10
	histMaxBits  = 42
	histMaxNs    = 1<<histMaxBits - 1
	histNBuckets = (histMaxBits - histSubBits + 1) << histSubBits
	tsSubBits    = 4
	tsNBuckets   = (histMaxBits - tsSubBits + 1) << tsSubBits
)

func histBucket(v uint64, subBits uint) uint {
	sub := uint64(1) << subBits
	if v < sub {
		return uint(v)
	}
	k := uint(63 - bits.LeadingZeros64(v))
	shift := k - subBits
	within := uint((v >> shift) - sub)
	return ((k - subBits + 1) << subBits) + within
}

func histBucketTop(b uint, subBits uint) uint64 {
	sub := uint(1) << subBits
	if b < sub {
		return uint64(b)
	}
	shift := (b >> subBits) - 1
	low := uint64(sub+(b&(sub-1))) << shift
	return low + (uint64(1)<<shift - 1)
}

func histRank(p float64, count uint64) uint64 {
	want := p / 100.0 * float64(count)
	rank := uint64(want)
	if float64(rank) < want {
		rank++
	}
	if rank < 1 {
		rank = 1
	}
	if rank > count {
		return count
	}
	return rank
}

type hist struct {
	count, min, max uint64
	sum, sumSq      float64
	buckets         []uint64
}

func newHist() *hist {
	return &hist{min: math.MaxUint64, buckets: make([]uint64, histNBuckets)}
}

func (h *hist) record(ns uint64) {
	if ns > histMaxNs {
		ns = histMaxNs
	}
	h.buckets[histBucket(ns, histSubBits)]++
	h.count++
	h.sum += float64(ns)
	h.sumSq += float64(ns) * float64(ns)
	if ns < h.min {
		h.min = ns
	}
	if ns > h.max {
		h.max = ns
	}
}

func (h *hist) merge(s *hist) {
	if s.count == 0 {
		return
	}
	for i, c := range s.buckets {
		h.buckets[i] += c
	}
	h.count += s.count
	h.sum += s.sum
	h.sumSq += s.sumSq
	if s.min < h.min {
		h.min = s.min
	}
	if s.max > h.max {
		h.max = s.max
	}
}

func (h *hist) percentile(p float64) uint64 {
	if h.count == 0 {
		return 0
	}
	if p <= 0 {
		return h.min
	}
	rank, seen := histRank(p, h.count), uint64(0)
	for b, c := range h.buckets {
		seen += c
		if seen >= rank {
			v := histBucketTop(uint(b), histSubBits)
			if v > h.max {
				return h.max
			}
			return v
		}
	}
	return h.max
}

// latencyJSON is the summary mapbench writes (mb_hist_summarize).
type latencyJSON struct {
	Samples uint64   `json:"samples"`
	Mean    *float64 `json:"mean"`
	Stddev  *float64 `json:"stddev"`
	Min     uint64   `json:"min"`
	P50     uint64   `json:"p50"`
	P90     uint64   `json:"p90"`
	P99     uint64   `json:"p99"`
	P999    uint64   `json:"p999"`
	P9999   uint64   `json:"p9999"`
	Max     uint64   `json:"max"`
}

func (h *hist) summary() latencyJSON {
	s := latencyJSON{Samples: h.count, Max: h.max, Mean: num(0), Stddev: num(0)}
	if h.count == 0 {
		return s
	}
	s.Min = h.min
	s.P50, s.P90, s.P99 = h.percentile(50), h.percentile(90), h.percentile(99)
	s.P999, s.P9999 = h.percentile(99.9), h.percentile(99.99)
	mean := h.sum / float64(h.count)
	v := h.sumSq/float64(h.count) - mean*mean
	sd := 0.0
	if v > 0 {
		sd = math.Sqrt(v)
	}
	s.Mean, s.Stddev = num(mean), num(sd)
	return s
}

// num is a JSON number, or null when not finite.
func num(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}
