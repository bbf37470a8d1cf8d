/* Loading result documents back: the shape checks, the error messages,
 * files that are missing, directories or truncated, and run labels. */
#include "check.h"

#include "report/result_read.h"
#include "util/readfile.h"

#include <errno.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char good[] =
	"{\"schema\": \"mapbench/1\", \"runs\": ["
	"{\"map\": \"sync\", \"threads\": 1000, \"procs\": 2, \"rep\": 1, \"ops_per_s\": 5e6},"
	"{\"map\": \"plain\", \"threads\": 1, \"procs\": 1, \"rep\": 2}]}";

/* Parses text and checks that it fails with a message containing want. */
static void expect_error(const char *text, const char *want)
{
	char err[256] = "";
	json_t *doc = mb_result_parse(text, strlen(text), err, sizeof err);
	CHECK(doc == NULL, "accepted: %s", text);
	json_decref(doc);
	CHECK(strstr(err, want) != NULL, "message '%s' lacks '%s'", err, want);
}

static void check_parse(void)
{
	char err[256] = "";
	json_t *doc = mb_result_parse(good, strlen(good), err, sizeof err);
	CHECK(doc != NULL, "a good document: %s", err);
	if (doc) {
		char label[64];
		json_t *runs = json_object_get(doc, "runs");
		mb_result_run_label(json_array_get(runs, 0), label, sizeof label);
		CHECK(strcmp(label, "sync/threads=1000/procs=2") == 0, "label %s", label);
		mb_result_run_label(json_array_get(runs, 1), label, sizeof label);
		CHECK(strcmp(label, "plain/threads=1/procs=1") == 0, "label %s", label);
		int n = mb_result_run_label(json_array_get(runs, 0), label, 5);
		CHECK(n == 25 && strcmp(label, "sync") == 0, "cut label %d '%s'", n, label);
		json_decref(doc);
	}

	/* The text is not required to be terminated: parse a prefix. */
	doc = mb_result_parse(good, strlen(good) - 3, err, sizeof err);
	CHECK(doc == NULL && strstr(err, "line 1") != NULL, "truncated: %s", err);
	json_decref(doc);

	expect_error("", "line 1");
	expect_error("[1, 2]", "not a JSON object");
	expect_error("{\"runs\": []}", "no \"schema\"");
	expect_error("{\"schema\": \"mapbench/2\", \"runs\": []}",
		     "schema 'mapbench/2' is not supported (expected mapbench/1)");
	expect_error("{\"schema\": \"mapbench/1\"}", "\"runs\" is missing");
	expect_error("{\"schema\": \"mapbench/1\", \"runs\": {}}", "not an array");
	expect_error("{\"schema\": \"mapbench/1\", \"runs\": [{\"map\": \"x\", \"threads\": 1,"
		     " \"procs\": 1}]}", "runs[0] lacks");
	expect_error("{\"schema\": \"mapbench/1\", \"runs\": [{\"map\": 1, \"threads\": 1,"
		     " \"procs\": 1, \"rep\": 1}]}", "runs[0] lacks");
	expect_error("{\"schema\": \"mapbench/1\", \"schema\": \"mapbench/1\", \"runs\": []}",
		     "duplicate");
	/* An empty runs array is a valid (if useless) result. */
	static const char empty[] = "{\"schema\": \"mapbench/1\", \"runs\": []}";
	doc = mb_result_parse(empty, strlen(empty), err, sizeof err);
	CHECK(doc != NULL, "empty runs: %s", err);
	json_decref(doc);
}

static void check_load(void)
{
	char dir[] = "/tmp/mb-result-read-XXXXXX";
	CHECK(mkdtemp(dir) != NULL, "mkdtemp");
	char path[128], err[256] = "";
	snprintf(path, sizeof path, "%s/r.json", dir);

	FILE *f = fopen(path, "w");
	CHECK(f != NULL, "create %s", path);
	if (f) {
		fputs(good, f);
		fclose(f);
	}
	json_t *doc = mb_result_load(path, err, sizeof err);
	CHECK(doc != NULL && json_array_size(json_object_get(doc, "runs")) == 2, "load: %s", err);
	json_decref(doc);

	doc = mb_result_load(dir, err, sizeof err);
	CHECK(doc == NULL && strstr(err, "cannot read") != NULL, "a directory: %s", err);
	json_decref(doc);

	/* A device is refused before it is read (/dev/zero would fill the
	 * memory); errno says what kind of failure it was. */
	errno = 0;
	doc = mb_result_load("/dev/zero", err, sizeof err);
	CHECK(doc == NULL && errno == ENODEV && strstr(err, "cannot read: a device") != NULL,
	      "/dev/zero: %s", err);
	f = fopen(path, "w");
	if (f) {
		fputs("{\"schema\": 1}", f);
		fclose(f);
	}
	errno = 0;
	doc = mb_result_load(path, err, sizeof err);
	CHECK(doc == NULL && errno == EINVAL, "not a result: errno %d", errno);
	/* larger than the bound, known from its size */
	CHECK(truncate(path, (off_t)MB_READFILE_MAX + 1) == 0, "truncate");
	doc = mb_result_load(path, err, sizeof err);
	CHECK(doc == NULL && errno == EFBIG && strstr(err, "larger than 1024 MiB") != NULL,
	      "too large: %s", err);

	unlink(path);
	doc = mb_result_load(path, err, sizeof err);
	CHECK(doc == NULL && strstr(err, "cannot open: No such file") != NULL, "missing: %s", err);
	json_decref(doc);
	rmdir(dir);
}

static void check_errorf(void)
{
	char err[8];
	mb_result_errorf(err, sizeof err, "line %d: %s", 12, "too long");
	CHECK(strcmp(err, "line 12") == 0, "cut and terminated: '%s'", err);
	mb_result_errorf(NULL, 10, "x");  /* nothing to write into */
	err[0] = 'z';
	mb_result_errorf(err, 0, "x");
	CHECK(err[0] == 'z', "errlen 0 writes nothing");
}

/* A lock other than Go's is part of the label; Go's lock, a design without
 * a lock (null) and a result from before --lock (absent) label alike. */
static void check_lock_label(void)
{
	static const char spin[] = "spin";
	CHECK(mb_result_label_lock(spin) == spin, "spin is named");
	CHECK(mb_result_label_lock("pthread") != NULL, "pthread is named");
	CHECK(mb_result_label_lock("go") == NULL, "go is not named");
	CHECK(mb_result_label_lock(NULL) == NULL, "no lock is not named");

	static const struct {
		const char *lock, *want;
	} cases[] = {
		{"", "locked/threads=2/procs=1"},
		{", \"lock\": null", "locked/threads=2/procs=1"},
		{", \"lock\": {\"policy\": \"go\"}", "locked/threads=2/procs=1"},
		{", \"lock\": {\"policy\": \"spin\"}", "locked/lock=spin/threads=2/procs=1"},
		{", \"lock\": {\"policy\": \"pthread\"}",
		 "locked/lock=pthread/threads=2/procs=1"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char text[256], err[256] = "", label[64] = "";
		snprintf(text, sizeof text,
			 "{\"schema\": \"mapbench/1\", \"runs\": [{\"map\": \"locked\","
			 " \"threads\": 2, \"procs\": 1, \"rep\": 1%s}]}", cases[i].lock);
		json_t *doc = mb_result_parse(text, strlen(text), err, sizeof err);
		CHECK(doc != NULL, "case %zu: %s", i, err);
		if (!doc)
			continue;
		int n = mb_result_run_label(json_array_get(json_object_get(doc, "runs"), 0),
					    label, sizeof label);
		CHECK(strcmp(label, cases[i].want) == 0 && n == (int)strlen(cases[i].want),
		      "case %zu: label '%s' (%d), want '%s'", i, label, n, cases[i].want);
		json_decref(doc);
	}
}

int main(void)
{
	check_lock_label();
	check_errorf();
	check_parse();
	check_load();
	CHECK_DONE();
}
