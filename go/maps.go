// The map designs, as a Go program would write them: plain is a Go map,
// locked and rwlocked a Go map behind sync.Mutex or sync.RWMutex, sync is
// sync.Map.  Every design runs sync.Map's operations with mapbench's return
// conventions (lib/maps/map.h): 1 when the op found, loaded, replaced,
// swapped or deleted something, else 0.  plain composes the compound ops
// with two map accesses; the locked designs run them under the write lock;
// Go 1.19's sync.Map has no Swap, CompareAndSwap or CompareAndDelete (Go
// 1.20 added them), so the runner refuses those for sync.
package main

import (
	"encoding/binary"
	"sync"
	"unsafe"
)

// design is one map instance: do runs one op other than range on key k
// with value v (cas: old, then v; cad: old v), rangeAll iterates.
type design[K comparable] interface {
	do(kind uint8, k K, v, old int64) int
	rangeAll() uint64
	length() int
	// gomap is the Go map the design keeps its entries in (for reading
	// its growth), or nil.
	gomap() unsafe.Pointer
}

// newBlob is a value of size bytes for v, as mb_map_blob_fill writes it:
// v in the first 8 bytes, then the byte v^0xa5 repeated.
func newBlob(size int, v int64) []byte {
	b := make([]byte, size)
	binary.LittleEndian.PutUint64(b, uint64(v))
	f := byte(v) ^ 0xa5
	for i := 8; i < size; i++ {
		b[i] = f
	}
	return b
}

func blobValue(b []byte) int64 {
	return int64(binary.LittleEndian.Uint64(b))
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// mapPointer is the *hmap a map value holds.
func mapPointer(m unsafe.Pointer) unsafe.Pointer {
	return *(*unsafe.Pointer)(m)
}

// inline: int64 values in the map.
type inline[K comparable] struct{ m map[K]int64 }

func (p *inline[K]) do(kind uint8, k K, v, old int64) int {
	m := p.m
	switch kind {
	case opLoad:
		_, ok := m[k]
		return b2i(ok)
	case opStore:
		m[k] = v
		return 0
	case opDelete:
		n := len(m)
		delete(m, k)
		return b2i(len(m) < n)
	case opLoadOrStore:
		if _, ok := m[k]; ok {
			return 1
		}
		m[k] = v
		return 0
	case opLoadAndDelete:
		if _, ok := m[k]; ok {
			delete(m, k)
			return 1
		}
		return 0
	case opSwap:
		_, ok := m[k]
		m[k] = v
		return b2i(ok)
	case opCAS:
		if cur, ok := m[k]; ok && cur == old {
			m[k] = v
			return 1
		}
		return 0
	default: // opCAD
		if cur, ok := m[k]; ok && cur == v {
			delete(m, k)
			return 1
		}
		return 0
	}
}

func (p *inline[K]) rangeAll() uint64 {
	n := uint64(0)
	for range p.m {
		n++
	}
	return n
}

func (p *inline[K]) length() int           { return len(p.m) }
func (p *inline[K]) gomap() unsafe.Pointer { return mapPointer(unsafe.Pointer(&p.m)) }

// boxed: every value a fresh heap blob of size bytes, like mapbench's
// --value-size (the Go program's []byte).
type boxed[K comparable] struct {
	m    map[K][]byte
	size int
}

func (p *boxed[K]) do(kind uint8, k K, v, old int64) int {
	m := p.m
	switch kind {
	case opLoad:
		b, ok := m[k]
		return b2i(ok && blobValue(b) >= 0)
	case opStore:
		m[k] = newBlob(p.size, v)
		return 0
	case opDelete:
		n := len(m)
		delete(m, k)
		return b2i(len(m) < n)
	case opLoadOrStore:
		if b, ok := m[k]; ok && blobValue(b) >= 0 {
			return 1
		}
		m[k] = newBlob(p.size, v)
		return 0
	case opLoadAndDelete:
		if b, ok := m[k]; ok && blobValue(b) >= 0 {
			delete(m, k)
			return 1
		}
		return 0
	case opSwap:
		_, ok := m[k]
		m[k] = newBlob(p.size, v)
		return b2i(ok)
	case opCAS:
		if cur, ok := m[k]; ok && blobValue(cur) == old {
			m[k] = newBlob(p.size, v)
			return 1
		}
		return 0
	default: // opCAD
		if cur, ok := m[k]; ok && blobValue(cur) == v {
			delete(m, k)
			return 1
		}
		return 0
	}
}

func (p *boxed[K]) rangeAll() uint64 {
	n := uint64(0)
	for range p.m {
		n++
	}
	return n
}

func (p *boxed[K]) length() int           { return len(p.m) }
func (p *boxed[K]) gomap() unsafe.Pointer { return mapPointer(unsafe.Pointer(&p.m)) }

// locked: a map behind one sync.Mutex, every op under it.
type locked[K comparable] struct {
	mu   sync.Mutex
	core design[K]
}

func (p *locked[K]) do(kind uint8, k K, v, old int64) int {
	p.mu.Lock()
	rc := p.core.do(kind, k, v, old)
	p.mu.Unlock()
	return rc
}

func (p *locked[K]) rangeAll() uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.core.rangeAll()
}

func (p *locked[K]) length() int           { return p.core.length() }
func (p *locked[K]) gomap() unsafe.Pointer { return p.core.gomap() }

// rwlocked: loads and range under the read side of a sync.RWMutex, every
// other op (the compound ones too, so each is atomic) under the write side.
type rwlocked[K comparable] struct {
	mu   sync.RWMutex
	core design[K]
}

func (p *rwlocked[K]) do(kind uint8, k K, v, old int64) int {
	if kind == opLoad {
		p.mu.RLock()
		rc := p.core.do(kind, k, v, old)
		p.mu.RUnlock()
		return rc
	}
	p.mu.Lock()
	rc := p.core.do(kind, k, v, old)
	p.mu.Unlock()
	return rc
}

func (p *rwlocked[K]) rangeAll() uint64 {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.core.rangeAll()
}

func (p *rwlocked[K]) length() int           { return p.core.length() }
func (p *rwlocked[K]) gomap() unsafe.Pointer { return p.core.gomap() }

// syncDesign: sync.Map, values boxed into interface{} as Go does (an int64,
// or with --value-size a []byte).
type syncDesign[K comparable] struct {
	m    sync.Map
	size int // 0: int64 values
}

func (p *syncDesign[K]) value(v int64) any {
	if p.size == 0 {
		return v
	}
	return newBlob(p.size, v)
}

func (p *syncDesign[K]) read(x any) int64 {
	if p.size == 0 {
		return x.(int64)
	}
	return blobValue(x.([]byte))
}

func (p *syncDesign[K]) do(kind uint8, k K, v, old int64) int {
	switch kind {
	case opLoad:
		x, ok := p.m.Load(k)
		return b2i(ok && p.read(x) >= 0)
	case opStore:
		p.m.Store(k, p.value(v))
		return 0
	case opLoadOrStore:
		x, loaded := p.m.LoadOrStore(k, p.value(v))
		return b2i(loaded && p.read(x) >= 0)
	default: // delete, load_and_delete (the runner refuses swap, cas, cad)
		x, loaded := p.m.LoadAndDelete(k)
		return b2i(loaded && p.read(x) >= 0)
	}
}

func (p *syncDesign[K]) rangeAll() uint64 {
	n := uint64(0)
	p.m.Range(func(_, _ any) bool {
		n++
		return true
	})
	return n
}

func (p *syncDesign[K]) length() int {
	return int(p.rangeAll())
}

func (p *syncDesign[K]) gomap() unsafe.Pointer { return nil }

// designNames: the --map names the runner knows, in mapbench's words.
var designNames = []string{"plain", "locked", "rwlocked", "sync"}

// concurrent: safe for concurrent use (plain is not).
func concurrent(name string) bool { return name != "plain" }

// newDesign makes an empty instance of the named design.
func newDesign[K comparable](name string, valueSize int) design[K] {
	var core design[K]
	if valueSize == 0 {
		core = &inline[K]{m: make(map[K]int64)}
	} else {
		core = &boxed[K]{m: make(map[K][]byte), size: valueSize}
	}
	switch name {
	case "locked":
		return &locked[K]{core: core}
	case "rwlocked":
		return &rwlocked[K]{core: core}
	case "sync":
		return &syncDesign[K]{size: valueSize}
	default:
		return core
	}
}
