/* mapbench run's op streams: see run_stream.h. */
#include "run_stream.h"
#include "commands.h"

#include "run/options.h"
#include "util/readfile.h"
#include "util/samefile.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void load_replay(struct mb_run_stream *st, struct mb_sweep *sw, uint64_t avail)
{
	FILE *f = mb_fopen_regular(AT_FDCWD, sw->replay);
	if (!f)
		mb_cmd_usage_error("--replay", "cannot read '%s': %s", sw->replay,
				   errno == EINVAL ? "not a regular file" : strerror(errno));
	struct mb_opstream_error err;
	int rc = mb_opstream_read(f, sw->keys, avail, &st->replay, &err);
	fclose(f);
	if (rc == -EINVAL && err.line)
		mb_cmd_usage_error("--replay", "%s:%" PRIu64 ": %s", sw->replay, err.line, err.msg);
	if (rc == -EINVAL)
		mb_cmd_usage_error("--replay", "%s: byte %" PRIu64 ": %s", sw->replay, err.offset,
				   err.msg);
	if (rc == -E2BIG)
		mb_cmd_usage_error("--replay", "%s: %s", sw->replay, err.msg);
	if (rc)
		mb_cmd_usage_error("--replay", "cannot read '%s': %s", sw->replay, strerror(-rc));
	if (mb_sweep_set_replay(sw, &st->replay)) {
		char given[64], named[64];
		mb_keyspec_format(&sw->key_type, given, sizeof given);
		mb_keyspec_format(&st->replay.key_type, named, sizeof named);
		mb_cmd_usage_error("--key-type", "%s, but the stream in '%s' has %s keys", given,
				   sw->replay, named);
	}
	struct mb_opt_error oerr;
	if (mb_options_check_key_space(sw, &oerr)) /* the stream's key type */
		mb_cmd_usage_error(oerr.what, "%s (the key type of '%s')", oerr.message, sw->replay);
}

void mb_run_stream_open(struct mb_run_stream *st, struct mb_sweep *sw, uint64_t avail)
{
	memset(st, 0, sizeof *st);
	if (sw->replay)
		load_replay(st, sw, avail);
	if (!sw->record)
		return;
	int rc = mb_atomic_open(sw->record, &st->record_file);
	if (rc)
		mb_cmd_usage_error("--record", "cannot write '%s': %s", sw->record,
				   mb_atomic_strerror(rc));
	if (mb_opstream_init(&st->record, sw->threads[0], &sw->key_type)) {
		fprintf(stderr, "mapbench: out of memory\n");
		exit(MB_EXIT_FAILURE);
	}
	sw->recording = &st->record;
}

void mb_run_stream_check_stdio(const struct mb_sweep *sw, struct mb_run_output *out)
{
	bool on_stdout = mb_samefile_fd(sw->record, STDOUT_FILENO);
	if (!on_stdout && !mb_samefile_fd(sw->record, STDERR_FILENO))
		return;
	if (on_stdout)
		mb_run_output_rescue_to_stderr(out);
	bool stdout_results = out->json_stdout || out->table == stdout ||
			      mb_samefile_fd(sw->output, STDOUT_FILENO) ||
			      mb_samefile_fd(sw->csv, STDOUT_FILENO);
	if (stdout_results && on_stdout)
		mb_cmd_usage_error("--record", "'%s' is also standard output, which carries the "
				   "results: give --record a file of its own", sw->record);
	if (out->table == stderr && mb_samefile_fd(sw->record, STDERR_FILENO))
		mb_cmd_usage_error("--record", "'%s' is also standard error, which carries the "
				   "table: give --record a file of its own", sw->record);
}

/* Text when the name ends in .txt, else binary. */
static enum mb_opstream_format format_of(const char *path)
{
	size_t n = strlen(path);
	return n >= 4 && strcmp(path + n - 4, ".txt") == 0 ? MB_OPSTREAM_TEXT : MB_OPSTREAM_BINARY;
}

int mb_run_stream_finish(struct mb_run_stream *st, const struct mb_sweep *sw)
{
	int status = 0;
	if (st->record_file) {
		char *buf = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&buf, &len);
		int rc = m ? mb_opstream_write(m, &st->record, format_of(sw->record)) : -ENOMEM;
		if (m && fclose(m) != 0 && !rc)
			rc = -ENOMEM;
		if (!rc)
			rc = mb_atomic_commit(st->record_file, buf, len);
		int crc = mb_atomic_close(st->record_file);
		if (!rc)
			rc = crc;
		if (rc) {
			fprintf(stderr, "mapbench: --record: cannot write '%s': %s\n", sw->record,
				mb_atomic_strerror(rc));
			status = 1;
		}
		free(buf);
		st->record_file = NULL;
	}
	mb_opstream_free(&st->record);
	mb_opstream_free(&st->replay);
	return status;
}
