// One run: a design, goroutines as tasks, the op budget, and what it
// measured.  The order of the C runner (lib/run/runner.c): create the map,
// prefill keys 0..prefill-1 with value k*2 from one goroutine, spawn the
// tasks (timed: spawn_s), release them together, warm up if asked, then
// each task draws its own stream until its budget is spent, the duration
// passes or a signal arrives.
package main

import (
	"math"
	"runtime"
	"runtime/metrics"
	"sort"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

const checkEvery = 1024

var epoch = time.Now()

// nanotime reads the monotonic clock only (time.Since on a time with a
// monotonic reading does not read the wall clock).
func nanotime() uint64 { return uint64(time.Since(epoch)) }

type runConfig struct {
	*sweep
	mapName string
	threads uint64
	procs   int
	rep     int
}

type pauseEvent struct {
	at, dur uint64
	kind    int
	worker  int64 // -1: none
	mapLen  int64
	opIndex int64 // -1: none
}

// Pause kinds, in mapbench's order (enum mb_pause_kind), gc last.
const (
	pauseGrow = iota
	pauseEvacuate
	pauseRehash
	pausePromote
	pauseDirtyCopy
	pauseLockWait
	pauseReclaim
	pauseSlowOp
	pauseGC
	nPauseKinds
)

var pauseNames = [nPauseKinds]string{"grow", "evacuate", "rehash", "promote",
	"dirty-copy", "lock-wait", "reclaim", "slow-op", "gc"}

type window struct {
	ops    [nKinds]uint64
	latN   uint64
	lat    []uint64
	liveAt uint64 // sample time + 1; 0: none
	live   int64
}

// shard: what a group of tasks records, under one lock (tasks i with the
// same i % len(shards)).
type shard struct {
	mu           sync.Mutex
	hist         [nKinds]*hist
	windows      []window
	events       []pauseEvent
	recorded     uint64
	dropped      uint64
	byKind       [nPauseKinds]pauseSummary
	ops, hits    [nKinds]uint64
	rangeEntries uint64
	livePeak     int64
	cycles       [5]uint64 // probe events by kind
	_            [64]byte
}

type pauseSummary struct{ count, total, max uint64 }

type taskResult struct{ done, digest uint64 }

type runResult struct {
	cfg          *runConfig
	outcome      string
	ops          uint64
	byKind, hits [nKinds]uint64
	rangeEntries uint64
	elapsed      float64
	overrun      float64 // past the duration (-1: none): ops in flight then finish
	prefillS     float64
	spawnS       float64
	taskBytes    uint64
	latency      *hist
	latByKind    [nKinds]*hist
	timerOverhd  float64
	events       []pauseEvent
	recorded     uint64
	dropped      uint64
	pauseKinds   [nPauseKinds]pauseSummary
	windows      []window
	allocBytes   uint64
	allocs       uint64
	liveEnd      int64
	livePeak     int64
	taskMin      uint64
	taskMedian   uint64
	taskMax      uint64
	fairness     float64
	digest       uint64
	peakRSS      uint64
	minflt       uint64
	majflt       uint64
	finalLen     int64
	stats        []stat
	lockBlocked  *uint64 // --lock-profile on a design with a lock, else nil
	lockSwitches *uint64 // a design with a lock, else nil
}

type stat struct {
	name  string
	value uint64
}

// interrupted: the signal that asked the sweep to stop, or 0.
var interrupted atomic.Int32

type run[K comparable] struct {
	cfg       *runConfig
	d         design[K]
	keys      []string
	table     [100]uint8
	dist      keydist
	gen       keygen
	inserted  uint64
	stop      atomic.Int32
	warmStop  atomic.Int32
	start     chan struct{}
	timed     chan struct{}
	warmWG    sync.WaitGroup
	doneWG    sync.WaitGroup
	origin    uint64
	shards    []shard
	results   []taskResult
	trace     bool
	threshold uint64
}

// keyAt is the key of index i: the int64 i, or the i-th string.
func keyAt[K comparable](keys []string, i int64) K {
	var k K
	switch p := any(&k).(type) {
	case *int64:
		*p = i
	case *string:
		*p = keys[i]
	}
	return k
}

// nextKey is the C runner's next_key: the key of task gi's op of kind
// for random bits r, with done ops of the task before it.
func (r *run[K]) nextKey(rng *uint64, x uint64, gi, done uint64, kind uint8) int64 {
	g := &r.gen
	switch g.dist.kind {
	case distLatest:
		if inserts(kind) {
			return int64((atomic.AddUint64(g.inserted, 1) - 1) % g.keys)
		}
		n := atomic.LoadUint64(g.inserted)
		back := g.dist.zipf(rng) - 1
		if n == 0 {
			return 0
		}
		if back >= n {
			back %= n
		}
		return int64((n - 1 - back) % g.keys)
	case distUniform:
		return int64(below(x, g.keys))
	case distZipf:
		return int64(g.dist.zipf(rng)) - 1
	case distSequential:
		return int64((gi*g.stride + done) % g.keys)
	default:
		r2 := mix(x)
		hot := g.hotKeys
		if hot > g.keys {
			hot = g.keys
		}
		if (x >> 40) < g.hotBelow {
			return int64(below(r2, hot))
		}
		cold := uint64(1)
		if g.keys > hot {
			cold = g.keys - hot
		}
		return int64((hot + below(r2, cold)) % g.keys)
	}
}

func (s *shard) window(r *runConfig, t uint64) *window {
	i := int(t / r.windowNs)
	for len(s.windows) <= i {
		s.windows = append(s.windows, window{lat: make([]uint64, tsNBuckets)})
	}
	return &s.windows[i]
}

func (s *shard) addEvent(max uint64, threshold uint64, e pauseEvent) {
	if e.dur < threshold {
		return
	}
	k := &s.byKind[e.kind]
	s.recorded++
	k.count++
	k.total += e.dur
	if e.dur > k.max {
		k.max = e.dur
	}
	if uint64(len(s.events)) >= max {
		s.dropped++
		return
	}
	s.events = append(s.events, e)
}

// heapObjects: bytes in heap objects now (live, and dead not yet swept).
func heapObjects() int64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(s[0].Value.Uint64())
}

// checkpoint adds the ops since the last one to the window of now.
func (r *run[K]) checkpoint(s *shard, ops *[nKinds]uint64, last *[nKinds]uint64, now uint64) {
	t := uint64(0)
	if now > r.origin {
		t = now - r.origin
	}
	s.mu.Lock()
	w := s.window(r.cfg, t)
	for k := 0; k < nKinds; k++ {
		w.ops[k] += ops[k] - last[k]
		last[k] = ops[k]
	}
	if w.liveAt == 0 {
		w.liveAt = t + 1
		w.live = heapObjects()
		if w.live > s.livePeak {
			s.livePeak = w.live
		}
	}
	s.mu.Unlock()
}

var gcTrace func(e pauseEvent, what string)

// task runs task i: its warm-up share, then its timed ops.
func (r *run[K]) task(i uint64, warmOps uint64, budget uint64) {
	cfg := r.cfg
	d := r.d
	rng := rngStream(cfg.seed, i)
	done, digest := uint64(0), uint64(0)
	<-r.start
	if cfg.warmupOps != 0 || cfg.warmupNs != 0 {
		for n := uint64(0); warmOps == math.MaxUint64 || n < warmOps; n++ {
			if r.warmStop.Load() != 0 || r.stop.Load() != 0 {
				break
			}
			x := rngNext(&rng)
			kind := kindOf(&r.table, x)
			key := r.nextKey(&rng, x, i, done, kind)
			if kind == opRange {
				d.rangeAll()
			} else {
				v := key*2 + int64((x>>32)&1)
				d.do(kind, keyAt[K](r.keys, key), v, v^1)
			}
		}
		r.warmWG.Done()
		<-r.timed
	}
	s := &r.shards[i%uint64(len(r.shards))]
	worker := int64(i % uint64(cfg.procs))
	period := cfg.latencyEvery
	sampleLeft := uint32(math.MaxUint32)
	if period != 0 {
		sampleLeft = uint32(i%uint64(period)) + 1
	}
	checkLeft := checkEvery
	if cfg.mix[opRange] != 0 {
		checkLeft = 1
	}
	var ops, hits, last [nKinds]uint64
	var rangeEntries uint64
	var pr *probe
	if r.trace {
		pr = newProbe(d)
	}
	var cycles [5]uint64
	var stream, rec []op
	if cfg.stream != nil {
		stream = cfg.stream.tasks[i]
		budget = uint64(len(stream))
	}
	recording := cfg.recording != nil
	if recording {
		rec = make([]op, 0, budget)
	}
	for ; budget > 0; budget-- {
		if r.stop.Load() != 0 {
			break
		}
		var kind uint8
		var key, v, old int64
		if stream != nil { // a replay: the recorded op, its values
			o := &stream[done]
			kind, key, v, old = o.kind, o.key, o.val, o.old
		} else { // drawn as mapbench draws it: value 2k or 2k+1, cas expects the other
			x := rngNext(&rng)
			kind = kindOf(&r.table, x)
			key = r.nextKey(&rng, x, i, done, kind)
			v = key*2 + int64((x>>32)&1)
			old = v ^ 1
		}
		if recording {
			rec = append(rec, op{kind: kind, key: key, val: v, old: old})
		}
		index := done
		done++
		digest = digest*0x100000001b3 + (uint64(key) ^ uint64(kind)<<56)
		timed := false
		if period != 0 {
			sampleLeft--
			if sampleLeft == 0 {
				timed = true
				sampleLeft = period
			}
		}
		watch := pr != nil && pr.before(kind)
		var t0 uint64
		if timed || watch {
			t0 = nanotime()
		}
		rc := 0
		if kind == opRange {
			rangeEntries += d.rangeAll()
		} else {
			rc = d.do(kind, keyAt[K](r.keys, key), v, old)
		}
		ops[kind]++
		if rc == 1 {
			hits[kind]++
		}
		if timed || pr != nil {
			r.afterOp(s, pr, &cycles, timed, watch, t0, kind, worker, int64(index))
		}
		checkLeft--
		if checkLeft == 0 {
			checkLeft = checkEvery
			if cfg.mix[opRange] != 0 {
				checkLeft = 1
			}
			r.checkpoint(s, &ops, &last, nanotime())
		}
	}
	r.checkpoint(s, &ops, &last, nanotime())
	s.mu.Lock()
	for k := 0; k < nKinds; k++ {
		s.ops[k] += ops[k]
		s.hits[k] += hits[k]
	}
	for k := range cycles {
		s.cycles[k] += cycles[k]
	}
	s.rangeEntries += rangeEntries
	s.mu.Unlock()
	r.results[i] = taskResult{done: done, digest: digest}
	if recording {
		cfg.recording.tasks[i] = rec // each task its own slot
	}
	r.doneWG.Done()
}

// afterOp records a timed op's latency and what the probe saw.
func (r *run[K]) afterOp(s *shard, pr *probe, cycles *[5]uint64, timed, watch bool, t0 uint64,
	kind uint8, worker, index int64) {
	var t1 uint64
	if timed || watch {
		t1 = nanotime()
	}
	what, mapLen := probeNone, int64(0)
	if pr != nil {
		what, mapLen = pr.after()
	}
	if !timed && what == probeNone {
		return
	}
	if !timed && !watch {
		t0 = nanotime() // an unforeseen cycle: its time, not its length
	}
	at := uint64(0)
	if t0 > r.origin {
		at = t0 - r.origin
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if timed {
		ns := t1 - t0
		s.hist[kind].record(ns)
		w := s.window(r.cfg, at)
		w.lat[histBucket(min64(ns, histMaxNs), tsSubBits)]++
		w.latN++
		if what == probeNone && !r.cfg.pausesOff {
			s.addEvent(r.cfg.maxEvents, r.threshold, pauseEvent{at: at, dur: ns, kind: pauseSlowOp,
				worker: worker, mapLen: -1, opIndex: index})
		}
	}
	if what == probeNone {
		return
	}
	cycles[what]++
	dur := uint64(0)
	if watch {
		dur = t1 - t0
	}
	e := pauseEvent{at: at, dur: dur, worker: worker, mapLen: mapLen, opIndex: index}
	switch what {
	case probeGrow, probeSameSizeGrow:
		e.kind = pauseGrow
	case probePromote:
		e.kind = pausePromote
	default:
		e.kind = pauseDirtyCopy
	}
	if gcTrace != nil {
		names := [...]string{"", "grow", "same-size grow", "promote", "rebuild"}
		gcTrace(e, names[what])
	}
	if !r.cfg.pausesOff {
		s.addEvent(r.cfg.maxEvents, r.threshold, e)
	}
}

func min64(a, b uint64) uint64 {
	if a < b {
		return a
	}
	return b
}

// timerOverhead: the median cost of one timing (two clock reads).
func timerOverhead() float64 {
	const n = 1001
	d := make([]uint64, n)
	for i := range d {
		t0 := nanotime()
		d[i] = nanotime() - t0
	}
	sort.Slice(d, func(a, b int) bool { return d[a] < d[b] })
	return float64(d[n/2])
}

func rusage() syscall.Rusage {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru
}

// execute runs one configuration.
func execute[K comparable](cfg *runConfig, keys []string) *runResult {
	res := &runResult{cfg: cfg, outcome: "ok", finalLen: -1}
	runtime.GOMAXPROCS(cfg.procs)
	res.timerOverhd = timerOverhead()
	r := &run[K]{cfg: cfg, keys: keys, table: kindTable(cfg.mix), dist: cfg.dist,
		start: make(chan struct{}), timed: make(chan struct{}), inserted: cfg.prefill}
	r.dist.prepare(cfg.keys)
	r.gen = newKeygen(&r.dist, &r.inserted, cfg.keys, cfg.threads)
	r.threshold = cfg.pauseThreshold
	r.trace = !cfg.pausesOff || cfg.gctrace
	if cfg.pausesOff {
		r.threshold = math.MaxUint64
	}
	r.d = newDesign[K](cfg.mapName, cfg.valueSize)

	t0 := nanotime()
	for k := uint64(0); k < cfg.prefill; k++ {
		r.d.do(opStore, keyAt[K](keys, int64(k)), int64(k)*2, 0)
	}
	res.prefillS = float64(nanotime()-t0) / 1e9

	nshards := cfg.procs * 4
	r.shards = make([]shard, nshards)
	for i := range r.shards {
		for k := 0; k < nKinds; k++ {
			if cfg.mix[k] != 0 && cfg.latencyEvery != 0 {
				r.shards[i].hist[k] = newHist()
			}
		}
	}
	r.results = make([]taskResult, cfg.threads)
	runtime.GC()

	// Spawn: the goroutines exist and wait at the start gate.
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	per, extra := uint64(0), uint64(0)
	if cfg.ops != 0 {
		per, extra = cfg.ops/cfg.threads, cfg.ops%cfg.threads
	}
	warm := warmShares(cfg)
	t0 = nanotime()
	r.doneWG.Add(int(cfg.threads))
	if cfg.warmupOps != 0 || cfg.warmupNs != 0 {
		r.warmWG.Add(int(cfg.threads))
	}
	for i := uint64(0); i < cfg.threads; i++ {
		budget := uint64(math.MaxUint64)
		if cfg.ops != 0 {
			budget = per
			if i < extra {
				budget++
			}
		}
		go r.task(i, warm(i), budget)
	}
	res.spawnS = float64(nanotime()-t0) / 1e9
	runtime.ReadMemStats(&ms1)
	grown := int64(ms1.StackInuse+ms1.HeapAlloc) - int64(ms0.StackInuse+ms0.HeapAlloc)
	if grown < 0 {
		grown = 0
	}
	res.taskBytes = (uint64(grown) + cfg.threads - 1) / cfg.threads

	if cfg.warmupOps != 0 || cfg.warmupNs != 0 {
		close(r.start)
		if cfg.warmupNs != 0 {
			sleepUnlessInterrupted(cfg.warmupNs)
			r.warmStop.Store(1)
		}
		r.warmWG.Wait()
	}
	var lp lockProfile
	lp.start(cfg.lockProfile && cfg.mapName != "plain")
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	ru0 := rusage()
	originWall := time.Now()
	r.origin = nanotime()
	if cfg.warmupOps != 0 || cfg.warmupNs != 0 {
		close(r.timed)
	} else {
		close(r.start)
	}
	stopped := make(chan struct{})
	go func() {
		// One tick a millisecond: the deadline and the interrupt flag
		// (one timer for the whole run, so nothing is allocated).
		deadline := cfg.durationNs
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stopped:
				return
			case <-tick.C:
			}
			if interrupted.Load() != 0 || (deadline != 0 && nanotime()-r.origin >= deadline) {
				r.stop.Store(1)
				return
			}
		}
	}()
	r.doneWG.Wait()
	end := nanotime()
	if concurrent(cfg.mapName) {
		switches := lp.switches()
		res.lockSwitches = &switches
	}
	if blocked := lp.stop(); lp.on {
		res.lockBlocked = &blocked
	}
	close(stopped)
	ru1 := rusage()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)

	res.elapsed = float64(end-r.origin) / 1e9
	res.overrun = -1
	if cfg.durationNs != 0 {
		res.overrun = 0
		if end-r.origin > cfg.durationNs {
			res.overrun = float64(end-r.origin-cfg.durationNs) / 1e9
		}
	}
	res.allocBytes = after.TotalAlloc - before.TotalAlloc
	res.allocs = after.Mallocs - before.Mallocs
	res.peakRSS = uint64(ru1.Maxrss) * 1024
	res.minflt = uint64(ru1.Minflt - ru0.Minflt)
	res.majflt = uint64(ru1.Majflt - ru0.Majflt)
	if interrupted.Load() != 0 {
		res.outcome = "interrupted"
	}
	r.collect(res, &before, &after, originWall)
	res.finalLen = int64(r.d.length())
	return res
}

func sleepUnlessInterrupted(ns uint64) {
	end := nanotime() + ns
	for nanotime() < end && interrupted.Load() == 0 {
		left := end - nanotime()
		if left > 10000000 {
			left = 10000000
		}
		time.Sleep(time.Duration(left))
	}
}

// warmShares: task i's warm-up ops, as the C runner splits them: each
// worker w (task i runs on worker i % procs) gets warmup/procs ops (the
// remainder to the first), taken one per task per turn.  Unbounded (until
// the warm-up time passes) with a time.
func warmShares(cfg *runConfig) func(uint64) uint64 {
	procs := uint64(cfg.procs)
	return func(i uint64) uint64 {
		if cfg.warmupOps == 0 {
			return math.MaxUint64
		}
		w, j := i%procs, i/procs
		budget := cfg.warmupOps / procs
		if w < cfg.warmupOps%procs {
			budget++
		}
		ntasks := cfg.threads / procs
		if w < cfg.threads%procs {
			ntasks++
		}
		share := budget / ntasks
		if j < budget%ntasks {
			share++
		}
		return share
	}
}

func (r *run[K]) collect(res *runResult, before, after *runtime.MemStats, originWall time.Time) {
	cfg := r.cfg
	res.latency = newHist()
	for k := 0; k < nKinds; k++ {
		res.latByKind[k] = newHist()
	}
	var cycles [5]uint64
	for i := range r.shards {
		s := &r.shards[i]
		for k := 0; k < nKinds; k++ {
			res.byKind[k] += s.ops[k]
			res.hits[k] += s.hits[k]
			res.ops += s.ops[k]
			if s.hist[k] != nil {
				res.latByKind[k].merge(s.hist[k])
			}
		}
		for k := range cycles {
			cycles[k] += s.cycles[k]
		}
		res.rangeEntries += s.rangeEntries
		res.recorded += s.recorded
		res.dropped += s.dropped
		for k := 0; k < nPauseKinds; k++ {
			d, x := &res.pauseKinds[k], s.byKind[k]
			d.count += x.count
			d.total += x.total
			if x.max > d.max {
				d.max = x.max
			}
		}
		for _, e := range s.events {
			if uint64(len(res.events)) < cfg.maxEvents {
				res.events = append(res.events, e)
			} else {
				res.dropped++
			}
		}
		for w := range s.windows {
			for len(res.windows) <= w {
				res.windows = append(res.windows, window{lat: make([]uint64, tsNBuckets)})
			}
			d, x := &res.windows[w], &s.windows[w]
			for k := 0; k < nKinds; k++ {
				d.ops[k] += x.ops[k]
			}
			d.latN += x.latN
			for b, c := range x.lat {
				d.lat[b] += c
			}
			if x.liveAt > d.liveAt {
				d.liveAt, d.live = x.liveAt, x.live
			}
		}
		if s.livePeak > res.livePeak {
			res.livePeak = s.livePeak
		}
	}
	for k := 0; k < nKinds; k++ {
		res.latency.merge(res.latByKind[k])
	}
	// Go's collections during the timed phase: the runtime keeps the last
	// 256 pauses (MemStats.PauseNs, PauseEnd); older ones are dropped.
	gcs := uint64(after.NumGC - before.NumGC)
	origin := uint64(originWall.UnixNano())
	var gcTotal uint64
	for n := uint64(0); n < gcs; n++ {
		c := uint64(after.NumGC) - n
		if n >= 256 {
			res.dropped += gcs - n
			break
		}
		i := (c + 255) % 256
		dur, end := after.PauseNs[i], after.PauseEnd[i]
		gcTotal += dur
		if cfg.pausesOff || dur < cfg.pauseThreshold {
			continue
		}
		at := uint64(0)
		if end-dur > origin {
			at = end - dur - origin
		}
		k := &res.pauseKinds[pauseGC]
		res.recorded++
		k.count++
		k.total += dur
		if dur > k.max {
			k.max = dur
		}
		if uint64(len(res.events)) < cfg.maxEvents {
			res.events = append(res.events, pauseEvent{at: at, dur: dur, kind: pauseGC,
				worker: -1, mapLen: -1, opIndex: -1})
		} else {
			res.dropped++
		}
	}
	sort.SliceStable(res.events, func(a, b int) bool {
		x, y := res.events[a], res.events[b]
		if x.at != y.at {
			return x.at < y.at
		}
		return x.worker < y.worker
	})
	res.stats = []stat{{"gc_cycles", gcs}, {"gc_pause_total_ns", gcTotal}}
	if r.trace && internalsOK {
		if cfg.mapName == "sync" {
			res.stats = append(res.stats, stat{"promotions", cycles[probePromote]},
				stat{"dirty_rebuilds", cycles[probeRebuild]})
		} else {
			res.stats = append(res.stats, stat{"grows", cycles[probeGrow]},
				stat{"same_size_grows", cycles[probeSameSizeGrow]})
		}
	}
	res.liveEnd = heapObjects()
	if res.liveEnd > res.livePeak {
		res.livePeak = res.liveEnd
	}

	// Fairness, and the op digest: one per task, combined in task order.
	done := make([]uint64, len(r.results))
	sum, sumSq := 0.0, 0.0
	for i, t := range r.results {
		done[i] = t.done
		sum += float64(t.done)
		sumSq += float64(t.done) * float64(t.done)
		res.digest = res.digest*0x9e3779b97f4a7c15 + t.digest
	}
	sort.Slice(done, func(a, b int) bool { return done[a] < done[b] })
	if len(done) > 0 {
		res.taskMin, res.taskMax, res.taskMedian = done[0], done[len(done)-1], done[len(done)/2]
	}
	res.fairness = 1
	if sumSq > 0 {
		res.fairness = sum * sum / (float64(len(done)) * sumSq)
	}
}
