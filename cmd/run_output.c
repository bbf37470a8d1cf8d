/* mapbench run's outputs and signals: see run_output.h. */
#include "run_output.h"
#include "commands.h"

#include "report/result_csv.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

atomic_int mb_run_interrupted;
static atomic_int signals_seen;

/* write(2) of a string literal: what a handler may print. */
#define SAY(s) ((void)!write(STDERR_FILENO, s, sizeof s - 1))

static void on_signal(int sig)
{
	int n = atomic_fetch_add_explicit(&signals_seen, 1, memory_order_relaxed) + 1;
	if (n == 1) {
		atomic_store_explicit(&mb_run_interrupted, sig, memory_order_relaxed);
		SAY("mapbench: interrupted: stopping the run and writing what was measured\n");
	} else if (n == 2) {
		SAY("mapbench: still writing what was measured; a third signal quits without it\n");
	} else {
		_exit(128 + atomic_load_explicit(&mb_run_interrupted, memory_order_relaxed));
	}
}

void mb_run_signals_install(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	/* one handler at a time: the first signal's number is the exit status */
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	sigaddset(&sa.sa_mask, SIGHUP);
	/* a signal while the results are written must not fail the writes */
	sa.sa_flags = SA_RESTART;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* a reader that went away is an EPIPE on stdout, not the end */
	signal(SIGPIPE, SIG_IGN);
}

static void open_one(const char *opt, const char *path, struct mb_atomic_file **f)
{
	int rc = mb_atomic_open(path, f);
	if (rc)
		mb_cmd_usage_error(opt, "cannot write '%s': %s", path, mb_atomic_strerror(rc));
}

void mb_run_output_open(struct mb_run_output *o)
{
	if (o->output)
		open_one("--output", o->output, &o->out_file);
	if (o->csv)
		open_one("--csv", o->csv, &o->csv_file);
	o->rescue = stdout;
	if (o->json_stdout)
		o->table = NULL;
	else
		o->table = o->output || o->csv ? stderr : stdout;
}

void mb_run_output_rescue_to_stderr(struct mb_run_output *o)
{
	o->rescue = stderr;
}

static const char *stream_name(const FILE *f)
{
	return f == stdout ? "stdout" : "stderr";
}

/* The first error writing stdout, for check_stdout's message. */
static int stdout_errno;

static void put(FILE *f, const char *text)
{
	errno = 0;
	if ((fputs(text, f) == EOF || fflush(f) != 0) && f == stdout && !stdout_errno)
		stdout_errno = errno;
}

/* The table, --format json and a rescued result go to stdout: a stdout
 * that could not take them (a full disk, /dev/full, a closed pipe) is a
 * failure, never a silent loss.  Returns 0 or 1. */
static int check_stdout(void)
{
	errno = 0;
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	int err = stdout_errno ? stdout_errno : errno;
	fprintf(stderr, "mapbench: stdout: cannot write the results: %s\n",
		err ? strerror(err) : "write error");
	return 1;
}

/* The JSON to -o and/or stdout; if -o fails, to the rescue stream (stdout
 * unless --record writes there), so nothing measured is lost.  Sets
 * *on_stdout when stdout got it.  Returns 0 or 1. */
static int emit_json(struct mb_run_output *o, const struct mb_result *res, bool *on_stdout)
{
	char *text = mb_result_dump(res);
	if (!text) {
		fprintf(stderr, "mapbench: cannot build the JSON result: out of memory\n");
		return 1;
	}
	int status = 0;
	bool to_stdout = o->json_stdout;
	if (o->out_file) {
		int rc = mb_atomic_commit(o->out_file, text, strlen(text));
		if (rc) {
			fprintf(stderr, "mapbench: --output: cannot write '%s': %s; "
					"the JSON result follows on %s\n",
				o->output, mb_atomic_strerror(rc), stream_name(o->rescue));
			status = 1;
			/* with --format json stdout gets it below anyway */
			if (o->rescue == stdout)
				to_stdout = true;
			else
				put(o->rescue, text);
		}
	}
	if (to_stdout) {
		put(stdout, text);
		*on_stdout = true;
	}
	free(text);
	return status;
}

/* The CSV to --csv; if that fails, to the rescue stream, or to stderr when
 * stdout already carries the JSON (one document there).  Returns 0 or 1. */
static int emit_csv(struct mb_run_output *o, const struct mb_result *res, bool json_on_stdout)
{
	char *text = mb_result_csv(res);
	if (!text) {
		fprintf(stderr, "mapbench: cannot build the CSV result: out of memory\n");
		return 1;
	}
	int rc = mb_atomic_commit(o->csv_file, text, strlen(text));
	if (rc) {
		FILE *to = json_on_stdout ? stderr : o->rescue;
		fprintf(stderr, "mapbench: --csv: cannot write '%s': %s; the CSV follows on %s\n",
			o->csv, mb_atomic_strerror(rc), stream_name(to));
		put(to, text);
	}
	free(text);
	return rc ? 1 : 0;
}

/* Closes an output; a target written in place may report its write error
 * only now (a file on NFS).  Returns 0 or 1. */
static int close_one(const char *opt, const char *path, struct mb_atomic_file **f)
{
	int rc = mb_atomic_close(*f);
	*f = NULL;
	if (!rc)
		return 0;
	fprintf(stderr, "mapbench: %s: cannot write '%s': %s\n", opt, path, strerror(-rc));
	return 1;
}

int mb_run_output_finish(struct mb_run_output *o, const struct mb_result *res)
{
	int status = 0;
	bool json_on_stdout = false;
	if ((o->out_file || o->json_stdout) && emit_json(o, res, &json_on_stdout))
		status = 1;
	if (o->csv_file && emit_csv(o, res, json_on_stdout))
		status = 1;
	if (check_stdout())
		status = 1;
	if (o->out_file && close_one("--output", o->output, &o->out_file))
		status = 1;
	if (o->csv_file && close_one("--csv", o->csv, &o->csv_file))
		status = 1;
	return status;
}
