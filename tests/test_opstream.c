/* Op streams: binary and text round trips, a hand-written trace, and every
 * class of malformed input rejected with its line or byte offset. */
#include "check.h"

#include "run/opstream.h"
#include "run/runner.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Reads a stream from the len bytes at buf. */
static int read_bytes(const char *buf, size_t len, uint64_t keys, struct mb_opstream *s,
		      struct mb_opstream_error *err)
{
	FILE *f = fmemopen((void *)buf, len, "r");
	if (!f)
		return -errno;
	int rc = mb_opstream_read(f, keys, 0, s, err);
	fclose(f);
	return rc;
}

static int read_text(const char *text, uint64_t keys, struct mb_opstream *s,
		     struct mb_opstream_error *err)
{
	return read_bytes(text, strlen(text), keys, s, err);
}

/* Writes s in fmt into a malloc'd buffer (*len bytes). */
static char *write_bytes(const struct mb_opstream *s, enum mb_opstream_format fmt, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	if (!f)
		return NULL;
	int rc = mb_opstream_write(f, s, fmt);
	fclose(f);
	if (rc) {
		free(buf);
		return NULL;
	}
	return buf;
}

static bool same(const struct mb_opstream *a, const struct mb_opstream *b)
{
	if (a->ntasks != b->ntasks)
		return false;
	for (uint64_t t = 0; t < a->ntasks; t++) {
		if (a->tasks[t].n != b->tasks[t].n)
			return false;
		for (uint64_t i = 0; i < a->tasks[t].n; i++) {
			const struct mb_op *x = &a->tasks[t].ops[i], *y = &b->tasks[t].ops[i];
			if (x->kind != y->kind || x->key != y->key || x->val != y->val || x->old != y->old)
				return false;
		}
	}
	return true;
}

/* Every kind, extreme keys and values, an empty task in the middle. */
static void build(struct mb_opstream *s)
{
	struct mb_keyspec kt = {.type = MB_KEY_STRING, .min_len = 4, .max_len = 20};
	CHECK(mb_opstream_init(s, 3, &kt) == 0, "init");
	for (unsigned k = 0; k < MB_OP_NKINDS; k++) {
		struct mb_op op = {.kind = (uint8_t)k, .key = k == MB_OP_RANGE ? 0 : (int64_t)k * 1000003};
		if (k == MB_OP_STORE || k == MB_OP_SWAP || k == MB_OP_LOAD_OR_STORE)
			op.val = -(int64_t)k;
		if (k == MB_OP_CAS)
			op.old = INT64_MIN, op.val = INT64_MAX;
		if (k == MB_OP_CAD)
			op.val = 42;
		CHECK(mb_opstream_append(s, 0, &op) == 0, "append kind %u", k);
		CHECK(mb_opstream_append(s, 2, &op) == 0, "append kind %u", k);
	}
	struct mb_op big = {.kind = MB_OP_LOAD, .key = INT64_MAX};
	CHECK(mb_opstream_append(s, 2, &big) == 0, "append big key");
	struct mb_op bad = {.kind = MB_OP_NKINDS};
	CHECK(mb_opstream_append(s, 0, &bad) == -EINVAL, "bad kind");
	CHECK(mb_opstream_append(s, 3, &big) == -EINVAL, "no task 3");
}

static void round_trips(void)
{
	struct mb_opstream s, back;
	struct mb_opstream_error err;
	build(&s);
	CHECK(mb_opstream_count(&s) == 2 * MB_OP_NKINDS + 1, "count %llu",
	      (unsigned long long)mb_opstream_count(&s));
	CHECK(mb_opstream_bytes(&s) >= mb_opstream_count(&s) * sizeof(struct mb_op), "bytes");
	for (int fmt = MB_OPSTREAM_BINARY; fmt <= MB_OPSTREAM_TEXT; fmt++) {
		size_t len;
		char *buf = write_bytes(&s, (enum mb_opstream_format)fmt, &len);
		CHECK(buf != NULL, "write format %d", fmt);
		if (!buf)
			continue;
		int rc = read_bytes(buf, len, 0, &back, &err);
		CHECK(rc == 0, "read back format %d: %d %s", fmt, rc, err.msg);
		CHECK(rc == 0 && same(&s, &back), "format %d: the same ops", fmt);
		if (fmt == MB_OPSTREAM_BINARY) {
			CHECK(back.key_type.type == MB_KEY_STRING && back.key_type.min_len == 4 &&
			      back.key_type.max_len == 20, "binary keeps the key type");
			/* a truncated file: the offset is where it ends */
			mb_opstream_free(&back);
			rc = read_bytes(buf, len - 1, 0, &back, &err);
			CHECK(rc == -EINVAL && err.line == 0 && err.offset == len - 1 &&
			      strstr(err.msg, "truncated"), "truncated: rc %d at %llu: %s", rc,
			      (unsigned long long)err.offset, err.msg);
			CHECK(back.ntasks == 0 && back.tasks == NULL, "nothing partial");
			/* a key out of range names its record's offset */
			rc = read_bytes(buf, len, 1000, &back, &err);
			CHECK(rc == -EINVAL && strstr(err.msg, "out of range") && err.offset > 32,
			      "binary key range: %s", err.msg);
			/* another version */
			buf[8] = 2;
			rc = read_bytes(buf, len, 0, &back, &err);
			CHECK(rc == -EINVAL && err.offset == 8 && strstr(err.msg, "version 2"),
			      "version: %s", err.msg);
			buf[8] = 1;
			/* a trailing byte */
			char *more = malloc(len + 1);
			memcpy(more, buf, len);
			more[len] = 0;
			rc = read_bytes(more, len + 1, 0, &back, &err);
			CHECK(rc == -EINVAL && err.offset == len, "trailing byte at %llu: %s",
			      (unsigned long long)err.offset, err.msg);
			free(more);
		}
		mb_opstream_free(&back);
		free(buf);
	}
	mb_opstream_free(&s);
}

/* What a user writes: comments, blank lines, task numbers, values left out
 * (the op's index in its task's stream). */
static void hand_written(void)
{
	const char *text = "# a trace\n"
			   "load 5\n"
			   "\n"
			   "2 store 7\n"
			   "2\tstore 8 -3\n"
			   "cas 1 2 3\n"
			   "cad 4 9\r\n"
			   "0 swap 6\n"
			   "range";
	struct mb_opstream s;
	struct mb_opstream_error err;
	int rc = read_text(text, 10, &s, &err);
	CHECK(rc == 0, "read: %d line %llu %s", rc, (unsigned long long)err.line, err.msg);
	if (rc)
		return;
	CHECK(s.ntasks == 3 && s.tasks[0].n == 5 && s.tasks[1].n == 0 && s.tasks[2].n == 2,
	      "tasks %llu", (unsigned long long)s.ntasks);
	const struct mb_op *t0 = s.tasks[0].ops, *t2 = s.tasks[2].ops;
	CHECK(t0[0].kind == MB_OP_LOAD && t0[0].key == 5, "load 5");
	CHECK(t0[1].kind == MB_OP_CAS && t0[1].key == 1 && t0[1].old == 2 && t0[1].val == 3, "cas");
	CHECK(t0[2].kind == MB_OP_CAD && t0[2].key == 4 && t0[2].val == 9, "cad");
	CHECK(t0[3].kind == MB_OP_SWAP && t0[3].key == 6 && t0[3].val == 3, "swap: value = index 3");
	CHECK(t0[4].kind == MB_OP_RANGE, "range");
	CHECK(t2[0].kind == MB_OP_STORE && t2[0].key == 7 && t2[0].val == 0, "store: value = index 0");
	CHECK(t2[1].val == -3, "explicit value");
	mb_opstream_free(&s);
}

/* Each class of bad input: -EINVAL, the line, what is wrong. */
static void malformed(void)
{
	static const struct {
		const char *text;
		uint64_t line;
		const char *what;
	} cases[] = {
		{"load 1\nfrob 2\n", 2, "unknown op"},
		{"load\n", 1, "needs a KEY"},
		{"load 1\n\ncas 1 2\n", 3, "needs KEY OLD NEW"},
		{"cad 1\n", 1, "needs KEY OLD"},
		{"load 1 2\n", 1, "at most 1"},
		{"range 1\n", 1, "at most 0"},
		{"store 1 2 3\n", 1, "at most 2"},
		{"load 10\n", 1, "out of range [0, 10)"},
		{"load -1\n", 1, "bad key"},
		{"load x\n", 1, "bad key"},
		{"store 1 9223372036854775808\n", 1, "bad value"},
		{"10000000 load 1\n", 1, "task"},
		{"3\n", 1, "an op must follow"},
		{"# nothing\n\n", 3, "no op"},
		{"", 1, "no op"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct mb_opstream s;
		struct mb_opstream_error err;
		int rc = read_text(cases[i].text, 10, &s, &err);
		CHECK(rc == -EINVAL && err.line == cases[i].line && strstr(err.msg, cases[i].what),
		      "case %zu: rc %d line %llu '%s'", i, rc, (unsigned long long)err.line, err.msg);
		CHECK(s.tasks == NULL, "case %zu: nothing partial", i);
	}
	/* a line too long to be a trace line */
	char *longline = malloc(5000);
	memset(longline, ' ', 4999);
	longline[4999] = '\0';
	struct mb_opstream s;
	struct mb_opstream_error err;
	CHECK(read_text(longline, 0, &s, &err) == -EINVAL && strstr(err.msg, "longer"), "long line");
	free(longline);
}

/* A comment line may hold any number of words; a blank-led one too. */
static void comments(void)
{
	struct mb_opstream s;
	struct mb_opstream_error err;
	int rc = read_text("# a comment with more than six words in it\n  # and another one here too\nload 1\n",
			   10, &s, &err);
	CHECK(rc == 0 && mb_opstream_count(&s) == 1, "comments: rc %d '%s'", rc, err.msg);
	mb_opstream_free(&s);
}

/* A binary header's key lengths must fit its key type. */
static void binary_key_lengths(void)
{
	struct mb_opstream s;
	struct mb_keyspec str = {.type = MB_KEY_STRING, .min_len = 8, .max_len = 16};
	CHECK(mb_opstream_init(&s, 1, &str) == 0, "init");
	struct mb_op op = {.key = 1, .kind = MB_OP_LOAD};
	CHECK(mb_opstream_append(&s, 0, &op) == 0, "append");
	size_t len = 0;
	char *buf = write_bytes(&s, MB_OPSTREAM_BINARY, &len);
	mb_opstream_free(&s);
	CHECK(buf && len > 24, "written");
	if (!buf)
		return;
	struct mb_opstream r;
	struct mb_opstream_error err;
	CHECK(read_bytes(buf, len, 10, &r, &err) == 0 && r.key_type_named &&
	      r.key_type.min_len == 8 && r.key_type.max_len == 16, "string:8-16 read back");
	mb_opstream_free(&r);
	/* min 0, max over MB_KEY_LEN_MAX, min over max: each refused at byte 16 */
	static const uint32_t bad[][2] = {{0, 16}, {8, MB_KEY_LEN_MAX + 1}, {17, 16}};
	for (size_t i = 0; i < 3; i++) {
		memcpy(buf + 16, &bad[i][0], 4); /* little-endian host: see the header */
		memcpy(buf + 20, &bad[i][1], 4);
		int rc = read_bytes(buf, len, 10, &r, &err);
		CHECK(rc == -EINVAL && err.offset == 16 && strstr(err.msg, "key lengths"),
		      "bad lengths %zu: rc %d at %llu '%s'", i, rc, (unsigned long long)err.offset,
		      err.msg);
	}
	/* int keys name no lengths */
	buf[12] = 0;
	int rc = read_bytes(buf, len, 10, &r, &err);
	CHECK(rc == -EINVAL && strstr(err.msg, "int keys: 0-0"), "int with lengths: '%s'", err.msg);
	free(buf);
}

/* A stream may take at most max_bytes: a read past it is -E2BIG with a
 * message, nothing kept; under it, the same stream reads. */
static void memory_bound(void)
{
	char text[64 * 12 + 1] = "";
	for (int i = 0; i < 64; i++)
		strcat(text, "load 1\n");
	struct mb_opstream s;
	struct mb_opstream_error err;
	FILE *f = fmemopen(text, strlen(text), "r");
	int rc = mb_opstream_read(f, 10, 1024, &s, &err);
	fclose(f);
	/* one task record and 64 ops of 32 bytes grow to 64 slots: 2048+ bytes */
	CHECK(rc == -E2BIG && strstr(err.msg, "memory") && s.tasks == NULL, "bounded: rc %d", rc);
	f = fmemopen(text, strlen(text), "r");
	rc = mb_opstream_read(f, 10, 1 << 20, &s, &err);
	fclose(f);
	CHECK(rc == 0 && mb_opstream_count(&s) == 64 && mb_opstream_bytes(&s) <= 1 << 20 &&
	      mb_opstream_bytes(&s) >= 64 * sizeof(struct mb_op), "under the bound: rc %d", rc);
	mb_opstream_free(&s);
	/* a binary header claiming more tasks than the bound: refused before allocating */
	struct mb_opstream big;
	CHECK(mb_opstream_init(&big, 1000, NULL) == 0, "init");
	struct mb_op op = {.key = 1, .kind = MB_OP_LOAD};
	mb_opstream_append(&big, 999, &op);
	size_t len = 0;
	char *buf = write_bytes(&big, MB_OPSTREAM_BINARY, &len);
	mb_opstream_free(&big);
	rc = buf ? read_bytes(buf, len, 10, &s, &err) : -ENOMEM;
	CHECK(rc == 0, "1000 tasks read");
	mb_opstream_free(&s);
	f = buf ? fmemopen(buf, len, "r") : NULL;
	rc = f ? mb_opstream_read(f, 10, 1000, &s, &err) : -ENOMEM;
	if (f)
		fclose(f);
	CHECK(rc == -E2BIG, "1000 task records over 1000 bytes: rc %d", rc);
	free(buf);
}

/* The composition as whole percents: rounding keeps the sum 100 and every
 * kind present at least 1. */
static void mix(void)
{
	struct mb_opstream s;
	CHECK(mb_opstream_init(&s, 2, NULL) == 0, "init");
	/* 995 loads, 4 stores, 1 cas: 99.5, 0.4, 0.1 percent */
	for (int i = 0; i < 1000; i++) {
		struct mb_op op = {.key = i, .kind = i < 995 ? MB_OP_LOAD : i < 999 ? MB_OP_STORE : MB_OP_CAS};
		mb_opstream_append(&s, (uint64_t)(i & 1), &op);
	}
	unsigned m[MB_OP_NKINDS];
	mb_opstream_mix(&s, m, MB_OP_NKINDS);
	unsigned sum = 0;
	for (int k = 0; k < MB_OP_NKINDS; k++)
		sum += m[k];
	CHECK(sum == 100 && m[MB_OP_LOAD] == 98 && m[MB_OP_STORE] == 1 && m[MB_OP_CAS] == 1 &&
	      m[MB_OP_DELETE] == 0, "mix %u/%u/%u sum %u", m[MB_OP_LOAD], m[MB_OP_STORE],
	      m[MB_OP_CAS], sum);
	mb_opstream_free(&s);
	/* thirds: 33.3 each, one of them gets the 100th point */
	CHECK(mb_opstream_init(&s, 1, NULL) == 0, "init");
	for (int i = 0; i < 3; i++) {
		struct mb_op op = {.key = i, .kind = (uint8_t)i};
		mb_opstream_append(&s, 0, &op);
	}
	mb_opstream_mix(&s, m, MB_OP_NKINDS);
	CHECK(m[0] + m[1] + m[2] == 100 && m[0] >= 33 && m[1] >= 33 && m[2] >= 33, "thirds");
	mb_opstream_free(&s);
}

/* A reserve makes room once: appends up to it move nothing, and the
 * stream's bytes count the room. */
static void reserve(void)
{
	struct mb_opstream s;
	CHECK(mb_opstream_init(&s, 2, NULL) == 0, "init");
	CHECK(mb_opstream_reserve(&s, 1, 1000) == 0 && s.tasks[1].cap == 1000, "reserved");
	CHECK(mb_opstream_bytes(&s) == 2 * sizeof(struct mb_opstream_task) + 1000 * sizeof(struct mb_op),
	      "bytes count the reserve");
	const struct mb_op *first = s.tasks[1].ops;
	struct mb_op op = {.key = 3, .kind = MB_OP_STORE, .val = 6};
	for (int i = 0; i < 1000; i++)
		CHECK(mb_opstream_append(&s, 1, &op) == 0, "append %d", i);
	CHECK(s.tasks[1].ops == first && s.tasks[1].cap == 1000, "no reallocation");
	CHECK(mb_opstream_reserve(&s, 2, 1) == -EINVAL, "no task 2");
	s.max_bytes = mb_opstream_bytes(&s);
	CHECK(mb_opstream_reserve(&s, 0, 1) == -E2BIG, "past max_bytes");
	mb_opstream_free(&s);
}

int main(void)
{
	reserve();
	round_trips();
	hand_written();
	malformed();
	comments();
	binary_key_lengths();
	memory_bound();
	mix();
	CHECK_DONE();
}
