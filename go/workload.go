// The workload: the same op stream as mapbench's C runner (lib/run/rng.h,
// keydist.c, keys.c, runner.c), so that a seed names the same keys, kinds
// and values on both sides.  Every constant here is the C side's.
package main

import (
	"math"
	"math/bits"
)

const rngGamma = 0x9e3779b97f4a7c15

// mix is splitmix64's finaliser (mb_rng_mix).
func mix(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// rngStream is the initial state of stream index of the run seeded with
// seed (mb_rng_stream): task i's stream.
func rngStream(seed, index uint64) uint64 {
	return mix(seed ^ mix(index*rngGamma+rngGamma))
}

// rngNext advances *s and returns the next 64 random bits (mb_rng_next).
func rngNext(s *uint64) uint64 {
	*s += rngGamma
	return mix(*s)
}

// below maps 64 random bits to [0, n) by a multiply-high (mb_rng_below).
func below(r, n uint64) uint64 {
	hi, _ := bits.Mul64(r, n)
	return hi
}

// The op kinds, in mapbench's order (enum mb_op_kind).
const (
	opLoad = iota
	opStore
	opDelete
	opLoadOrStore
	opLoadAndDelete
	opSwap
	opCAS
	opCAD
	opRange
	nKinds
)

var kindNames = [nKinds]string{"load", "store", "delete", "load_or_store",
	"load_and_delete", "swap", "cas", "cad", "range"}

// inserts: the ops that can insert a key (what `latest` turns into inserts).
func inserts(kind uint8) bool {
	return kind == opStore || kind == opLoadOrStore || kind == opSwap
}

// kindTable is the mix as one kind per percent: the kind of random bits r
// is table[(uint32(r) * 100) >> 32], as in the C runner.
func kindTable(mix [nKinds]uint) [100]uint8 {
	var t [100]uint8
	pct := 0
	for k := 0; k < nKinds; k++ {
		for i := uint(0); i < mix[k]; i++ {
			t[pct] = uint8(k)
			pct++
		}
	}
	return t
}

func kindOf(t *[100]uint8, r uint64) uint8 {
	return t[(uint64(uint32(r))*100)>>32]
}

// Key distributions (keydist.h).
const (
	distUniform = iota
	distZipf
	distSequential
	distHotspot
	distLatest
)

type keydist struct {
	kind                        int
	s                           float64 // zipf exponent
	hotFraction, hotProbability float64
	n                           uint64
	hX1, hN, sVal               float64
}

func expm1OverX(x float64) float64 {
	if math.Abs(x) > 1e-8 {
		return math.Expm1(x) / x
	}
	return 1 + x/2*(1+x/3*(1+x/4))
}

func log1pOverX(x float64) float64 {
	if math.Abs(x) > 1e-8 {
		return math.Log1p(x) / x
	}
	return 1 - x*(0.5-x*(1.0/3-0.25*x))
}

func (d *keydist) bigH(x float64) float64 {
	lx := math.Log(x)
	return expm1OverX((1-d.s)*lx) * lx
}

func (d *keydist) bigHInv(x float64) float64 {
	t := x * (1 - d.s)
	if t < -1 {
		t = -1
	}
	return math.Exp(log1pOverX(t) * x)
}

func (d *keydist) h(x float64) float64 {
	return math.Exp(-d.s * math.Log(x))
}

// prepare fixes the key count (mb_keydist_prepare).
func (d *keydist) prepare(n uint64) {
	d.n = n
	if d.kind != distZipf && d.kind != distLatest {
		return
	}
	d.hX1 = d.bigH(1.5) - 1
	d.hN = d.bigH(float64(n) + 0.5)
	d.sVal = 2 - d.bigHInv(d.bigH(2.5)-d.h(2))
}

// zipf returns a rank in [1, n] (mb_keydist_zipf).  Go's math package and
// the C library may differ in the last bit of exp and log, so zipf and
// latest streams are not guaranteed to match C's.
func (d *keydist) zipf(rng *uint64) uint64 {
	for {
		u01 := float64(rngNext(rng)>>11) * 0x1.0p-53
		u := d.hN + u01*(d.hX1-d.hN)
		x := d.bigHInv(u)
		kf := math.Floor(x + 0.5)
		if kf < 1 {
			kf = 1
		}
		if kf > float64(d.n) {
			kf = float64(d.n)
		}
		if kf-x <= d.sVal || u >= d.bigH(kf+0.5)-d.h(kf) {
			return uint64(kf)
		}
	}
}

// keygen turns random bits into key indexes, as the C runner's next_key.
type keygen struct {
	dist     *keydist
	inserted *uint64 // latest: the run's insert counter (atomic)
	keys     uint64
	hotKeys  uint64
	hotBelow uint64
	stride   uint64
}

func newKeygen(d *keydist, inserted *uint64, keys, threads uint64) keygen {
	g := keygen{dist: d, inserted: inserted, keys: keys}
	if d.kind == distHotspot {
		g.hotKeys = uint64(d.hotFraction*float64(keys)) + 1
	}
	g.hotBelow = uint64(d.hotProbability * float64(1<<24))
	g.stride = keys / threads
	if g.stride == 0 {
		g.stride = 1
	}
	return g
}
