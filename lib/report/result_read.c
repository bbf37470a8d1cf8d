/* Loading and checking a result document: see result_read.h. */
#include "report/result_read.h"
#include "report/result_json.h"
#include "util/readfile.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void mb_result_errorf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static bool is_int(const json_t *o, const char *key)
{
	return json_is_integer(json_object_get(o, key));
}

/* The shape every reader relies on (see the header); the document is freed
 * and NULL returned when it is not there. */
static json_t *check(json_t *doc, char *err, size_t errlen)
{
	if (!json_is_object(doc)) {
		mb_result_errorf(err, errlen, "not a mapbench result: the document is not a JSON object");
		goto bad;
	}
	const json_t *schema = json_object_get(doc, "schema");
	if (!json_is_string(schema)) {
		mb_result_errorf(err, errlen, "not a mapbench result: no \"schema\" member");
		goto bad;
	}
	if (strcmp(json_string_value(schema), MB_RESULT_SCHEMA) != 0) {
		mb_result_errorf(err, errlen, "schema '%.64s' is not supported (expected %s)",
				 json_string_value(schema), MB_RESULT_SCHEMA);
		goto bad;
	}
	const json_t *runs = json_object_get(doc, "runs");
	if (!json_is_array(runs)) {
		mb_result_errorf(err, errlen, "\"runs\" is missing or not an array");
		goto bad;
	}
	size_t i;
	const json_t *run;
	json_array_foreach(runs, i, run) {
		if (!json_is_object(run) || !json_is_string(json_object_get(run, "map")) ||
		    !is_int(run, "threads") || !is_int(run, "procs") || !is_int(run, "rep")) {
			mb_result_errorf(err, errlen,
					 "runs[%zu] lacks one of map (string), threads, procs, rep (integers)", i);
			goto bad;
		}
	}
	return doc;
bad:
	json_decref(doc);
	return NULL;
}

static json_t *parse_failed(const json_error_t *je, char *err, size_t errlen)
{
	mb_result_errorf(err, errlen, "line %d, column %d: %s", je->line, je->column, je->text);
	return NULL;
}

json_t *mb_result_parse(const char *text, size_t len, char *err, size_t errlen)
{
	json_error_t je;
	json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!doc)
		return parse_failed(&je, err, errlen);
	return check(doc, err, errlen);
}

/* Errors that opening a path gives, as against reading it. */
static bool open_error(int rc)
{
	return rc == -ENOENT || rc == -EACCES || rc == -EPERM || rc == -ENOTDIR ||
	       rc == -ELOOP || rc == -ENAMETOOLONG;
}

json_t *mb_result_load(const char *path, char *err, size_t errlen)
{
	char *text;
	size_t len;
	int rc = mb_readfile(path, MB_READFILE_MAX, &text, &len);
	if (rc) {
		char why[128];
		mb_result_errorf(err, errlen, "cannot %s: %s", open_error(rc) ? "open" : "read",
				 mb_readfile_strerror(rc, MB_READFILE_MAX, why, sizeof why));
		errno = -rc;
		return NULL;
	}
	json_error_t je;
	json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	free(text);
	if (!doc) {
		/* jansson leaves the error empty (line -1) on some allocation
		 * failures, and says so on others */
		if (json_error_code(&je) == json_error_out_of_memory || !je.text[0]) {
			mb_result_errorf(err, errlen, "out of memory loading %zu bytes", len);
			errno = ENOMEM;
			return NULL;
		}
		parse_failed(&je, err, errlen);
		errno = EINVAL;
		return NULL;
	}
	doc = check(doc, err, errlen);
	if (!doc)
		errno = EINVAL;
	return doc;
}

const char *mb_result_label_lock(const char *policy)
{
	return policy && strcmp(policy, "go") != 0 ? policy : NULL;
}

int mb_result_run_label(const json_t *run, char *buf, size_t n)
{
	const char *map = json_string_value(json_object_get(run, "map"));
	/* "lock" is null for a design without a lock, absent before --lock */
	const char *lock = mb_result_label_lock(
		json_string_value(json_object_get(json_object_get(run, "lock"), "policy")));
	return snprintf(buf, n, "%s%s%s/threads=%" JSON_INTEGER_FORMAT "/procs=%" JSON_INTEGER_FORMAT,
			map ? map : "?", lock ? "/lock=" : "", lock ? lock : "",
			json_integer_value(json_object_get(run, "threads")),
			json_integer_value(json_object_get(run, "procs")));
}
