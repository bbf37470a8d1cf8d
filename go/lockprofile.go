// --lock-profile: how often goroutines blocked in sync.Mutex and
// sync.RWMutex during a timed phase, read off Go's block profile, to set
// beside mapbench's runs[].lock.blocked.  Go 1.19's semacquire1 records
// one block event per acquire that queued on the semaphore (none when it
// found a release to take at once), however often its goroutine was woken
// and slept again inside, as mapbench's blocked counts.  The profile costs
// a stack walk per event: ns/op of such a run is not the speed of a run
// without it.
package main

import "runtime"

// lockFrames: a blocking event under one of these frames is a lock's
// (sync.Map's internal mutex included; Lock is inlined into its caller
// and lockSlow may be skipped, CallersFrames lists inlined frames too).
var lockFrames = map[string]bool{
	"sync.(*Mutex).Lock":     true,
	"sync.(*Mutex).lockSlow": true,
	"sync.(*RWMutex).RLock":  true,
	"sync.(*RWMutex).Lock":   true,
}

// lockBlocks sums the block profile's events under a lock frame since the
// program started (the profile only grows).
func lockBlocks() uint64 {
	var recs []runtime.BlockProfileRecord
	n, _ := runtime.BlockProfile(nil)
	for {
		recs = make([]runtime.BlockProfileRecord, n+16)
		var ok bool
		if n, ok = runtime.BlockProfile(recs); ok {
			break
		}
	}
	var total uint64
	for _, r := range recs[:n] {
		if underLock(r.Stack()) {
			total += uint64(r.Count)
		}
	}
	return total
}

func underLock(stack []uintptr) bool {
	frames := runtime.CallersFrames(stack)
	for {
		f, more := frames.Next()
		if lockFrames[f.Function] {
			return true
		}
		if !more {
			return false
		}
	}
}

// lockProfile counts one timed phase: start before it, stop after it.
type lockProfile struct {
	on     bool
	before uint64
}

func (p *lockProfile) start(on bool) {
	p.on = on
	if on {
		p.before = lockBlocks()
		runtime.SetBlockProfileRate(1) // every blocking event
	}
}

// stop returns the phase's acquires that slept.
func (p *lockProfile) stop() uint64 {
	if !p.on {
		return 0
	}
	runtime.SetBlockProfileRate(0)
	return lockBlocks() - p.before
}
