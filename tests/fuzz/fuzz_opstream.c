/* The op-stream reader (mapbench run --replay) on any bytes: no crash, no
 * read past the end, memory within its bound; a refusal is -EINVAL with a
 * message and a position inside the input (a line for text, a byte offset
 * for binary) or -E2BIG, and leaves nothing behind; an accepted stream has
 * ops, kinds and keys in range, and reads back the same after being written
 * in either format. */
#include "fuzz.h"

#include "run/opstream.h"
#include "run/runner.h"

#include <errno.h>
#include <string.h>

#define KEYS 1000
#define MAX_BYTES (1u << 20)

static int read_mem(const void *data, size_t size, struct mb_opstream *s,
		    struct mb_opstream_error *err)
{
	FILE *f = fmemopen((void *)data, size, "r");
	if (!f)
		return -ENOMEM;
	int rc = mb_opstream_read(f, KEYS, MAX_BYTES, s, err);
	fclose(f);
	return rc;
}

static void same(const struct mb_opstream *a, const struct mb_opstream *b)
{
	FUZZ_CHECK(a->ntasks == b->ntasks);
	for (uint64_t t = 0; t < a->ntasks; t++) {
		FUZZ_CHECK(a->tasks[t].n == b->tasks[t].n);
		for (uint64_t i = 0; i < a->tasks[t].n; i++) {
			const struct mb_op *x = &a->tasks[t].ops[i], *y = &b->tasks[t].ops[i];
			FUZZ_CHECK(x->kind == y->kind && x->key == y->key && x->val == y->val &&
				   x->old == y->old);
		}
	}
}

static void round_trip(const struct mb_opstream *s, enum mb_opstream_format fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	FUZZ_CHECK(f && mb_opstream_write(f, s, fmt) == 0);
	fclose(f);
	struct mb_opstream back;
	struct mb_opstream_error err;
	/* the text form of a stream may need more lines than its binary
	 * bytes, never more memory than it holds */
	FILE *g = fmemopen(buf, len, "r");
	FUZZ_CHECK(g != NULL);
	int rc = mb_opstream_read(g, KEYS, 0, &back, &err);
	fclose(g);
	FUZZ_CHECK(rc == 0);
	/* text names no key type; trailing empty tasks are not written */
	if (fmt == MB_OPSTREAM_BINARY)
		same(s, &back);
	else
		FUZZ_CHECK(mb_opstream_count(&back) == mb_opstream_count(s));
	mb_opstream_free(&back);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mb_opstream s;
	struct mb_opstream_error err;
	int rc = read_mem(data, size, &s, &err);
	if (rc) {
		FUZZ_CHECK(rc == -EINVAL || rc == -E2BIG);
		FUZZ_CHECK(s.tasks == NULL && s.ntasks == 0);
		FUZZ_CHECK(err.msg[0] != '\0');
		/* the position lies in the input: a line at most its newlines
		 * + 1, an offset at most its size */
		uint64_t lines = 1;
		for (size_t i = 0; i < size; i++)
			lines += data[i] == '\n';
		FUZZ_CHECK(err.line <= lines && err.offset <= size);
		return 0;
	}
	FUZZ_CHECK(mb_opstream_count(&s) > 0 && mb_opstream_bytes(&s) <= MAX_BYTES);
	for (uint64_t t = 0; t < s.ntasks; t++)
		for (uint64_t i = 0; i < s.tasks[t].n; i++) {
			const struct mb_op *o = &s.tasks[t].ops[i];
			FUZZ_CHECK(o->kind < MB_OP_NKINDS && o->key >= 0 && o->key < KEYS);
		}
	unsigned mix[MB_OP_NKINDS], sum = 0;
	mb_opstream_mix(&s, mix, MB_OP_NKINDS);
	for (int k = 0; k < MB_OP_NKINDS; k++)
		sum += mix[k];
	FUZZ_CHECK(sum == 100);
	round_trip(&s, MB_OPSTREAM_BINARY);
	round_trip(&s, MB_OPSTREAM_TEXT);
	mb_opstream_free(&s);
	return 0;
}
