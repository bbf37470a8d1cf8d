// mapbench-go: mapbench's workloads on Go's own maps, so that the C port
// can be checked against the original on the same machine.  Standard
// library only; see mapbench-go(1).
package main

import (
	"bytes"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"
)

// version is mapbench's, set at build time (-ldflags -X main.version=...).
var version = "unknown"

var stopProfile = func() {}

func main() {
	sw := parseArgs(os.Args[1:])
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		for s := range sigs {
			n := int32(s.(syscall.Signal))
			if !interrupted.CompareAndSwap(0, n) {
				os.Exit(128 + int(n))
			}
		}
	}()
	if sw.gctrace {
		gcTrace = func(e pauseEvent, what string) {
			fmt.Fprintf(os.Stderr, "gctrace: %s @%.3fs op %d len %d %.3fms\n", what,
				float64(e.at)/1e9, e.opIndex, e.mapLen, float64(e.dur)/1e6)
		}
	}
	// MAPBENCH_GO_CPUPROFILE=FILE: a pprof CPU profile of the whole sweep
	// (go tool pprof mapbench-go FILE), to see where Go's time goes.
	if path := os.Getenv("MAPBENCH_GO_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil && pprof.StartCPUProfile(f) == nil {
			defer f.Close()
			stopProfile = pprof.StopCPUProfile
		} else {
			fmt.Fprintf(os.Stderr, "mapbench-go: MAPBENCH_GO_CPUPROFILE: cannot write '%s'\n", path)
			os.Exit(2)
		}
	}
	keys := buildKeys(sw.keyType, sw.keys)
	table := sw.format == "table"
	if table {
		tableHeader(os.Stdout)
	}
	var runs []*runResult
	for _, m := range sw.maps {
		for _, t := range sw.threads {
			if racyRun(&sw, m, t) {
				fmt.Fprintf(os.Stderr, "mapbench-go: skipping %s/threads=%d: several goroutines writing Go's bare map can end the program with a fatal error that loses every result (see mapbench-go(1))\n", m, t)
				continue
			}
			for rep := 1; rep <= sw.count; rep++ {
				if interrupted.Load() != 0 {
					break
				}
				cfg := &runConfig{sweep: &sw, mapName: m, threads: t, procs: sw.procs, rep: rep}
				if !sw.procsExplicit && !concurrent(m) {
					cfg.procs = 1
				}
				var r *runResult
				if sw.keyType.str {
					r = execute[string](cfg, keys)
				} else {
					r = execute[int64](cfg, nil)
				}
				runs = append(runs, r)
				if table {
					tableRow(os.Stdout, r)
				}
			}
		}
	}
	stopProfile()
	h := readHost()
	if table {
		tableFooter(os.Stdout, h)
	}
	status := 0
	if sw.output != "" || sw.format == "json" {
		doc, err := documentJSON(&sw, h, runs, append([]string{"mapbench-go"}, os.Args[1:]...))
		if err != nil {
			fmt.Fprintf(os.Stderr, "mapbench-go: cannot build the JSON result: %v\n", err)
			os.Exit(1)
		}
		toStdout := sw.format == "json"
		if sw.output != "" {
			if err := writeAtomic(sw.output, doc); err != nil {
				fmt.Fprintf(os.Stderr, "mapbench-go: --output: cannot write '%s': %v; the JSON result follows on stdout\n", sw.output, err)
				toStdout = true
				status = 1
			}
		}
		if toStdout {
			if _, err := os.Stdout.Write(doc); err != nil {
				fmt.Fprintf(os.Stderr, "mapbench-go: stdout: cannot write the results: %v\n", err)
				status = 1
			}
		}
	}
	if sw.recording != nil && writeRecording(&sw) != nil {
		status = 1
	}
	if n := interrupted.Load(); n != 0 {
		os.Exit(128 + int(n))
	}
	os.Exit(status)
}

// writeRecording writes --record's stream atomically: text when the name
// ends in .txt, else binary; what ran, also after an interrupt.
func writeRecording(sw *sweep) error {
	var buf bytes.Buffer
	err := sw.recording.encode(&buf, strings.HasSuffix(sw.record, ".txt"))
	if err == nil {
		err = writeAtomic(sw.record, buf.Bytes())
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "mapbench-go: --record: cannot write '%s': %v\n", sw.record, err)
	}
	return err
}
