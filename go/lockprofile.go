// What Go tells of a timed phase's goroutines and locks, to set beside
// mapbench's runs[].lock: goroutine switches always, and with
// --lock-profile how often goroutines blocked in sync.Mutex and
// sync.RWMutex, read off Go's block profile, beside mapbench's
// runs[].lock.blocked.  Go 1.19's semacquire1 records one block event per
// acquire that queued on the semaphore (none when it found a release to
// take at once), however often its goroutine was woken and slept again
// inside, as mapbench's blocked counts.  The profile costs a stack walk per
// event, and that changes what it counts: a goroutine woken from a mutex
// walks its stack before it tries the lock again (locked, 1k goroutines,
// 90:10 on 2 procs: about 0.6M switches profiled against 5.2M without), so
// its counts are those of a slower program, not of a run without it.
package main

import (
	"runtime"
	"runtime/metrics"
)

// goroutineSwitches estimates how many times a goroutine was made running
// since the program started, for runs[].lock.switches.  Go 1.19 has no
// counter of it; its scheduling-latency histogram records every 8th of each
// goroutine's transitions out of running (gTrackingPeriod in runtime2.go),
// so its count times 8 (about; each goroutine starts at a random phase).
// Reading it changes nothing in the scheduler.
func goroutineSwitches() uint64 {
	s := []metrics.Sample{{Name: "/sched/latencies:seconds"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindFloat64Histogram {
		return 0
	}
	var n uint64
	for _, c := range s[0].Value.Float64Histogram().Counts {
		n += c
	}
	return 8 * n
}

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
	on             bool
	before         uint64
	switchesBefore uint64
}

func (p *lockProfile) start(on bool) {
	p.on = on
	p.switchesBefore = goroutineSwitches()
	if on {
		p.before = lockBlocks()
		runtime.SetBlockProfileRate(1) // every blocking event
	}
}

// switches returns the phase's goroutine switches so far.
func (p *lockProfile) switches() uint64 {
	return goroutineSwitches() - p.switchesBefore
}

// stop returns the phase's acquires that slept.
func (p *lockProfile) stop() uint64 {
	if !p.on {
		return 0
	}
	runtime.SetBlockProfileRate(0)
	return lockBlocks() - p.before
}
