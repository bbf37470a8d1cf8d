/* mb_opstream: recorded op streams, to write the ops a run executes and to
 * run a stream back (mapbench run --record/--replay, mapbench-go alike).
 *
 * A stream is a list of tasks, each an ordered list of ops: the kind, the
 * key index (as in runs: with string keys, the index of the generated
 * string) and the values the op names.  Replaying keeps each task's order;
 * how tasks interleave is the runner's.
 *
 * Two formats, told apart by the first bytes:
 *   binary  "MBOPSTRM", u32 version (1), u8 key type (0 int, 1 string),
 *           3 zero bytes, u32 min and max string length, u64 tasks; then
 *           per task a u64 op count and its ops: u8 kind, the key as an
 *           unsigned LEB128, then the values as zigzag LEB128s (store,
 *           load_or_store, swap: the value; cas: old, new; cad: old).
 *           Integers little-endian.  Nothing may follow the last task.
 *   text    one op per line: [TASK] OP KEY [VALUES], OP one of load, store
 *           K [V], delete, load_or_store K [V], load_and_delete, swap K [V],
 *           cas K OLD NEW, cad K OLD, range (no key); a value left out is
 *           the op's index in its task's stream; a line without TASK is
 *           task 0; blank lines and lines starting with # are skipped.
 *           Keys are decimal indexes, values decimal int64s.
 * Errors say where: the line (text) or the byte offset (binary), and what.
 *
 * Threads: a stream is built by one thread; once built it is read-only and
 * may be read from any number of threads.  Nothing is printed.
 */
#ifndef MB_RUN_OPSTREAM_H
#define MB_RUN_OPSTREAM_H

#include "run/keys.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define MB_OPSTREAM_MAGIC "MBOPSTRM"
#define MB_OPSTREAM_VERSION 1
/* Refuse streams of more tasks than a run may have. */
#define MB_OPSTREAM_MAX_TASKS UINT64_C(10000000)

struct mb_op {
	int64_t key;  /* key index, >= 0 (0 for range) */
	int64_t val;  /* store, load_or_store, swap: the value; cas: the new one; cad: the old one */
	int64_t old;  /* cas: the expected old value */
	uint8_t kind; /* enum mb_op_kind (runner.h) */
};

struct mb_opstream_task {
	struct mb_op *ops;
	uint64_t n, cap;
};

struct mb_opstream {
	struct mb_keyspec key_type; /* what the key indexes name (binary header) */
	bool key_type_named;        /* read from a header (a text stream names none) */
	uint64_t ntasks;
	struct mb_opstream_task *tasks;
	uint64_t bytes;     /* held: the task array and every op array */
	uint64_t max_bytes; /* appends past this fail with -E2BIG; 0: no bound */
};

enum mb_opstream_format {
	MB_OPSTREAM_BINARY = 0,
	MB_OPSTREAM_TEXT,
};

/* Where and why a read failed: line (text, from 1) or offset (binary,
 * bytes from the start), and a one-line message. */
struct mb_opstream_error {
	uint64_t line;   /* 0 for a binary stream */
	uint64_t offset;
	char msg[160];
};

/* An empty stream of ntasks tasks (1..MB_OPSTREAM_MAX_TASKS).  Returns 0,
 * -EINVAL or -ENOMEM. */
int mb_opstream_init(struct mb_opstream *s, uint64_t ntasks, const struct mb_keyspec *key_type);

/* Appends op to task's stream.  Returns 0, -EINVAL (no such task, bad
 * kind, negative key), -E2BIG (the stream would pass its max_bytes) or
 * -ENOMEM. */
int mb_opstream_append(struct mb_opstream *s, uint64_t task, const struct mb_op *op);

/* Makes room for n more ops in task's stream, so that appending them
 * allocates nothing.  Returns 0, -EINVAL (no such task), -E2BIG (past
 * max_bytes) or -ENOMEM. */
int mb_opstream_reserve(struct mb_opstream *s, uint64_t task, uint64_t n);

/* Frees what the stream holds; safe on a zeroed stream. */
void mb_opstream_free(struct mb_opstream *s);

/* The ops in all tasks. */
uint64_t mb_opstream_count(const struct mb_opstream *s);

/* The bytes the loaded stream holds in memory (for the memory estimate). */
uint64_t mb_opstream_bytes(const struct mb_opstream *s);

/* Writes s to f in the format.  Returns 0 or a negative errno (-EIO). */
int mb_opstream_write(FILE *f, const struct mb_opstream *s, enum mb_opstream_format fmt);

/* Reads a whole stream from f, binary or text by its first bytes, into *s
 * (initialised here; free it with mb_opstream_free).  Key indexes must be
 * below keys (0: any); the stream may take at most max_bytes of memory (0:
 * no bound).  Returns 0, or -EINVAL with *err saying where and why (bad
 * op, missing operand, key out of range, truncated, wrong version, no op
 * at all), -E2BIG (over max_bytes; *err says so), -EIO, -ENOMEM.  Nothing
 * partial is returned. */
int mb_opstream_read(FILE *f, uint64_t keys, uint64_t max_bytes, struct mb_opstream *s,
		     struct mb_opstream_error *err);

/* The stream's composition as a mix: percent per op kind (mix[kind], nkinds
 * entries, at least MB_OP_NKINDS), whole numbers summing to 100, every kind
 * the stream has at least 1.  All zero for an empty stream. */
void mb_opstream_mix(const struct mb_opstream *s, unsigned *mix, size_t nkinds);

#endif
