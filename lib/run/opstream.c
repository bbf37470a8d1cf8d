/* Recorded op streams: see opstream.h. */
#include "run/opstream.h"

#include "run/runner.h"
#include "util/parse.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The longest text line: an op and three 20-digit numbers fit many times. */
#define LINE_MAX_LEN 4096

int mb_opstream_init(struct mb_opstream *s, uint64_t ntasks, const struct mb_keyspec *key_type)
{
	memset(s, 0, sizeof *s);
	if (ntasks == 0 || ntasks > MB_OPSTREAM_MAX_TASKS)
		return -EINVAL;
	s->tasks = calloc(ntasks, sizeof *s->tasks);
	if (!s->tasks)
		return -ENOMEM;
	s->ntasks = ntasks;
	s->bytes = ntasks * sizeof *s->tasks;
	if (key_type)
		s->key_type = *key_type;
	return 0;
}

void mb_opstream_free(struct mb_opstream *s)
{
	for (uint64_t t = 0; t < s->ntasks && s->tasks; t++)
		free(s->tasks[t].ops);
	free(s->tasks);
	memset(s, 0, sizeof *s);
}

/* Makes room for task t (growing the task array when a text stream names
 * a higher task than seen so far). */
/* Whether the stream may hold extra more bytes (its max_bytes). */
static bool room_for(const struct mb_opstream *s, uint64_t extra)
{
	return !s->max_bytes || mb_opstream_bytes(s) + extra <= s->max_bytes;
}

static int ensure_task(struct mb_opstream *s, uint64_t t)
{
	if (t < s->ntasks)
		return 0;
	if (t >= MB_OPSTREAM_MAX_TASKS)
		return -EINVAL;
	if (!room_for(s, (t + 1 - s->ntasks) * sizeof *s->tasks))
		return -E2BIG;
	struct mb_opstream_task *nt = realloc(s->tasks, (t + 1) * sizeof *nt);
	if (!nt)
		return -ENOMEM;
	memset(nt + s->ntasks, 0, (t + 1 - s->ntasks) * sizeof *nt);
	s->bytes += (t + 1 - s->ntasks) * sizeof *nt;
	s->tasks = nt;
	s->ntasks = t + 1;
	return 0;
}

/* Grows task t's op array to hold cap ops. */
static int grow_ops(struct mb_opstream *s, struct mb_opstream_task *t, uint64_t cap)
{
	if (!room_for(s, (cap - t->cap) * sizeof *t->ops))
		return -E2BIG;
	struct mb_op *ops = realloc(t->ops, cap * sizeof *ops);
	if (!ops)
		return -ENOMEM;
	t->ops = ops;
	s->bytes += (cap - t->cap) * sizeof *ops;
	t->cap = cap;
	return 0;
}

int mb_opstream_reserve(struct mb_opstream *s, uint64_t task, uint64_t n)
{
	if (task >= s->ntasks)
		return -EINVAL;
	struct mb_opstream_task *t = &s->tasks[task];
	if (n <= t->cap - t->n)
		return 0;
	if (n > UINT64_MAX / sizeof(struct mb_op) - t->n)
		return -ENOMEM;
	return grow_ops(s, t, t->n + n);
}

int mb_opstream_append(struct mb_opstream *s, uint64_t task, const struct mb_op *op)
{
	if (task >= s->ntasks || op->kind >= MB_OP_NKINDS || op->key < 0)
		return -EINVAL;
	struct mb_opstream_task *t = &s->tasks[task];
	if (t->n == t->cap) {
		int rc = grow_ops(s, t, t->cap ? t->cap * 2 : 16);
		if (rc)
			return rc;
	}
	t->ops[t->n++] = *op;
	return 0;
}

uint64_t mb_opstream_count(const struct mb_opstream *s)
{
	uint64_t n = 0;
	for (uint64_t t = 0; t < s->ntasks; t++)
		n += s->tasks[t].n;
	return n;
}

uint64_t mb_opstream_bytes(const struct mb_opstream *s)
{
	return s->bytes;
}

/* How many values an op kind names: store-like 1 (the value), cas 2 (old,
 * new), cad 1 (old), the rest 0. */
static int nvalues(unsigned kind)
{
	switch (kind) {
	case MB_OP_STORE:
	case MB_OP_LOAD_OR_STORE:
	case MB_OP_SWAP:
	case MB_OP_CAD:
		return 1;
	case MB_OP_CAS:
		return 2;
	default:
		return 0;
	}
}

/* ---- binary ---------------------------------------------------------------- */

static int put_u(FILE *f, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		if (putc((int)((v >> (8 * i)) & 0xff), f) == EOF)
			return -EIO;
	return 0;
}

static int put_uleb(FILE *f, uint64_t v)
{
	do {
		unsigned char b = v & 0x7f;
		v >>= 7;
		if (putc(v ? b | 0x80 : b, f) == EOF)
			return -EIO;
	} while (v);
	return 0;
}

static int put_sleb(FILE *f, int64_t v)
{
	return put_uleb(f, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

static int write_binary(FILE *f, const struct mb_opstream *s)
{
	if (fwrite(MB_OPSTREAM_MAGIC, 1, 8, f) != 8)
		return -EIO;
	int rc = put_u(f, MB_OPSTREAM_VERSION, 4) || put_u(f, s->key_type.type, 1) ||
		 put_u(f, 0, 3) || put_u(f, s->key_type.min_len, 4) ||
		 put_u(f, s->key_type.max_len, 4) || put_u(f, s->ntasks, 8);
	for (uint64_t t = 0; !rc && t < s->ntasks; t++) {
		const struct mb_opstream_task *tk = &s->tasks[t];
		rc = put_u(f, tk->n, 8);
		for (uint64_t i = 0; !rc && i < tk->n; i++) {
			const struct mb_op *op = &tk->ops[i];
			rc = put_u(f, op->kind, 1) || put_uleb(f, (uint64_t)op->key);
			if (!rc && op->kind == MB_OP_CAS)
				rc = put_sleb(f, op->old) || put_sleb(f, op->val);
			else if (!rc && nvalues(op->kind))
				rc = put_sleb(f, op->val);
		}
	}
	return rc ? -EIO : 0;
}

/* A binary reader: bytes and their offset. */
struct breader {
	FILE *f;
	uint64_t off;
	struct mb_opstream_error *err;
};

static int failf(struct mb_opstream_error *err, uint64_t line, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int failf(struct mb_opstream_error *err, uint64_t line, uint64_t off, const char *fmt, ...)
{
	if (err) {
		err->line = line;
		err->offset = off;
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static int get_byte(struct breader *r, unsigned *b)
{
	int c = getc(r->f);
	if (c == EOF)
		return ferror(r->f) ? -EIO
				    : failf(r->err, 0, r->off, "truncated: the stream ends inside a record");
	r->off++;
	*b = (unsigned)c;
	return 0;
}

static int get_u(struct breader *r, int bytes, uint64_t *v)
{
	*v = 0;
	for (int i = 0; i < bytes; i++) {
		unsigned b = 0;
		int rc = get_byte(r, &b);
		if (rc)
			return rc;
		*v |= (uint64_t)b << (8 * i);
	}
	return 0;
}

static int get_uleb(struct breader *r, uint64_t *v)
{
	uint64_t at = r->off;
	*v = 0;
	for (int shift = 0;; shift += 7) {
		unsigned b = 0;
		int rc = get_byte(r, &b);
		if (rc)
			return rc;
		if (shift == 63 && b > 1)
			return failf(r->err, 0, at, "a number longer than 64 bits");
		*v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return 0;
	}
}

static int get_sleb(struct breader *r, int64_t *v)
{
	uint64_t u;
	int rc = get_uleb(r, &u);
	*v = (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
	return rc;
}

static int read_binary(FILE *f, uint64_t keys, uint64_t max_bytes, struct mb_opstream *s,
		       struct mb_opstream_error *err)
{
	struct breader r = {f, 8, err}; /* the magic is read */
	uint64_t version, type, pad, lo, hi, ntasks;
	int rc = get_u(&r, 4, &version);
	if (rc)
		return rc;
	if (version != MB_OPSTREAM_VERSION)
		return failf(err, 0, 8, "version %" PRIu64 " is not supported (this mapbench reads version %d)",
			     version, MB_OPSTREAM_VERSION);
	if ((rc = get_u(&r, 1, &type)) || (rc = get_u(&r, 3, &pad)) || (rc = get_u(&r, 4, &lo)) ||
	    (rc = get_u(&r, 4, &hi)))
		return rc;
	if (type > MB_KEY_STRING || pad)
		return failf(err, 0, 12, "bad key type %" PRIu64, type);
	if (type == MB_KEY_INT ? lo || hi : lo < 1 || lo > hi || hi > MB_KEY_LEN_MAX)
		return failf(err, 0, 16, "bad key lengths %" PRIu64 "-%" PRIu64
			     " (int keys: 0-0; string keys: 1 to %d)", lo, hi, MB_KEY_LEN_MAX);
	uint64_t at = r.off;
	if ((rc = get_u(&r, 8, &ntasks)))
		return rc;
	if (ntasks == 0 || ntasks > MB_OPSTREAM_MAX_TASKS)
		return failf(err, 0, at, "%" PRIu64 " tasks (1 to %" PRIu64 ")", ntasks,
			     MB_OPSTREAM_MAX_TASKS);
	struct mb_keyspec kt = {.type = (enum mb_key_type)type, .min_len = (uint32_t)lo,
				.max_len = (uint32_t)hi};
	if (max_bytes && ntasks * sizeof(struct mb_opstream_task) > max_bytes)
		return -E2BIG;
	if ((rc = mb_opstream_init(s, ntasks, &kt)))
		return rc;
	s->key_type_named = true;
	s->max_bytes = max_bytes;
	for (uint64_t t = 0; t < ntasks; t++) {
		uint64_t n;
		if ((rc = get_u(&r, 8, &n)))
			return rc;
		for (uint64_t i = 0; i < n; i++) {
			struct mb_op op = {0};
			uint64_t kind, key;
			at = r.off;
			if ((rc = get_u(&r, 1, &kind)))
				return rc;
			if (kind >= MB_OP_NKINDS)
				return failf(err, 0, at, "bad op kind %" PRIu64, kind);
			op.kind = (uint8_t)kind;
			if ((rc = get_uleb(&r, &key)))
				return rc;
			if (key > INT64_MAX || (keys && key >= keys))
				return failf(err, 0, at, "key %" PRIu64 " out of range [0, %" PRIu64 ")", key, keys);
			op.key = (int64_t)key;
			if (kind == MB_OP_CAS)
				rc = get_sleb(&r, &op.old);
			if (!rc && nvalues(op.kind))
				rc = get_sleb(&r, &op.val);
			if (rc)
				return rc;
			if ((rc = mb_opstream_append(s, t, &op)))
				return rc;
		}
	}
	if (getc(f) != EOF)
		return failf(err, 0, r.off, "bytes after the last task");
	return ferror(f) ? -EIO : 0;
}

/* ---- text ------------------------------------------------------------------ */

static int write_text(FILE *f, const struct mb_opstream *s)
{
	for (uint64_t t = 0; t < s->ntasks; t++)
		for (uint64_t i = 0; i < s->tasks[t].n; i++) {
			const struct mb_op *op = &s->tasks[t].ops[i];
			int n = fprintf(f, "%" PRIu64 " %s", t, mb_op_kind_name(op->kind));
			if (n >= 0 && op->kind != MB_OP_RANGE)
				n = fprintf(f, " %" PRId64, op->key);
			if (n >= 0 && op->kind == MB_OP_CAS)
				n = fprintf(f, " %" PRId64 " %" PRId64, op->old, op->val);
			else if (n >= 0 && nvalues(op->kind))
				n = fprintf(f, " %" PRId64, op->val);
			if (n < 0 || putc('\n', f) == EOF)
				return -EIO;
		}
	return ferror(f) ? -EIO : 0;
}

/* A decimal int64 with an optional leading minus. */
static bool parse_i64(const char *s, int64_t *out)
{
	bool neg = *s == '-';
	const char *d = s + neg;
	if (!mb_parse_is_digits(d) || strlen(d) > 19)
		return false;
	uint64_t v = strtoull(d, NULL, 10);
	if (v > (uint64_t)INT64_MAX + neg)
		return false;
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return true;
}

static int parse_line(char *line, uint64_t lineno, uint64_t keys, struct mb_opstream *s,
		      struct mb_opstream_error *err)
{
	char *tok[6];
	int n = 0;
	line += strspn(line, " \t\r");
	if (*line == '#') /* a comment, whatever it says */
		return 0;
	for (char *p = strtok(line, " \t\r"); p; p = strtok(NULL, " \t\r")) {
		if (n == 6)
			return failf(err, lineno, 0, "too many fields");
		tok[n++] = p;
	}
	if (n == 0)
		return 0;
	uint64_t task = 0;
	int i = 0;
	if (mb_parse_is_digits(tok[0])) {
		if (strlen(tok[0]) > 8 || (task = strtoull(tok[0], NULL, 10)) >= MB_OPSTREAM_MAX_TASKS)
			return failf(err, lineno, 0, "task %s out of range [0, %" PRIu64 ")", tok[0],
				     MB_OPSTREAM_MAX_TASKS);
		i = 1;
		if (n == 1)
			return failf(err, lineno, 0, "an op must follow the task number");
	}
	unsigned kind = 0;
	while (kind < MB_OP_NKINDS && strcmp(tok[i], mb_op_kind_names[kind]) != 0)
		kind++;
	if (kind == MB_OP_NKINDS)
		return failf(err, lineno, 0, "unknown op '%.40s' (load, store, delete, load_or_store, load_and_delete, swap, cas, cad, range)",
			     tok[i]);
	int given = n - i - 1, want_key = kind != MB_OP_RANGE, want_vals = nvalues(kind);
	/* store-like values may be left out; cas and cad name theirs */
	int min = want_key + (kind == MB_OP_CAS || kind == MB_OP_CAD ? want_vals : 0);
	int max = want_key + want_vals;
	if (given < min)
		return failf(err, lineno, 0, "%s needs %s", tok[i],
			     kind == MB_OP_CAS ? "KEY OLD NEW" : kind == MB_OP_CAD ? "KEY OLD" : "a KEY");
	if (given > max)
		return failf(err, lineno, 0, "%s takes at most %d operand%s", tok[i], max,
			     max == 1 ? "" : "s");
	int rc = ensure_task(s, task);
	if (rc)
		return rc;
	struct mb_op op = {.kind = (uint8_t)kind,
			   .val = want_vals ? (int64_t)s->tasks[task].n : 0};
	if (want_key) {
		const char *k = tok[i + 1];
		if (!mb_parse_is_digits(k) || strlen(k) > 19 || strtoull(k, NULL, 10) > INT64_MAX)
			return failf(err, lineno, 0, "bad key '%.40s' (a key index from 0)", k);
		op.key = (int64_t)strtoull(k, NULL, 10);
		if (keys && (uint64_t)op.key >= keys)
			return failf(err, lineno, 0, "key %" PRId64 " out of range [0, %" PRIu64 ")", op.key,
				     keys);
	}
	for (int v = 0; v < given - want_key; v++) {
		int64_t x;
		if (!parse_i64(tok[i + 2 + v], &x))
			return failf(err, lineno, 0, "bad value '%.40s' (a decimal int64)", tok[i + 2 + v]);
		if (kind == MB_OP_CAS && v == 0)
			op.old = x;
		else
			op.val = x;
	}
	return mb_opstream_append(s, task, &op);
}

static int read_text(FILE *f, const char *head, size_t nhead, uint64_t keys, uint64_t max_bytes,
		     struct mb_opstream *s,
		     struct mb_opstream_error *err)
{
	struct mb_keyspec int_keys = {.type = MB_KEY_INT};
	int rc = mb_opstream_init(s, 1, &int_keys);
	if (rc)
		return rc;
	s->max_bytes = max_bytes;
	char *line = malloc(LINE_MAX_LEN + 2);
	if (!line)
		return -ENOMEM;
	size_t len = 0;
	uint64_t lineno = 1;
	/* the bytes already read to tell the format, then the rest */
	for (size_t i = 0;; i++) {
		int c = i < nhead ? (unsigned char)head[i] : getc(f);
		if (c == EOF && ferror(f)) {
			rc = -EIO;
			break;
		}
		if (c == EOF || c == '\n') {
			line[len] = '\0';
			if (strlen(line) != len) {
				rc = failf(err, lineno, 0, "a NUL byte: not a text stream");
				break;
			}
			if ((rc = parse_line(line, lineno, keys, s, err)))
				break;
			if (c == EOF)
				break;
			len = 0;
			lineno++;
			continue;
		}
		if (len == LINE_MAX_LEN) {
			rc = failf(err, lineno, 0, "line longer than %d characters", LINE_MAX_LEN);
			break;
		}
		line[len++] = (char)c;
	}
	free(line);
	if (!rc && mb_opstream_count(s) == 0)
		rc = failf(err, lineno, 0, "no op in the stream");
	return rc;
}

int mb_opstream_write(FILE *f, const struct mb_opstream *s, enum mb_opstream_format fmt)
{
	int rc = fmt == MB_OPSTREAM_TEXT ? write_text(f, s) : write_binary(f, s);
	if (!rc && fflush(f) != 0)
		rc = -EIO;
	return rc;
}

int mb_opstream_read(FILE *f, uint64_t keys, uint64_t max_bytes, struct mb_opstream *s,
		     struct mb_opstream_error *err)
{
	memset(s, 0, sizeof *s);
	if (err)
		memset(err, 0, sizeof *err);
	char head[8];
	size_t n = fread(head, 1, sizeof head, f);
	if (n < sizeof head && ferror(f))
		return -EIO;
	int rc = n == sizeof head && memcmp(head, MB_OPSTREAM_MAGIC, 8) == 0
		? read_binary(f, keys, max_bytes, s, err)
		: read_text(f, head, n, keys, max_bytes, s, err);
	if (rc == -E2BIG)
		failf(err, 0, 0, "the stream needs more than the %" PRIu64 " MiB of memory it may take",
		      max_bytes >> 20);
	if (rc)
		mb_opstream_free(s);
	return rc;
}

void mb_opstream_mix(const struct mb_opstream *s, unsigned *mix, size_t nkinds)
{
	uint64_t count[MB_OP_NKINDS] = {0}, total = 0;
	for (uint64_t t = 0; t < s->ntasks; t++)
		for (uint64_t i = 0; i < s->tasks[t].n; i++)
			count[s->tasks[t].ops[i].kind]++;
	for (size_t k = 0; k < MB_OP_NKINDS; k++)
		total += count[k];
	for (size_t k = 0; k < nkinds; k++)
		mix[k] = 0;
	if (!total || nkinds < MB_OP_NKINDS)
		return;
	/* whole percents rounded down, at least 1 for a kind present; then
	 * the points left go to the largest remainders, or the points over
	 * 100 come off the largest shares */
	unsigned sum = 0;
	for (size_t k = 0; k < MB_OP_NKINDS; k++) {
		if (!count[k])
			continue;
		uint64_t p = count[k] * 100 / total;
		mix[k] = p ? (unsigned)p : 1;
		sum += mix[k];
	}
	while (sum < 100) {
		size_t best = 0;
		uint64_t best_rem = 0;
		for (size_t k = 0; k < MB_OP_NKINDS; k++) {
			/* what the kind's share exceeds its points by, in 1/total */
			uint64_t want = count[k] * 100, have = (uint64_t)mix[k] * total;
			uint64_t rem = want > have ? want - have : 0;
			if (count[k] && rem >= best_rem) {
				best = k;
				best_rem = rem;
			}
		}
		mix[best]++;
		sum++;
	}
	while (sum > 100) {
		size_t best = 0;
		for (size_t k = 1; k < MB_OP_NKINDS; k++)
			if (mix[k] > mix[best])
				best = k;
		mix[best]--;
		sum--;
	}
}
