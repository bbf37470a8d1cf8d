// Key types and string keys: the same strings as lib/run/keys.c, built
// once before the map, so the timed phase generates nothing for its keys.
package main

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

const keyLenMax = 1024

const keyAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-"

// indexDigits: base-64 digits that spell an index (64^11 > 2^64).
const indexDigits = 11

type keyspec struct {
	str            bool
	minLen, maxLen uint32
}

// keyMix is keys.c's mix: splitmix64 including the gamma step.
func keyMix(z uint64) uint64 {
	return mix(z + rngGamma)
}

var errRange = errors.New("out of range")
var errForm = errors.New("bad form")

func parseLen(s string) (uint32, error) {
	if len(s) == 0 || len(s) > 9 {
		return 0, errForm
	}
	var v uint32
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0, errForm
		}
		v = v*10 + uint32(c-'0')
	}
	return v, nil
}

// parseKeyspec reads "int", "string:LEN" or "string:MIN-MAX".
func parseKeyspec(s string) (keyspec, error) {
	if s == "int" {
		return keyspec{}, nil
	}
	if !strings.HasPrefix(s, "string:") {
		return keyspec{}, errForm
	}
	s = s[7:]
	var lo, hi uint32
	var err error
	if i := strings.IndexByte(s, '-'); i >= 0 {
		if lo, err = parseLen(s[:i]); err != nil {
			return keyspec{}, err
		}
		if hi, err = parseLen(s[i+1:]); err != nil {
			return keyspec{}, err
		}
	} else {
		if lo, err = parseLen(s); err != nil {
			return keyspec{}, err
		}
		hi = lo
	}
	if lo < 1 || hi > keyLenMax || lo > hi {
		return keyspec{}, errRange
	}
	return keyspec{str: true, minLen: lo, maxLen: hi}, nil
}

func (k keyspec) String() string {
	switch {
	case !k.str:
		return "int"
	case k.minLen == k.maxLen:
		return fmt.Sprintf("string:%d", k.minLen)
	default:
		return fmt.Sprintf("string:%d-%d", k.minLen, k.maxLen)
	}
}

// distinct is how many keys the spec can name.
func (k keyspec) distinct() uint64 {
	if !k.str || k.minLen >= indexDigits {
		return math.MaxUint64
	}
	return 1 << (6 * k.minLen)
}

func (k keyspec) keyLen(i uint64) uint32 {
	span := k.maxLen - k.minLen + 1
	if span > 1 {
		return k.minLen + uint32(keyMix(i^0x5bd1e995)%uint64(span))
	}
	return k.minLen
}

// buildKeys returns the n strings of the spec, slices of one arena.
func buildKeys(k keyspec, n uint64) []string {
	if !k.str {
		return nil
	}
	total := uint64(0)
	for i := uint64(0); i < n; i++ {
		total += uint64(k.keyLen(i))
	}
	arena := make([]byte, 0, total)
	for i := uint64(0); i < n; i++ {
		l := k.keyLen(i)
		digits, fill := i, keyMix(i)
		for j := uint32(0); j < l; j++ {
			if j < indexDigits {
				arena = append(arena, keyAlphabet[digits&63])
				digits >>= 6
			} else {
				if (j-indexDigits)%10 == 0 {
					fill = keyMix(fill)
				}
				arena = append(arena, keyAlphabet[fill&63])
				fill >>= 6
			}
		}
	}
	all := string(arena)
	keys := make([]string, n)
	off := uint64(0)
	for i := uint64(0); i < n; i++ {
		l := uint64(k.keyLen(i))
		keys[i] = all[off : off+l]
		off += l
	}
	return keys
}
