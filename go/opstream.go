// Recorded op streams (mapbench-opstream(5)): the binary and text formats
// that mapbench run --record writes and --replay reads (lib/run/opstream.c),
// read and written the same way here, so that a stream recorded on one
// side replays on the other and the same run records the same bytes.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

const (
	streamMagic    = "MBOPSTRM"
	streamVersion  = 1
	streamMaxTasks = 10000000
	streamLineMax  = 4096
	opBytes        = 32 // what the C side holds per op, for the memory bound
	taskBytes      = 24
)

// op is one recorded operation: kind, key index and the values it names
// (store, load_or_store, swap: val; cas: old then val; cad: val, the old).
type op struct {
	key, val, old int64
	kind          uint8
}

type opstream struct {
	keyType      keyspec
	keyTypeNamed bool // from a binary header (text names none)
	tasks        [][]op
	bytes        uint64 // the C side's accounting: task records and ops
	maxBytes     uint64
}

// streamError says where a stream is bad: a line (text, from 1) or a byte
// offset (binary).
type streamError struct {
	line, offset uint64
	msg          string
}

func (e *streamError) Error() string { return e.msg }

var errStreamTooBig = errors.New("the stream needs more memory than it may take")

func (s *opstream) count() uint64 {
	n := uint64(0)
	for _, t := range s.tasks {
		n += uint64(len(t))
	}
	return n
}

// valuesOf: how many values an op kind names (cas 2, store-like and cad 1).
func valuesOf(kind uint8) int {
	switch kind {
	case opStore, opLoadOrStore, opSwap, opCAD:
		return 1
	case opCAS:
		return 2
	}
	return 0
}

// grow makes room for task t (a text stream may name a higher task than
// seen so far), within the memory bound.
func (s *opstream) ensureTask(t uint64) error {
	if t < uint64(len(s.tasks)) {
		return nil
	}
	extra := (t + 1 - uint64(len(s.tasks))) * taskBytes
	if s.maxBytes != 0 && s.bytes+extra > s.maxBytes {
		return errStreamTooBig
	}
	s.bytes += extra
	s.tasks = append(s.tasks, make([][]op, t+1-uint64(len(s.tasks)))...)
	return nil
}

func (s *opstream) add(t uint64, o op) error {
	ops := s.tasks[t]
	if len(ops) == cap(ops) {
		c := 2 * cap(ops)
		if c == 0 {
			c = 16
		}
		if s.maxBytes != 0 && s.bytes+uint64(c-cap(ops))*opBytes > s.maxBytes {
			return errStreamTooBig
		}
		s.bytes += uint64(c-cap(ops)) * opBytes
		n := make([]op, len(ops), c)
		copy(n, ops)
		ops = n
	}
	s.tasks[t] = append(ops, o)
	return nil
}

// binReader reads little-endian integers and LEB128s, counting bytes.
type binReader struct {
	r   *bufio.Reader
	off uint64
}

func truncated(off uint64) error {
	return &streamError{offset: off, msg: "truncated: the stream ends inside a record"}
}

func (b *binReader) byte() (byte, error) {
	c, err := b.r.ReadByte()
	if err == io.EOF {
		return 0, truncated(b.off)
	}
	if err != nil {
		return 0, err
	}
	b.off++
	return c, nil
}

func (b *binReader) u(n int) (uint64, error) {
	v := uint64(0)
	for i := 0; i < n; i++ {
		c, err := b.byte()
		if err != nil {
			return 0, err
		}
		v |= uint64(c) << (8 * i)
	}
	return v, nil
}

func (b *binReader) uleb() (uint64, error) {
	at := b.off
	v := uint64(0)
	for shift := 0; ; shift += 7 {
		c, err := b.byte()
		if err != nil {
			return 0, err
		}
		if shift == 63 && c > 1 {
			return 0, &streamError{offset: at, msg: "a number longer than 64 bits"}
		}
		v |= uint64(c&0x7f) << shift
		if c&0x80 == 0 {
			return v, nil
		}
	}
}

func (b *binReader) sleb() (int64, error) {
	u, err := b.uleb()
	return int64(u>>1) ^ -int64(u&1), err
}

func readBinary(r *bufio.Reader, keys, maxBytes uint64) (*opstream, error) {
	b := &binReader{r: r, off: 8}
	version, err := b.u(4)
	if err != nil {
		return nil, err
	}
	if version != streamVersion {
		return nil, &streamError{offset: 8, msg: fmt.Sprintf(
			"version %d is not supported (this mapbench reads version %d)", version, streamVersion)}
	}
	typ, err := b.u(1)
	var pad, lo, hi uint64
	if err == nil {
		pad, err = b.u(3)
	}
	if err == nil {
		lo, err = b.u(4)
	}
	if err == nil {
		hi, err = b.u(4)
	}
	if err != nil {
		return nil, err
	}
	if typ > 1 || pad != 0 {
		return nil, &streamError{offset: 12, msg: fmt.Sprintf("bad key type %d", typ)}
	}
	if (typ == 0 && (lo != 0 || hi != 0)) || (typ == 1 && (lo < 1 || lo > hi || hi > keyLenMax)) {
		return nil, &streamError{offset: 16, msg: fmt.Sprintf(
			"bad key lengths %d-%d (int keys: 0-0; string keys: 1 to %d)", lo, hi, keyLenMax)}
	}
	at := b.off
	ntasks, err := b.u(8)
	if err != nil {
		return nil, err
	}
	if ntasks == 0 || ntasks > streamMaxTasks {
		return nil, &streamError{offset: at, msg: fmt.Sprintf("%d tasks (1 to %d)", ntasks, streamMaxTasks)}
	}
	if maxBytes != 0 && ntasks*taskBytes > maxBytes {
		return nil, errStreamTooBig
	}
	s := &opstream{keyType: keyspec{str: typ == 1, minLen: uint32(lo), maxLen: uint32(hi)},
		keyTypeNamed: true, maxBytes: maxBytes}
	if err := s.ensureTask(ntasks - 1); err != nil {
		return nil, err
	}
	for t := uint64(0); t < ntasks; t++ {
		n, err := b.u(8)
		if err != nil {
			return nil, err
		}
		for i := uint64(0); i < n; i++ {
			at := b.off
			kind, err := b.u(1)
			if err != nil {
				return nil, err
			}
			if kind >= nKinds {
				return nil, &streamError{offset: at, msg: fmt.Sprintf("bad op kind %d", kind)}
			}
			key, err := b.uleb()
			if err != nil {
				return nil, err
			}
			if key > math.MaxInt64 || (keys != 0 && key >= keys) {
				return nil, &streamError{offset: at, msg: fmt.Sprintf("key %d out of range [0, %d)", key, keys)}
			}
			o := op{kind: uint8(kind), key: int64(key)}
			if kind == opCAS {
				if o.old, err = b.sleb(); err != nil {
					return nil, err
				}
			}
			if valuesOf(o.kind) > 0 {
				if o.val, err = b.sleb(); err != nil {
					return nil, err
				}
			}
			if err := s.add(t, o); err != nil {
				return nil, err
			}
		}
	}
	if _, err := r.ReadByte(); err == nil {
		return nil, &streamError{offset: b.off, msg: "bytes after the last task"}
	} else if err != io.EOF {
		return nil, err
	}
	return s, nil
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// parseInt64 reads a decimal int64 with an optional minus, as the C side.
func parseInt64(s string) (int64, bool) {
	d := strings.TrimPrefix(s, "-")
	if !allDigits(d) || len(d) > 19 {
		return 0, false
	}
	v, err := strconv.ParseInt(s, 10, 64)
	return v, err == nil
}

func (s *opstream) parseLine(line string, lineno, keys uint64) error {
	fail := func(format string, args ...any) error {
		return &streamError{line: lineno, msg: fmt.Sprintf(format, args...)}
	}
	line = strings.TrimLeft(line, " \t\r")
	if strings.HasPrefix(line, "#") {
		return nil
	}
	tok := strings.FieldsFunc(line, func(r rune) bool { return r == ' ' || r == '\t' || r == '\r' })
	if len(tok) > 6 {
		return fail("too many fields")
	}
	if len(tok) == 0 {
		return nil
	}
	task, i := uint64(0), 0
	if allDigits(tok[0]) {
		var err error
		task, err = strconv.ParseUint(tok[0], 10, 64)
		if len(tok[0]) > 8 || err != nil || task >= streamMaxTasks {
			return fail("task %s out of range [0, %d)", tok[0], streamMaxTasks)
		}
		i = 1
		if len(tok) == 1 {
			return fail("an op must follow the task number")
		}
	}
	kind := uint8(0)
	for kind < nKinds && tok[i] != kindNames[kind] {
		kind++
	}
	if kind == nKinds {
		name := tok[i]
		if len(name) > 40 {
			name = name[:40]
		}
		return fail("unknown op '%s' (load, store, delete, load_or_store, load_and_delete, swap, cas, cad, range)", name)
	}
	given, wantKey, wantVals := len(tok)-i-1, b2i(kind != opRange), valuesOf(kind)
	min := wantKey
	if kind == opCAS || kind == opCAD {
		min += wantVals
	}
	max := wantKey + wantVals
	if given < min {
		what := "a KEY"
		if kind == opCAS {
			what = "KEY OLD NEW"
		} else if kind == opCAD {
			what = "KEY OLD"
		}
		return fail("%s needs %s", tok[i], what)
	}
	if given > max {
		plural := "s"
		if max == 1 {
			plural = ""
		}
		return fail("%s takes at most %d operand%s", tok[i], max, plural)
	}
	if err := s.ensureTask(task); err != nil {
		return err
	}
	o := op{kind: kind}
	if wantVals > 0 {
		o.val = int64(len(s.tasks[task]))
	}
	if wantKey == 1 {
		k := tok[i+1]
		v, err := strconv.ParseUint(k, 10, 64)
		if !allDigits(k) || len(k) > 19 || err != nil || v > math.MaxInt64 {
			if len(k) > 40 {
				k = k[:40]
			}
			return fail("bad key '%s' (a key index from 0)", k)
		}
		if keys != 0 && v >= keys {
			return fail("key %d out of range [0, %d)", v, keys)
		}
		o.key = int64(v)
	}
	for v := 0; v < given-wantKey; v++ {
		x, ok := parseInt64(tok[i+2+v])
		if !ok {
			t := tok[i+2+v]
			if len(t) > 40 {
				t = t[:40]
			}
			return fail("bad value '%s' (a decimal int64)", t)
		}
		if kind == opCAS && v == 0 {
			o.old = x
		} else {
			o.val = x
		}
	}
	return s.add(task, o)
}

func readText(r *bufio.Reader, keys, maxBytes uint64) (*opstream, error) {
	s := &opstream{maxBytes: maxBytes}
	if err := s.ensureTask(0); err != nil {
		return nil, err
	}
	lineno := uint64(1)
	var line []byte
	for {
		c, err := r.ReadByte()
		if err != nil && err != io.EOF {
			return nil, err
		}
		if err == io.EOF || c == '\n' {
			if bytes.IndexByte(line, 0) >= 0 {
				return nil, &streamError{line: lineno, msg: "a NUL byte: not a text stream"}
			}
			if err := s.parseLine(string(line), lineno, keys); err != nil {
				return nil, err
			}
			if err == io.EOF {
				break
			}
			line = line[:0]
			lineno++
			continue
		}
		if len(line) == streamLineMax {
			return nil, &streamError{line: lineno, msg: fmt.Sprintf("line longer than %d characters", streamLineMax)}
		}
		line = append(line, c)
	}
	if s.count() == 0 {
		return nil, &streamError{line: lineno, msg: "no op in the stream"}
	}
	return s, nil
}

// readStream reads the stream in path (binary or text by its first bytes):
// keys bounds the key indexes (0: any), maxBytes the memory it may take
// (0: none).  Errors are *streamError (where and why), errStreamTooBig, or
// the file's.
func readStream(path string, keys, maxBytes uint64) (*opstream, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, errors.New("is a directory")
	}
	if !st.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<16)
	head, err := r.Peek(8)
	if err == nil && string(head) == streamMagic {
		r.Discard(8)
		return readBinary(r, keys, maxBytes)
	}
	return readText(r, keys, maxBytes)
}

// streamMix is the stream's composition in whole percents summing to 100,
// every kind it has at least 1 (mb_opstream_mix).
func (s *opstream) mix() [nKinds]uint {
	var count [nKinds]uint64
	total := uint64(0)
	for _, t := range s.tasks {
		for _, o := range t {
			count[o.kind]++
		}
	}
	for _, c := range count {
		total += c
	}
	var m [nKinds]uint
	if total == 0 {
		return m
	}
	sum := uint(0)
	for k, c := range count {
		if c == 0 {
			continue
		}
		p := uint(c * 100 / total)
		if p == 0 {
			p = 1
		}
		m[k] = p
		sum += p
	}
	for sum < 100 {
		best, bestRem := 0, uint64(0)
		for k, c := range count {
			want, have := c*100, uint64(m[k])*total
			rem := uint64(0)
			if want > have {
				rem = want - have
			}
			if c != 0 && rem >= bestRem {
				best, bestRem = k, rem
			}
		}
		m[best]++
		sum++
	}
	for sum > 100 {
		best := 0
		for k := 1; k < nKinds; k++ {
			if m[k] > m[best] {
				best = k
			}
		}
		m[best]--
		sum--
	}
	return m
}

func putU(w *bufio.Writer, v uint64, n int) {
	for i := 0; i < n; i++ {
		w.WriteByte(byte(v >> (8 * i)))
	}
}

func putUleb(w *bufio.Writer, v uint64) {
	for {
		b := byte(v & 0x7f)
		v >>= 7
		if v != 0 {
			w.WriteByte(b | 0x80)
		} else {
			w.WriteByte(b)
			return
		}
	}
}

func putSleb(w *bufio.Writer, v int64) {
	putUleb(w, uint64(v)<<1^uint64(v>>63))
}

// encode writes the stream in the binary format, or the text one.
func (s *opstream) encode(out io.Writer, text bool) error {
	w := bufio.NewWriterSize(out, 1<<16)
	if text {
		for t, ops := range s.tasks {
			for _, o := range ops {
				fmt.Fprintf(w, "%d %s", t, kindNames[o.kind])
				if o.kind != opRange {
					fmt.Fprintf(w, " %d", o.key)
				}
				if o.kind == opCAS {
					fmt.Fprintf(w, " %d %d", o.old, o.val)
				} else if valuesOf(o.kind) > 0 {
					fmt.Fprintf(w, " %d", o.val)
				}
				w.WriteByte('\n')
			}
		}
		return w.Flush()
	}
	w.WriteString(streamMagic)
	putU(w, streamVersion, 4)
	typ := uint64(0)
	if s.keyType.str {
		typ = 1
	}
	putU(w, typ, 1)
	putU(w, 0, 3)
	putU(w, uint64(s.keyType.minLen), 4)
	putU(w, uint64(s.keyType.maxLen), 4)
	putU(w, uint64(len(s.tasks)), 8)
	for _, ops := range s.tasks {
		putU(w, uint64(len(ops)), 8)
		for _, o := range ops {
			putU(w, uint64(o.kind), 1)
			putUleb(w, uint64(o.key))
			if o.kind == opCAS {
				putSleb(w, o.old)
			}
			if valuesOf(o.kind) > 0 {
				putSleb(w, o.val)
			}
		}
	}
	return w.Flush()
}
