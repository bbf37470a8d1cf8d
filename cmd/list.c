/* mapbench list: what mapbench knows (map designs, events, workloads,
 * export tables). */
#include "commands.h"

#include "lock/policy.h"
#include "maps/registry.h"
#include "run/options.h"
#include "util/readfile.h"
#include "measure/counters.h"
#include "report/export.h"
#include "workload_parse.h"

#include <argp.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct list_args {
	const char *topic;
};

static error_t parse_list(int key, char *arg, struct argp_state *state)
{
	struct list_args *a = state->input;
	switch (key) {
	case ARGP_KEY_ARG:
		if (a->topic)
			mb_cmd_usage_error("list", "unexpected argument '%s'", arg);
		a->topic = arg;
		return 0;
	case ARGP_KEY_END:
		if (!a->topic)
			mb_cmd_usage_error("list", "expected a topic: maps, locks, events, workloads, exports or options");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static void list_maps(void)
{
	printf("%-10s %-13s %s\n", "map", "concurrent", "what it is");
	for (size_t i = 0; i < mb_registry_count(); i++) {
		const struct mb_map_ops *m = mb_registry_at(i);
		const char *conc = (m->flags & MB_MAP_F_CONCURRENT) ? "yes"
				 : (m->flags & MB_MAP_F_DETECTS_MISUSE) ? "no (detects)"
				 : "no";
		printf("%-10s %-13s %s\n", m->name, conc, m->summary);
	}
}

static void list_locks(void)
{
	printf("%-8s %s\n", "lock", "what it is");
	for (size_t i = 0; i < MB_LOCK_NPOLICIES; i++)
		printf("%-8s %s\n", mb_lock_policies[i].name, mb_lock_policies[i].summary);
}

/* run's option table: what a workload file may set, what sweeps, and the
 * defaults, from the table itself. */
static void list_options(void)
{
	printf("%-16s %-6s %-5s %-5s %s\n", "option", "short", "sweep", "file", "default");
	for (size_t i = 0; i < MB_OPTID_N; i++) {
		const struct mb_option *o = mb_options_at((enum mb_opt_id)i);
		char s[4] = "";
		if (o->short_key)
			snprintf(s, sizeof s, "-%c", o->short_key);
		printf("--%-14s %-6s %-5s %-5s %s\n", o->name, s,
		       (o->flags & MB_OPTF_SWEEP) ? "yes" : "no",
		       (o->flags & MB_OPTF_NOFILE) ? "no" : "yes", o->def ? o->def : "-");
	}
}

static void print_event(const char *name, const char *desc, bool opens, void *arg)
{
	(void)arg;
	/* the first sentence of the description is enough for a listing */
	int len = (int)strcspn(desc, ".\n");
	printf("%-48s %-5s %.*s\n", name, opens ? "yes" : "no", len > 70 ? 70 : len, desc);
}

static int list_events(void)
{
	printf("%-48s %-5s %s\n", "event", "opens", "what it counts");
	if (mb_counters_list(print_event, NULL)) {
		fprintf(stderr, "mapbench: list events: libpfm4 could not start\n");
		return MB_EXIT_FAILURE;
	}
	return MB_EXIT_OK;
}

/* One line per export kind, from the kinds' table: what mapbench-plot
 * reads to learn the tables it may ask for. */
static void list_exports(void)
{
	printf("%-11s %s\n", "export", "what a row is");
	for (int k = 0; k < MB_EXPORT_NKINDS; k++)
		printf("%-11s %s\n", mb_export_kind_name(k), mb_export_kind_at(k)->summary);
}

/* The first line of the workload file name in dir, without its '#', into
 * out.  Returns false when name is not a regular file (a FIFO or a device
 * named *.conf must neither block the listing nor flood it); checked
 * before opening (opening a FIFO would disturb its writer) and again on
 * the open file (it may have been swapped in between). */
static bool describe_workload(int dir, const char *name, char *out, size_t size)
{
	struct stat st;
	out[0] = '\0';
	if (fstatat(dir, name, &st, 0) != 0 || !S_ISREG(st.st_mode))
		return false;
	FILE *f = mb_fopen_regular(dir, name);
	if (!f) /* swapped for a non-file meanwhile: not listed; else no description */
		return errno != EINVAL && errno != EISDIR;
	char line[512];
	if (fgets(line, sizeof line, f) && line[0] == '#')
		snprintf(out, size, "%s", mb_workload_trim(line + 1));
	fclose(f);
	return true;
}

/* The workload files (NAME.conf) of the first folder that has any. */
static void list_workloads(void)
{
	printf("%-16s %s\n", "workload", "what it runs");
	for (const char *const *d = mb_cmd_workload_dirs(); *d; d++) {
		struct dirent **names = NULL;
		int n = scandir(*d, &names, NULL, alphasort);
		int dir = n > 0 ? open(*d, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
		bool any = false;
		for (int i = 0; i < n; i++) {
			const char *name = names[i]->d_name;
			size_t len = strlen(name);
			char desc[512];
			if (dir >= 0 && len > 5 && strcmp(name + len - 5, ".conf") == 0 &&
			    describe_workload(dir, name, desc, sizeof desc)) {
				printf("%-16.*s %s\n", (int)(len - 5), name, desc);
				any = true;
			}
			free(names[i]);
		}
		free(names);
		if (dir >= 0)
			close(dir);
		if (any)
			return;
	}
}

int mb_cmd_list(int argc, char **argv)
{
	static const struct argp_option options[] = {{0}};
	const struct argp argp = {options, parse_list, "TOPIC",
				  "List what mapbench knows.\vTopics:\n"
				  "  maps      the map designs, for run --map\n"
				  "  locks     the lock policies, for run --lock\n"
				  "  events    the libpfm4 events, for run -e, and whether they open here\n"
				  "  workloads the shipped workload files, for run -w\n"
				  "  exports   the tables of mapbench export --what\n"
				  "  options   run's options: short form, sweep, settable by a workload file, default",
				  NULL, NULL, NULL};
	struct list_args a = {0};
	argp_parse(&argp, argc, argv, 0, NULL, &a);
	int status = MB_EXIT_OK;
	if (strcmp(a.topic, "maps") == 0)
		list_maps();
	else if (strcmp(a.topic, "locks") == 0)
		list_locks();
	else if (strcmp(a.topic, "options") == 0)
		list_options();
	else if (strcmp(a.topic, "events") == 0)
		status = list_events();
	else if (strcmp(a.topic, "workloads") == 0)
		list_workloads();
	else if (strcmp(a.topic, "exports") == 0)
		list_exports();
	else
		mb_cmd_usage_error("list", "unknown topic '%s' (expected maps, locks, events, workloads, exports or options)",
				   a.topic);
	/* a listing that did not reach stdout (a full disk, /dev/full, a
	 * closed pipe) is a failure, never a silent loss */
	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "mapbench: list %s: cannot write to stdout: %s\n", a.topic,
			errno ? strerror(errno) : "write error");
		return MB_EXIT_FAILURE;
	}
	return status;
}
