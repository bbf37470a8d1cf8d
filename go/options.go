// The command line: mapbench run's options, for everything Go can do.
// Every bad value is one line on stderr naming the option, exit status 2.
package main

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"unsafe"
)

const (
	maxThreads = 10000000
	maxProcs   = 1024
	maxRuns    = 256
	valueMin   = 8
	valueMax   = 65536
)

type sweep struct {
	maps            []string
	threads         []uint64
	procs           int
	procsExplicit   bool
	mix             [nKinds]uint
	keys, prefill   uint64
	prefillExplicit bool
	ops, durationNs uint64
	warmupOps       uint64
	warmupNs        uint64
	seed            uint64
	valueSize       int
	keyType         keyspec
	count           int
	latencyEvery    uint32
	pauseThreshold  uint64
	pausesOff       bool
	maxEvents       uint64
	windowNs        uint64
	dist            keydist
	distText        string
	output          string
	format          string
	gctrace         bool
	lockProfile     bool      // count lock acquires that slept (block profile)
	record, replay  string    // --record FILE, --replay FILE
	stream          *opstream // the loaded --replay stream
	recording       *opstream // where the run's ops go with --record
	given           map[string]bool
}

// usageError prints "mapbench-go: WHAT: message" and exits 2.
func usageError(what, format string, args ...any) {
	fmt.Fprintf(os.Stderr, "mapbench-go: %s: %s\n", what, fmt.Sprintf(format, args...))
	os.Exit(2)
}

// parseCount reads digits with an optional k, M or G (mb_parse_count).
func parseCount(s string, min, max uint64) (uint64, error) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0, errForm
	}
	mult := uint64(1)
	rest := s[i:]
	switch rest {
	case "":
	case "k":
		mult = 1000
	case "M":
		mult = 1000000
	case "G":
		mult = 1000000000
	default:
		return 0, errForm
	}
	v, err := strconv.ParseUint(s[:i], 10, 64)
	if err != nil || (mult > 1 && v > math.MaxUint64/mult) {
		return 0, errRange
	}
	v *= mult
	if v < min || v > max {
		return 0, errRange
	}
	return v, nil
}

// parseDuration reads digits and a unit ns, us, ms, s, m or h.
func parseDuration(s string, allowZero bool) (uint64, error) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0, errForm
	}
	units := map[string]uint64{"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9, "m": 60e9, "h": 3600e9}
	mult, ok := units[s[i:]]
	if !ok {
		return 0, errForm
	}
	v, err := strconv.ParseUint(s[:i], 10, 64)
	if err != nil || v > math.MaxUint64/mult {
		return 0, errRange
	}
	if v == 0 && !allowZero {
		return 0, errRange
	}
	return v * mult, nil
}

func percent(s string) (uint, error) {
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return 0, errForm
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil || v > 100 {
		return 0, errRange
	}
	return uint(v), nil
}

// parseMix reads R:W[:D], read, write, mixed or op=P,... (mb_parse_mix).
func parseMix(s string) ([nKinds]uint, error) {
	var v [nKinds]uint
	switch {
	case s == "read":
		v[opLoad] = 100
	case s == "write":
		v[opStore] = 100
	case s == "mixed":
		v[opLoad], v[opStore] = 50, 50
	case strings.Contains(s, "="):
		seen := [nKinds]bool{}
		for _, item := range strings.Split(s, ",") {
			name, pct, ok := strings.Cut(item, "=")
			if !ok {
				return v, errForm
			}
			k := 0
			for k < nKinds && kindNames[k] != name {
				k++
			}
			if k == nKinds || seen[k] {
				return v, errForm
			}
			seen[k] = true
			p, err := percent(pct)
			if err != nil {
				return v, err
			}
			v[k] = p
		}
	default:
		parts := strings.Split(s, ":")
		if len(parts) < 2 || len(parts) > 3 {
			return v, errForm
		}
		for i, p := range parts {
			x, err := percent(p)
			if err != nil {
				return v, err
			}
			v[i] = x
		}
	}
	sum := uint(0)
	for _, x := range v {
		sum += x
	}
	if sum != 100 {
		return v, errRange
	}
	return v, nil
}

// distNumber reads a number the way keydist.c does: it starts with a digit
// or a point.
func distNumber(s string) (float64, error) {
	if s == "" || !(s[0] >= '0' && s[0] <= '9' || s[0] == '.') {
		return 0, errForm
	}
	return strconv.ParseFloat(s, 64)
}

// parseDist reads uniform, zipf:S, sequential, hotspot:F:P or latest.
func parseDist(s string) (keydist, error) {
	switch {
	case s == "uniform":
		return keydist{kind: distUniform}, nil
	case s == "sequential":
		return keydist{kind: distSequential}, nil
	case s == "latest":
		return keydist{kind: distLatest, s: 0.99}, nil
	case strings.HasPrefix(s, "zipf:"):
		x, err := distNumber(s[5:])
		if err != nil {
			return keydist{}, errForm
		}
		if !(x > 0 && x <= 100) {
			return keydist{}, errRange
		}
		return keydist{kind: distZipf, s: x}, nil
	case strings.HasPrefix(s, "hotspot:"):
		f, p, ok := strings.Cut(s[8:], ":")
		if !ok {
			return keydist{}, errForm
		}
		x, err1 := distNumber(f)
		y, err2 := distNumber(p)
		if err1 != nil || err2 != nil {
			return keydist{}, errForm
		}
		if !(x > 0 && x < 1 && y > 0 && y < 1) {
			return keydist{}, errRange
		}
		return keydist{kind: distHotspot, hotFraction: x, hotProbability: y}, nil
	}
	return keydist{}, errForm
}

// cG is C's %g: six significant digits, no trailing zeros.
func cG(x float64) string {
	s := strconv.FormatFloat(x, 'g', 6, 64)
	if i := strings.IndexAny(s, "e"); i >= 0 {
		mant, exp := s[:i], s[i+1:]
		if strings.Contains(mant, ".") {
			mant = strings.TrimRight(strings.TrimRight(mant, "0"), ".")
		}
		sign := exp[0]
		digits := strings.TrimLeft(exp[1:], "0")
		for len(digits) < 2 {
			digits = "0" + digits
		}
		return mant + "e" + string(sign) + digits
	}
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

func (d *keydist) String() string {
	switch d.kind {
	case distZipf:
		return "zipf:" + cG(d.s)
	case distSequential:
		return "sequential"
	case distHotspot:
		return "hotspot:" + cG(d.hotFraction) + ":" + cG(d.hotProbability)
	case distLatest:
		return "latest"
	}
	return "uniform"
}

const helpText = `Usage: mapbench-go [OPTION...]
Run mapbench's workloads on Go's own maps (Go 1.19's map, sync.Mutex,
sync.RWMutex, sync.Map): every combination of --map and --threads, one table
row per run, the JSON in mapbench's schema (mapbench/1).

  -m, --map=LIST          plain, locked, rwlocked, sync; default plain,locked,rwlocked
  -t, --threads=LIST      goroutines per run, 1 to 10M, e.g. 1,1k,1M; default 1,1k,1M
  -p, --procs=N           GOMAXPROCS, 1 to 1024; default: online CPUs (1 for plain)
      --mix=MIX           R:W[:D], read, write, mixed, or op=P,... (load, store,
                          delete, load_or_store, load_and_delete, swap, cas, cad,
                          range; sync refuses swap, cas and cad); default 90:10
      --dist=DIST         uniform (default), zipf:S, sequential, hotspot:F:P, latest
      --keys=N            key space [0, N); default 1M
      --key-type=TYPE     int (default), string:LEN or string:MIN-MAX
      --value-size=N      0: int64 values (default); 8 to 65536: []byte values
      --prefill=N         keys stored before timing; default keys/2
  -n, --ops=N             operations per run, split over the goroutines
  -d, --duration=TIME     length of each run; default 1s
      --count=N           run each configuration N times; default 1
      --warmup=TIME|OPS   unmeasured warm-up before each timed phase
      --seed=N            seed of the workload's random streams; default 1
      --latency=MODE      sample:N (default sample:64), all, or off
      --pause-threshold=TIME  keep pause events (gc, grow, promote, dirty-copy)
                          at least this long; 0ns all, off none; default 10us
      --max-events=N      pause events kept per run; default 100k
      --window=TIME       time window of the series and heatmap; default 1s
  -e, --events=none       accepted for mapbench's command lines: Go counts none
      --gctrace           one stderr line per grow, promote or rebuild
      --lock-profile      count the acquires of sync.Mutex and RWMutex that
                          slept (runs[].lock.blocked) with Go's block
                          profile, which slows every park and so changes
                          how often goroutines park: ns/op and counts are
                          not those of a run without it
  -q, --quiet             accepted (there is no progress line)
  -o, --output=FILE       write the JSON result to FILE
      --format=FMT        stdout format: table (default) or json
  -h, --help              this help
  -V, --version           mapbench's version and Go's

Counts take the suffixes k, M and G; times need a unit (ns, us, ms, s, m, h).
Exit status: 0 ok, 1 runtime failure, 2 bad usage, 130/143 interrupted.
See mapbench-go(1).
`

type option struct {
	long   string
	short  byte
	hasArg bool
	set    func(sw *sweep, arg string)
}

var opsGiven, durationGiven bool

func countArg(opt, arg string, min, max uint64) uint64 {
	v, err := parseCount(arg, min, max)
	if err == errForm {
		usageError(opt, "expected a count like 8, 1k or 1M, got '%s'", arg)
	}
	if err != nil {
		usageError(opt, "expected a count from %d to %d, got '%s'", min, max, arg)
	}
	return v
}

func durationArg(opt, arg string, allowZero bool) uint64 {
	v, err := parseDuration(arg, allowZero)
	if err == errForm {
		usageError(opt, "expected a time with a unit like 500ms, 2s or 1m, got '%s'", arg)
	}
	if err != nil {
		above := "above zero "
		if allowZero {
			above = ""
		}
		usageError(opt, "expected a time %sthat fits in 64-bit nanoseconds, got '%s'", above, arg)
	}
	return v
}

func listArg(opt, arg string) []string {
	items := strings.Split(arg, ",")
	if len(items) > 64 {
		usageError(opt, "expected a comma-separated list of up to 64 items")
	}
	for _, it := range items {
		if it == "" {
			usageError(opt, "expected a comma-separated list of up to 64 items")
		}
	}
	return items
}

var options = []option{
	{"map", 'm', true, func(sw *sweep, a string) {
		sw.maps = nil
		for _, m := range listArg("--map", a) {
			known := false
			for _, n := range designNames {
				known = known || n == m
			}
			if !known {
				if m == "null" {
					usageError("--map", "'null' is mapbench's harness baseline, not a Go map (known: %s)", strings.Join(designNames, ", "))
				}
				usageError("--map", "unknown map '%s' (known: %s)", m, strings.Join(designNames, ", "))
			}
			sw.maps = append(sw.maps, m)
		}
	}},
	{"threads", 't', true, func(sw *sweep, a string) {
		sw.threads = nil
		for _, t := range listArg("--threads", a) {
			sw.threads = append(sw.threads, countArg("--threads", t, 1, maxThreads))
		}
	}},
	{"procs", 'p', true, func(sw *sweep, a string) {
		sw.procs = int(countArg("--procs", a, 1, maxProcs))
		sw.procsExplicit = true
	}},
	{"mix", 0, true, func(sw *sweep, a string) {
		m, err := parseMix(a)
		if err == errRange {
			usageError("--mix", "percentages must each be 0..100 and sum to 100, got '%s'", a)
		}
		if err != nil {
			usageError("--mix", "expected R:W[:D], read, write, mixed, or op=percent pairs (load, store, delete, load_or_store, load_and_delete, swap, cas, cad, range); got '%s'", a)
		}
		sw.mix = m
	}},
	{"dist", 0, true, func(sw *sweep, a string) {
		d, err := parseDist(a)
		if err == errRange {
			usageError("--dist", "zipf's S must be in (0, 100], hotspot's F and P in (0, 1); got '%s'", a)
		}
		if err != nil {
			usageError("--dist", "expected uniform, zipf:S, sequential, hotspot:F:P or latest, got '%s'", a)
		}
		sw.dist = d
	}},
	{"keys", 0, true, func(sw *sweep, a string) { sw.keys = countArg("--keys", a, 1, 1<<62) }},
	{"key-type", 0, true, func(sw *sweep, a string) {
		k, err := parseKeyspec(a)
		if err == errRange {
			usageError("--key-type", "string lengths must be from 1 to %d bytes, MIN <= MAX; got '%s'", keyLenMax, a)
		}
		if err != nil {
			usageError("--key-type", "expected int, string:LEN or string:MIN-MAX, got '%s'", a)
		}
		sw.keyType = k
	}},
	{"value-size", 0, true, func(sw *sweep, a string) {
		n, err := parseCount(a, 0, valueMax)
		if err != nil || (n != 0 && n < valueMin) {
			usageError("--value-size", "expected 0 or a size in bytes from %d to %d, got '%s'", valueMin, valueMax, a)
		}
		sw.valueSize = int(n)
	}},
	{"prefill", 0, true, func(sw *sweep, a string) {
		sw.prefill = countArg("--prefill", a, 0, 1<<62)
		sw.prefillExplicit = true
	}},
	{"ops", 'n', true, func(sw *sweep, a string) {
		sw.ops = countArg("--ops", a, 1, 1<<62)
		opsGiven = true
	}},
	{"duration", 'd', true, func(sw *sweep, a string) {
		sw.durationNs = durationArg("--duration", a, false)
		durationGiven = true
	}},
	{"count", 0, true, func(sw *sweep, a string) { sw.count = int(countArg("--count", a, 1, maxRuns)) }},
	{"warmup", 0, true, func(sw *sweep, a string) {
		sw.warmupOps, sw.warmupNs = 0, 0
		if ns, err := parseDuration(a, true); err == nil {
			sw.warmupNs = ns
		} else if n, err := parseCount(a, 0, 1<<62); err == nil {
			sw.warmupOps = n
		} else {
			usageError("--warmup", "expected a time like 500ms or an op count like 1M, got '%s'", a)
		}
	}},
	{"seed", 0, true, func(sw *sweep, a string) { sw.seed = countArg("--seed", a, 0, math.MaxUint64) }},
	{"hash-seed", 0, true, func(sw *sweep, a string) {
		usageError("--hash-seed", "Go's maps draw their hash seed at random and cannot be given one")
	}},
	{"grow", 0, true, func(sw *sweep, a string) {
		if a != "incremental" {
			usageError("--grow", "Go's map only grows incrementally; got '%s'", a)
		}
	}},
	{"latency", 0, true, func(sw *sweep, a string) {
		switch {
		case a == "all":
			sw.latencyEvery = 1
		case a == "off":
			sw.latencyEvery = 0
		default:
			n, err := parseCount(strings.TrimPrefix(a, "sample:"), 1, math.MaxUint32)
			if !strings.HasPrefix(a, "sample:") || err != nil {
				usageError("--latency", "expected all, off or sample:N with N from 1 to %d, got '%s'", uint32(math.MaxUint32), a)
			}
			sw.latencyEvery = uint32(n)
		}
	}},
	{"output", 'o', true, func(sw *sweep, a string) {
		if a == "" {
			usageError("--output", "cannot write '': No such file or directory")
		}
		sw.output = a
	}},
	{"record", 0, true, func(sw *sweep, a string) {
		if a == "" {
			usageError("--record", "cannot write '': No such file or directory")
		}
		sw.record = a
	}},
	{"replay", 0, true, func(sw *sweep, a string) {
		if a == "" {
			usageError("--replay", "cannot read '': No such file or directory")
		}
		sw.replay = a
	}},
	{"pause-threshold", 0, true, func(sw *sweep, a string) {
		sw.pausesOff = a == "off"
		if !sw.pausesOff {
			sw.pauseThreshold = durationArg("--pause-threshold", a, true)
		}
	}},
	{"max-events", 0, true, func(sw *sweep, a string) { sw.maxEvents = countArg("--max-events", a, 0, 10000000) }},
	{"window", 0, true, func(sw *sweep, a string) { sw.windowNs = durationArg("--window", a, false) }},
	{"events", 'e', true, func(sw *sweep, a string) {
		if a != "none" {
			usageError("--events", "the Go runner counts no hardware events: give none, or leave -e out")
		}
	}},
	{"gctrace", 0, false, func(sw *sweep, a string) { sw.gctrace = true }},
	{"lock-profile", 0, false, func(sw *sweep, a string) { sw.lockProfile = true }},
	{"quiet", 'q', false, func(sw *sweep, a string) {}},
	{"format", 0, true, func(sw *sweep, a string) {
		if a != "table" && a != "json" {
			usageError("--format", "expected table or json, got '%s'", a)
		}
		sw.format = a
	}},
	{"workload", 'w', true, func(sw *sweep, a string) {
		usageError("--workload", "workload files are read by mapbench run only; give the options instead")
	}},
	{"csv", 0, true, func(sw *sweep, a string) {
		usageError("--csv", "the Go runner writes JSON only; convert it with mapbench export")
	}},
}

func defaults() sweep {
	procs := runtime.NumCPU()
	if procs > maxProcs {
		procs = maxProcs
	}
	var mix [nKinds]uint
	mix[opLoad], mix[opStore] = 90, 10
	return sweep{
		maps:           []string{"plain", "locked", "rwlocked"},
		threads:        []uint64{1, 1000, 1000000},
		procs:          procs,
		mix:            mix,
		keys:           1000000,
		seed:           1,
		latencyEvery:   64,
		count:          1,
		pauseThreshold: 10000,
		maxEvents:      100000,
		windowNs:       1000000000,
		format:         "table",
	}
}

func findOption(long string, short byte) *option {
	for i := range options {
		o := &options[i]
		if (long != "" && o.long == long) || (short != 0 && o.short == short) {
			return o
		}
	}
	return nil
}

// parseArgs applies the command line to the defaults and resolves the rules
// between options.
func parseArgs(args []string) sweep {
	sw := defaults()
	sw.given = map[string]bool{}
	for i := 0; i < len(args); i++ {
		a := args[i]
		var o *option
		var arg string
		hasInline := false
		switch {
		case a == "-h" || a == "--help" || a == "-?":
			fmt.Print(helpText)
			os.Exit(0)
		case a == "--version" || a == "-V":
			fmt.Printf("mapbench-go %s (%s)\n", version, implementation())
			os.Exit(0)
		case strings.HasPrefix(a, "--"):
			name := a[2:]
			if n, v, ok := strings.Cut(name, "="); ok {
				name, arg, hasInline = n, v, true
			}
			if o = findOption(name, 0); o == nil {
				usageError(a, "unknown option (see mapbench-go --help)")
			}
		case len(a) >= 2 && a[0] == '-':
			if o = findOption("", a[1]); o == nil {
				usageError(a, "unknown option (see mapbench-go --help)")
			}
			if len(a) > 2 {
				arg, hasInline = a[2:], true
			}
		default:
			usageError("run", "unexpected argument '%s' (options start with --)", a)
		}
		if o.hasArg && !hasInline {
			if i+1 >= len(args) {
				usageError("--"+o.long, "needs a value")
			}
			i++
			arg = args[i]
		} else if !o.hasArg && hasInline {
			usageError("--"+o.long, "takes no value")
		}
		o.set(&sw, arg)
		sw.given[o.long] = true
	}
	if opsGiven && durationGiven {
		usageError("--ops", "cannot be combined with --duration: give one length")
	}
	streamOptions(&sw)
	checkGoroutineMemory(&sw)
	if !opsGiven && !durationGiven && sw.replay == "" {
		sw.durationNs = 1000000000
	}
	if len(sw.maps)*len(sw.threads)*sw.count > maxRuns {
		usageError("--map", "%d maps x %d thread counts x %d repetitions is %d runs; at most %d per invocation",
			len(sw.maps), len(sw.threads), sw.count, len(sw.maps)*len(sw.threads)*sw.count, maxRuns)
	}
	if !sw.prefillExplicit {
		sw.prefill = sw.keys / 2
	}
	if sw.prefill > sw.keys {
		usageError("--prefill", "must be at most --keys (%d), got %d", sw.keys, sw.prefill)
	}
	if sw.keys > sw.keyType.distinct() {
		usageError("--key-type", "%s names at most %d distinct keys, fewer than --keys %d",
			sw.keyType, sw.keyType.distinct(), sw.keys)
	}
	for _, m := range sw.maps {
		if m == "sync" && (sw.mix[opSwap] != 0 || sw.mix[opCAS] != 0 || sw.mix[opCAD] != 0) {
			usageError("--mix", "Go 1.19's sync.Map has no Swap, CompareAndSwap or CompareAndDelete (Go 1.20 added them): drop swap, cas and cad for sync")
		}
		writes := sw.mix[opLoad]+sw.mix[opRange] < 100
		many := false
		for _, t := range sw.threads {
			many = many || t > 1
		}
		if m == "plain" && sw.procsExplicit && sw.procs > 1 && writes && many {
			usageError("--procs", "plain with writes on %d procs ends a Go program with \"fatal error: concurrent map writes\", which cannot be recovered to write a result; use locked, rwlocked or sync, or --procs 1", sw.procs)
		}
		// Even on one P: a goroutine preempted or blocked inside a map
		// write (a GC assist while the map allocates buckets) lets another
		// run, which finds the map being written: 3 of 10 runs of 2
		// goroutines died so.  Such runs are skipped (racyRun), and a
		// command line made only of them is refused.
	}
	runnable := 0
	for _, m := range sw.maps {
		for _, t := range sw.threads {
			if !racyRun(&sw, m, t) {
				runnable++
			}
		}
	}
	if runnable == 0 {
		usageError("--threads", "plain with writes and several goroutines can end a Go program with \"fatal error: concurrent map read and map write\" even on one P (a goroutine stopped inside a map write lets another run), which cannot be recovered to write a result; use locked, rwlocked or sync, or --threads 1")
	}
	// -o over --record's file or over the stream being replayed would
	// lose a result or the user's trace (mapbench run refuses the same).
	if sameFile(sw.output, sw.record) {
		usageError("--record", "'%s' is also --output's file: give each its own", sw.record)
	}
	if sameFile(sw.replay, sw.output) {
		usageError("--output", "'%s' is also --replay's file: give each its own", sw.output)
	}
	if sw.output != "" {
		if err := checkWritable(sw.output); err != nil {
			usageError("--output", "cannot write '%s': %v", sw.output, err)
		}
	}
	sw.distText = sw.dist.String()
	if sw.replay != "" {
		sw.distText = "" // the stream's keys follow no distribution: null
	}
	return sw
}

// memAvailable is /proc/meminfo's MemAvailable in bytes, or 0.
func memAvailable() uint64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		var kib uint64
		if n, _ := fmt.Sscanf(line, "MemAvailable: %d kB", &kib); n == 1 {
			return kib * 1024
		}
	}
	return 0
}

// streamOptions applies --replay and --record as mapbench run does: a
// replay refuses what its stream sets (tasks, ops, mix, dist, a length, a
// warm-up) and becomes the sweep's workload; a recording needs one run of
// a known length and a path that can be written.
func streamOptions(sw *sweep) {
	if sw.replay != "" {
		for _, name := range []string{"threads", "mix", "dist", "ops", "duration", "warmup"} {
			if sw.given[name] {
				usageError("--replay", "cannot be combined with --%s: the stream sets the tasks, their ops and their number", name)
			}
		}
		s, err := readStream(sw.replay, sw.keys, memAvailable()/2)
		var se *streamError
		switch {
		case errors.As(err, &se) && se.line != 0:
			usageError("--replay", "%s:%d: %s", sw.replay, se.line, se.msg)
		case errors.As(err, &se):
			usageError("--replay", "%s: byte %d: %s", sw.replay, se.offset, se.msg)
		case err == errStreamTooBig:
			usageError("--replay", "%s: the stream needs more than the %d MiB of memory it may take", sw.replay, memAvailable()/2>>20)
		case err != nil:
			usageError("--replay", "cannot read '%s': %v", sw.replay, unwrapPath(err))
		}
		if s.keyTypeNamed {
			if sw.given["key-type"] && s.keyType != sw.keyType {
				usageError("--key-type", "%s, but the stream in '%s' has %s keys", sw.keyType, sw.replay, s.keyType)
			}
			sw.keyType = s.keyType
		}
		sw.stream = s
		sw.threads = []uint64{uint64(len(s.tasks))}
		sw.ops = s.count()
		sw.durationNs = 0
		sw.mix = s.mix()
	}
	if sw.record == "" {
		return
	}
	if !opsGiven && sw.replay == "" {
		usageError("--record", "needs --ops (or --replay): the stream is held in memory until the run ends")
	}
	if n := len(sw.maps) * len(sw.threads) * sw.count; n > 1 {
		usageError("--record", "writes the stream of one run; this command line makes %d (one map, thread count and --count 1)", n)
	}
	// the table or the JSON goes to stdout, always: the stream would follow
	// it in one pipe, or replace the file the shell redirected stdout to
	if isStdout(sw.record) {
		usageError("--record", "'%s' is also standard output, which carries the results: give --record a file of its own", sw.record)
	}
	if err := checkWritable(sw.record); err != nil {
		usageError("--record", "cannot write '%s': %v", sw.record, err)
	}
	sw.recording = &opstream{keyType: sw.keyType, keyTypeNamed: true,
		tasks: make([][]op, sw.threads[0])}
}

// unwrapPath drops the "stat PATH: " of an *os.PathError: the message
// names the file already.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// isStdout: path names the file stdout writes to (a pipe, a terminal, a
// regular file the shell redirected stdout to), unless that is a character
// device other than a terminal (/dev/null), where writes mix with nothing
// anyone reads: mapbench run's rule (cmd/run_stream.c).
func isStdout(path string) bool {
	if path == "" {
		return false
	}
	fi, err := os.Stat(path)
	out, oerr := os.Stdout.Stat()
	if err != nil || oerr != nil || !os.SameFile(fi, out) {
		return false
	}
	if out.Mode()&os.ModeCharDevice == 0 {
		return true
	}
	var t syscall.Termios // a terminal answers TCGETS
	_, _, e := syscall.Syscall(syscall.SYS_IOCTL, os.Stdout.Fd(), syscall.TCGETS, uintptr(unsafe.Pointer(&t)))
	return e == 0
}

// sameFile: a and b name one regular file, or the same path of one not
// created yet (lib/util/samefile.c's rule; devices are written in place).
func sameFile(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	sa, ea := os.Stat(a)
	sb, eb := os.Stat(b)
	if ea == nil && eb == nil {
		return os.SameFile(sa, sb) && sa.Mode().IsRegular()
	}
	if (ea == nil) != (eb == nil) {
		return false
	}
	da, e1 := filepath.EvalSymlinks(filepath.Dir(a))
	db, e2 := filepath.EvalSymlinks(filepath.Dir(b))
	if e1 != nil || e2 != nil {
		return a == b
	}
	da, _ = filepath.Abs(da)
	db, _ = filepath.Abs(db)
	return da == db && filepath.Base(a) == filepath.Base(b)
}

// goroutineBytes: what one goroutine waiting on the start gate costs, its
// 2 KiB stack and its g: 10M of them held 23.2 GiB (max RSS) here.
const goroutineBytes = 2560

// checkGoroutineMemory refuses, as mapbench run's memory guard does, a run
// whose goroutines alone need more than the memory available, instead of
// being killed by the OOM killer halfway (10M goroutines take ~24 GiB).
func checkGoroutineMemory(sw *sweep) {
	avail := memAvailable()
	if avail == 0 {
		return
	}
	for _, t := range sw.threads {
		need := t * goroutineBytes
		if need <= avail {
			continue
		}
		what := "--threads"
		if sw.replay != "" {
			what = "--replay"
		}
		usageError(what, "%d goroutines need about %.1f GiB, more than the %.1f GiB available",
			t, float64(need)/(1<<30), float64(avail)/(1<<30))
	}
}

// racyRun: a run of Go's bare map that Go may end with a fatal error it
// cannot recover from (several goroutines, writes): skipped with a note.
func racyRun(sw *sweep, m string, threads uint64) bool {
	return m == "plain" && threads > 1 && sw.mix[opLoad]+sw.mix[opRange] < 100
}
