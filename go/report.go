// The result in mapbench's schema (mapbench/1, mapbench-json(5)), and the
// table mapbench run prints.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"
)

// ordered is a JSON object that keeps its members' order.
type ordered []member

type member struct {
	k string
	v any
}

func (o ordered) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(m.k)
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(m.v)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// overrun: seconds past the duration, null for a run of --ops.
func overrun(s float64) any {
	if s < 0 {
		return nil
	}
	return s
}

func nullIfZero(v uint64) any {
	if v == 0 {
		return nil
	}
	return v
}

// The allocation categories of mapbench; Go cannot split its heap by
// them, so everything counts as "other".
var allocCats = []string{"buckets", "overflow", "entries", "values", "read_maps", "other"}

func liveJSON(v int64) ordered {
	o := ordered{}
	for _, c := range allocCats {
		x := int64(0)
		if c == "other" {
			x = v
		}
		o = append(o, member{c, x})
	}
	return o
}

// nullIfEmpty: JSON null for "", else the string.
func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func configJSON(sw *sweep) ordered {
	mix := ordered{}
	for k := 0; k < nKinds; k++ {
		mix = append(mix, member{kindNames[k] + "_pct", sw.mix[k]})
	}
	latency := "off"
	switch {
	case sw.latencyEvery == 1:
		latency = "all"
	case sw.latencyEvery > 1:
		latency = fmt.Sprintf("sample:%d", sw.latencyEvery)
	}
	var threshold any = sw.pauseThreshold
	if sw.pausesOff {
		threshold = nil
	}
	return ordered{
		{"maps", sw.maps},
		{"locks", []string{"go"}}, // Go's own sync.Mutex and RWMutex
		{"threads", sw.threads},
		{"procs", sw.procs},
		{"procs_explicit", sw.procsExplicit},
		{"mix", mix},
		{"keys", sw.keys},
		{"prefill", sw.prefill},
		{"ops", nullIfZero(sw.ops)},
		{"duration_ns", nullIfZero(sw.durationNs)},
		{"seed", sw.seed},
		{"hash_seed", nil},
		{"grow", "incremental"},
		{"latency", latency},
		{"count", sw.count},
		{"pause_threshold_ns", threshold},
		{"max_events", sw.maxEvents},
		{"window_ns", sw.windowNs},
		{"events", []string{}},
		{"workload", nil},
		{"dist", nullIfEmpty(sw.distText)},
		{"replay", nullIfEmpty(sw.replay)},
		{"warmup_ops", nullIfZero(sw.warmupOps)},
		{"warmup_ns", nullIfZero(sw.warmupNs)},
		{"value_size_bytes", sw.valueSize},
		{"key_type", sw.keyType.String()},
	}
}

func readFirst(path, prefix string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, prefix) {
			if i := strings.IndexByte(line, ':'); i >= 0 {
				return strings.TrimSpace(line[i+1:])
			}
		}
	}
	return ""
}

type hostInfo struct {
	cpuModel, kernel, hostname, clock, date string
	cpus                                    int
	memory                                  uint64
}

func readHost() hostInfo {
	h := hostInfo{cpuModel: readFirst("/proc/cpuinfo", "model name"), cpus: runtime.NumCPU()}
	if h.cpuModel == "" {
		h.cpuModel = "unknown"
	}
	var si syscall.Sysinfo_t
	if syscall.Sysinfo(&si) == nil {
		h.memory = uint64(si.Totalram) * uint64(si.Unit)
	}
	var u syscall.Utsname
	h.kernel = "unknown"
	if syscall.Uname(&u) == nil {
		h.kernel = cstr(u.Sysname[:]) + " " + cstr(u.Release[:]) + " " + cstr(u.Machine[:])
	}
	h.hostname, _ = os.Hostname()
	if h.hostname == "" {
		h.hostname = "unknown"
	}
	h.clock = "unknown"
	if b, err := os.ReadFile("/sys/devices/system/clocksource/clocksource0/current_clocksource"); err == nil {
		h.clock = strings.TrimSpace(string(b))
	}
	h.date = time.Now().UTC().Format("2006-01-02T15:04:05Z")
	return h
}

func cstr(b []int8) string {
	s := make([]byte, 0, len(b))
	for _, c := range b {
		if c == 0 {
			break
		}
		s = append(s, byte(c))
	}
	return string(s)
}

func hostJSON(h hostInfo) ordered {
	return ordered{
		{"cpu_model", h.cpuModel},
		{"cpus_online", h.cpus},
		{"memory_bytes", h.memory},
		{"kernel", h.kernel},
		{"compiler", runtime.Version() + " " + runtime.Compiler + " " + runtime.GOARCH},
		{"hostname", h.hostname},
		{"mapbench_version", version},
		{"clock_source", h.clock},
		{"date", h.date},
	}
}

func bucketOf(dur uint64) uint {
	if dur < 2 {
		return 0
	}
	b := uint(0)
	for dur > 1 {
		dur >>= 1
		b++
	}
	return b
}

func heatmapJSON(ev []pauseEvent, windowNs uint64) ordered {
	buckets, rows := []uint64{}, [][]uint64{}
	if len(ev) > 0 {
		lo, hi, last := uint(63), uint(0), uint64(0)
		for _, e := range ev {
			b := bucketOf(e.dur)
			if b < lo {
				lo = b
			}
			if b > hi {
				hi = b
			}
			if e.at > last {
				last = e.at
			}
		}
		nwin := int(last/windowNs) + 1
		rows = make([][]uint64, nwin)
		for w := range rows {
			rows[w] = make([]uint64, hi-lo+1)
		}
		for _, e := range ev {
			rows[e.at/windowNs][bucketOf(e.dur)-lo]++
		}
		for b := lo; b <= hi; b++ {
			buckets = append(buckets, uint64(1)<<b)
		}
	}
	return ordered{{"window_ns", windowNs}, {"duration_buckets_ns", buckets}, {"counts", rows}}
}

func pausesJSON(r *runResult) ordered {
	kinds := ordered{}
	for k := 0; k < nPauseKinds; k++ {
		s := r.pauseKinds[k]
		kinds = append(kinds, member{pauseNames[k], ordered{{"count", s.count},
			{"total_ns", s.total}, {"max_ns", s.max}}})
	}
	events := []ordered{}
	for _, e := range r.events {
		var worker, index any
		if e.worker >= 0 {
			worker = e.worker
		}
		if e.opIndex >= 0 {
			index = e.opIndex
		}
		events = append(events, ordered{{"at_ns", e.at}, {"dur_ns", e.dur},
			{"kind", pauseNames[e.kind]}, {"worker", worker}, {"map_len", e.mapLen},
			{"op_index", index}})
	}
	var threshold any = r.cfg.pauseThreshold
	if r.cfg.pausesOff {
		threshold = nil
	}
	return ordered{
		{"threshold_ns", threshold},
		{"recorded", r.recorded},
		{"dropped", r.dropped},
		{"by_kind", kinds},
		{"events", events},
		{"heatmap", heatmapJSON(r.events, r.cfg.windowNs)},
	}
}

func tsPercentile(w *window, p float64) uint64 {
	if w.latN == 0 {
		return 0
	}
	rank, seen := histRank(p, w.latN), uint64(0)
	for b, c := range w.lat {
		seen += c
		if seen >= rank {
			return histBucketTop(uint(b), tsSubBits)
		}
	}
	return histBucketTop(tsNBuckets-1, tsSubBits)
}

func timeseriesJSON(r *runResult) ordered {
	cfg := r.cfg
	windows := []ordered{}
	live := int64(0)
	for i := range r.windows {
		w := &r.windows[i]
		if w.liveAt != 0 {
			live = w.live
		}
		ops, pauses, pauseNs := uint64(0), uint64(0), uint64(0)
		kinds := ordered{}
		for k := 0; k < nKinds; k++ {
			ops += w.ops[k]
			if cfg.mix[k] != 0 {
				kinds = append(kinds, member{kindNames[k], w.ops[k]})
			}
		}
		for _, e := range r.events {
			if e.at/cfg.windowNs == uint64(i) {
				pauses++
				pauseNs += e.dur
			}
		}
		start := float64(uint64(i)*cfg.windowNs) / 1e9
		length := float64(cfg.windowNs) / 1e9
		if start+length > r.elapsed && r.elapsed > start {
			length = r.elapsed - start
		}
		rate := math.NaN()
		if length > 0 {
			rate = float64(ops) / length
		}
		windows = append(windows, ordered{
			{"start_ns", uint64(i) * cfg.windowNs},
			{"ops", ops},
			{"ops_per_s", num(rate)},
			{"ops_by_kind", kinds},
			{"latency_samples", w.latN},
			{"p50_ns", tsPercentile(w, 50)},
			{"p99_ns", tsPercentile(w, 99)},
			{"pauses", pauses},
			{"pause_ns", pauseNs},
			{"live_bytes", liveJSON(live)},
		})
	}
	return ordered{{"window_ns", cfg.windowNs}, {"truncated", false}, {"windows", windows}}
}

func perOp(x, ops uint64) *float64 {
	if ops == 0 {
		return nil
	}
	return num(float64(x) / float64(ops))
}

func runJSON(r *runResult) ordered {
	cfg := r.cfg
	kinds, hits, byKind, stats := ordered{}, ordered{}, ordered{}, ordered{}
	for k := 0; k < nKinds; k++ {
		kinds = append(kinds, member{kindNames[k], r.byKind[k]})
		hits = append(hits, member{kindNames[k], r.hits[k]})
		if r.latByKind[k].count != 0 {
			byKind = append(byKind, member{kindNames[k], r.latByKind[k].summary()})
		}
	}
	for _, s := range r.stats {
		stats = append(stats, member{s.name, s.value})
	}
	nsPerOp, opsPerS := math.NaN(), math.NaN()
	if r.ops != 0 {
		nsPerOp = r.elapsed * 1e9 / float64(r.ops)
	}
	if r.elapsed > 0 {
		opsPerS = float64(r.ops) / r.elapsed
	}
	other := ordered{{"allocs", r.allocs}, {"bytes", r.allocBytes}}
	cats := ordered{}
	for _, c := range allocCats {
		if c == "other" {
			cats = append(cats, member{c, other})
		} else {
			cats = append(cats, member{c, ordered{{"allocs", 0}, {"bytes", 0}}})
		}
	}
	return ordered{
		{"map", cfg.mapName},
		{"lock", lockJSON(r)},
		{"rep", cfg.rep},
		{"threads", cfg.threads},
		{"procs", cfg.procs},
		{"ops", r.ops},
		{"elapsed_s", num(r.elapsed)},
		{"overrun_s", overrun(r.overrun)},
		{"ops_per_s", num(opsPerS)},
		{"ns_per_op", num(nsPerOp)},
		{"ops_by_kind", kinds},
		{"hits_by_kind", hits},
		{"load_hits", r.hits[opLoad]},
		{"range_entries", r.rangeEntries},
		{"map_stats", stats},
		{"latency_ns", r.latency.summary()},
		{"latency_ns_by_kind", byKind},
		{"timer", "clock_gettime"},
		{"timer_overhead_ns", num(r.timerOverhd)},
		{"pauses", pausesJSON(r)},
		{"timeseries", timeseriesJSON(r)},
		{"alloc", ordered{
			{"bytes", r.allocBytes},
			{"allocs", r.allocs},
			{"bytes_per_op", perOp(r.allocBytes, r.ops)},
			{"allocs_per_op", perOp(r.allocs, r.ops)},
			{"by_category", cats},
			{"live_bytes", liveJSON(r.liveEnd)},
			{"peak_live_bytes", r.livePeak},
		}},
		{"counters", []any{}},
		{"process", ordered{{"peak_rss_bytes", r.peakRSS}, {"minor_faults", r.minflt},
			{"major_faults", r.majflt}}},
		{"fairness", ordered{{"task_ops_min", r.taskMin}, {"task_ops_median", r.taskMedian},
			{"task_ops_max", r.taskMax}, {"jain_index", num(r.fairness)}}},
		{"op_digest", fmt.Sprintf("%016x", r.digest)},
		{"prefill_s", num(r.prefillS)},
		{"spawn_s", num(r.spawnS)},
		{"task_bytes", r.taskBytes},
		{"final_len", r.finalLen},
		{"outcome", r.outcome},
		{"error", nil},
	}
}

// lockJSON: Go's mutex keeps no statistics a program can read; the
// scheduler's goroutine switches (estimated, lockprofile.go) stand for
// mapbench's task switches, and the acquires that slept come with
// --lock-profile (null without).  null for plain, which has no lock.
func lockJSON(r *runResult) any {
	if r.lockSwitches == nil {
		return nil
	}
	var blocked any
	if r.lockBlocked != nil {
		blocked = *r.lockBlocked
	}
	return ordered{{"policy", "go"}, {"switches", *r.lockSwitches}, {"blocked", blocked}}
}

// implementation names the maps measured: Go's, and its version.
func implementation() string {
	return "Go " + runtime.Version()
}

func documentJSON(sw *sweep, h hostInfo, runs []*runResult, args []string) ([]byte, error) {
	rj := []ordered{}
	for _, r := range runs {
		rj = append(rj, runJSON(r))
	}
	doc := ordered{
		{"schema", "mapbench/1"},
		{"mapbench_version", version},
		{"implementation", implementation()},
		{"created", h.date},
		{"interrupted", interrupted.Load() != 0},
		{"command_line", args},
		{"config", configJSON(sw)},
		{"host", hostJSON(h)},
		{"runs", rj},
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// inPlace: path is written where it is, not replaced by a rename, as
// lib/util/atomic_file.c does: an existing target that is not a regular
// file (a pipe, /dev/null), or a name of an open file of this process
// (/dev/stdout, /dev/fd/N, /proc/self/fd/N).  Renaming over those would
// replace the device node or the link, which root may do.
func inPlace(path string) bool {
	fi, err := os.Stat(path)
	if err != nil {
		return false
	}
	return !fi.Mode().IsRegular() || path == "/dev/stdout" || path == "/dev/stderr" ||
		strings.HasPrefix(path, "/dev/fd/") || strings.HasPrefix(path, "/proc/")
}

// checkWritable: the output's directory exists and takes a file, or a
// target written in place can be opened for writing.
func checkWritable(path string) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return syscall.EISDIR
	}
	if inPlace(path) {
		return syscall.Access(path, 2 /* W_OK */)
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".mapbench-go-*")
	if err != nil {
		if pe, ok := err.(*os.PathError); ok {
			return pe.Err
		}
		return err
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// writeAtomic writes data to path through a temporary file and a rename,
// or in place (appending, as a redirected stdout must keep what it holds)
// when inPlace says so.
func writeAtomic(path string, data []byte) error {
	if inPlace(path) {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			return err
		}
		_, err = f.Write(data)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".mapbench-go-*")
	if err != nil {
		return err
	}
	name := f.Name()
	if _, err = f.Write(data); err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(name, 0644)
	}
	if err == nil {
		err = os.Rename(name, path)
	}
	if err != nil {
		os.Remove(name)
	}
	return err
}

func countText(n uint64) string {
	switch {
	case n >= 1e9 && n%1e9 == 0:
		return fmt.Sprintf("%dG", n/1e9)
	case n >= 1e6 && n%1e6 == 0:
		return fmt.Sprintf("%dM", n/1e6)
	case n >= 1e3 && n%1e3 == 0:
		return fmt.Sprintf("%dk", n/1e3)
	case n >= 1e6:
		return fmt.Sprintf("%.1fM", float64(n)/1e6)
	case n >= 1e4:
		return fmt.Sprintf("%.1fk", float64(n)/1e3)
	}
	return fmt.Sprintf("%d", n)
}

func durationText(ns float64, ok bool) string {
	switch {
	case !ok || ns < 0:
		return "-"
	case ns < 1e3:
		return fmt.Sprintf("%.0fns", ns)
	case ns < 1e6:
		return fmt.Sprintf("%.1fus", ns/1e3)
	case ns < 1e9:
		return fmt.Sprintf("%.1fms", ns/1e6)
	}
	return fmt.Sprintf("%.2fs", ns/1e9)
}

func tableHeader(w io.Writer) {
	fmt.Fprintf(w, "%-9s %7s %5s %9s %8s %8s %8s %8s %8s %8s  %s\n", "map", "threads",
		"procs", "ops", "seconds", "Mops/s", "ns/op", "p50", "p99", "max", "outcome")
}

func tableRow(w io.Writer, r *runResult) {
	h := r.latency
	nsOp, rate := math.NaN(), 0.0
	if r.ops != 0 {
		nsOp = r.elapsed * 1e9 / float64(r.ops)
	}
	if r.elapsed > 0 {
		rate = float64(r.ops) / r.elapsed
	}
	fmt.Fprintf(w, "%-9s %7s %5d %9s %8.2f %8.2f %8.1f %8s %8s %8s  %s\n", r.cfg.mapName,
		countText(r.cfg.threads), r.cfg.procs, countText(r.ops), r.elapsed, rate/1e6, nsOp,
		durationText(float64(h.percentile(50)), h.count != 0),
		durationText(float64(h.percentile(99)), h.count != 0),
		durationText(float64(h.max), h.count != 0), r.outcome)
}

func tableFooter(w io.Writer, h hostInfo) {
	fmt.Fprintf(w, "# %s, %d CPUs online, %s, %s\n", h.cpuModel, h.cpus, h.kernel, implementation())
}
