// Go's own map internals in the trace: with Go 1.19's layouts (checked
// with runtime.Version and reflect), read through unsafe when a Go map
// starts a grow (hmap.oldbuckets becomes non-nil; B tells a doubling from
// a same-size grow) and when sync.Map promotes its dirty map (dirty becomes
// nil) or rebuilds it (dirty becomes non-nil), at the op that did it.
//
// The reads are unsynchronised: with one goroutine they are exact; with
// several, another goroutine's op may be the one seen (the event's op index
// is then approximate).  Only runs that keep pause events pay for them.
package main

import (
	"reflect"
	"runtime"
	"strings"
	"sync"
	"unsafe"
)

// hmap19 is the head of Go 1.19's runtime.hmap (runtime/map.go).
type hmap19 struct {
	count      int
	flags      uint8
	B          uint8
	noverflow  uint16
	hash0      uint32
	buckets    unsafe.Pointer
	oldbuckets unsafe.Pointer
}

// Go 1.19's load factor: a map grows when count > 8 and count > 6.5 * 2^B,
// or, same size, when it has as many overflow buckets as buckets.
func overLoadFactor(count int, b uint8) bool {
	return count > 8 && uintptr(count) > 13*((uintptr(1)<<b)/2)
}

func tooManyOverflow(noverflow uint16, b uint8) bool {
	if b > 15 {
		b = 15
	}
	return noverflow >= uint16(1)<<(b&15)
}

// internalsOK: this runtime has the layouts read here.
var internalsOK = strings.HasPrefix(runtime.Version(), "go1.19")

// syncDirtyOff, syncMissesOff: where sync.Map keeps dirty and misses.
// syncReadOff: its read field, an atomic.Value holding a readOnly whose
// first word is the read map.
var syncDirtyOff, syncMissesOff, syncReadOff, syncOK = syncLayout()

func syncLayout() (uintptr, uintptr, uintptr, bool) {
	t := reflect.TypeOf(sync.Map{})
	d, ok1 := t.FieldByName("dirty")
	m, ok2 := t.FieldByName("misses")
	r, ok3 := t.FieldByName("read")
	if !ok1 || !ok2 || !ok3 || d.Type.Kind() != reflect.Map || m.Type.Kind() != reflect.Int ||
		r.Type.Size() != 2*unsafe.Sizeof(uintptr(0)) {
		return 0, 0, 0, false
	}
	return d.Offset, m.Offset, r.Offset, true
}

// readLen: entries of sync.Map's read map (expunged ones included).
func (p *probe) readLen() int64 {
	v := (*[2]unsafe.Pointer)(unsafe.Add(p.syncMap, syncReadOff))
	if v[1] == nil {
		return 0
	}
	m := *(*unsafe.Pointer)(v[1])
	if m == nil {
		return 0
	}
	return int64((*hmap19)(m).count)
}

// An event the probe saw.
const (
	probeNone = iota
	probeGrow
	probeSameSizeGrow
	probePromote
	probeRebuild
)

// probe watches one design's internals around each op.
type probe struct {
	h       *hmap19        // a Go map's header, or nil
	syncMap unsafe.Pointer // a sync.Map, or nil
	// state before the op
	old      unsafe.Pointer
	buckets  unsafe.Pointer
	count    int
	b        uint8
	dirty    unsafe.Pointer
	predicts bool
}

func newProbe(d any) *probe {
	if !internalsOK {
		return nil
	}
	switch x := d.(type) {
	case interface{ syncMapPtr() unsafe.Pointer }:
		if !syncOK {
			return nil
		}
		return &probe{syncMap: x.syncMapPtr()}
	case interface{ gomap() unsafe.Pointer }:
		if p := x.gomap(); p != nil {
			return &probe{h: (*hmap19)(p)}
		}
	}
	return nil
}

func (p *syncDesign[K]) syncMapPtr() unsafe.Pointer { return unsafe.Pointer(&p.m) }

func (p *probe) dirtyNow() unsafe.Pointer {
	return *(*unsafe.Pointer)(unsafe.Add(p.syncMap, syncDirtyOff))
}

// before notes the state and says whether this op may start a cycle (the
// runner then times it).
func (p *probe) before(kind uint8) bool {
	if p.h != nil {
		h := p.h
		p.old, p.buckets, p.count, p.b = h.oldbuckets, h.buckets, h.count, h.B
		p.predicts = p.old == nil && kind != opLoad && kind != opRange &&
			(overLoadFactor(h.count+1, h.B) || tooManyOverflow(h.noverflow, h.B))
		return p.predicts
	}
	p.dirty = p.dirtyNow()
	if p.dirty == nil {
		p.predicts = kind == opStore || kind == opLoadOrStore
	} else {
		misses := *(*int)(unsafe.Add(p.syncMap, syncMissesOff))
		p.predicts = kind != opStore && misses+1 >= (*hmap19)(p.dirty).count
	}
	return p.predicts
}

// after returns what the op did, and the entries of the map concerned.
func (p *probe) after() (int, int64) {
	if p.h != nil {
		// A grow allocates a new bucket array (a small map's may also
		// finish within the op, oldbuckets nil again); the first
		// insert's allocation is not one.
		h := p.h
		if p.old != nil || p.buckets == nil || h.buckets == p.buckets {
			return probeNone, 0
		}
		if h.B == p.b {
			return probeSameSizeGrow, int64(p.count)
		}
		return probeGrow, int64(p.count)
	}
	d := p.dirtyNow()
	switch {
	case p.dirty != nil && d == nil:
		return probePromote, int64((*hmap19)(p.dirty).count)
	case p.dirty == nil && d != nil:
		return probeRebuild, p.readLen()
	}
	return probeNone, 0
}
