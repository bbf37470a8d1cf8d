/* mapbench list: what mapbench knows (the map designs). */
#include "commands.h"

#include "maps/registry.h"
#include "measure/counters.h"
#include "workload.h"

#include <argp.h>
#include <stdio.h>
#include <string.h>

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
			mb_cmd_usage_error("list", "expected a topic: maps, events or workloads");
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

int mb_cmd_list(int argc, char **argv)
{
	static const struct argp_option options[] = {{0}};
	const struct argp argp = {options, parse_list, "TOPIC",
				  "List what mapbench knows.\vTopics:\n"
				  "  maps     the map designs, for run --map\n"
				  "  events   the libpfm4 events, for run -e, and whether they open here\n"
				  "  workloads the shipped workload files, for run -w",
				  NULL, NULL, NULL};
	struct list_args a = {0};
	argp_parse(&argp, argc, argv, 0, NULL, &a);
	if (strcmp(a.topic, "maps") == 0) {
		list_maps();
		return MB_EXIT_OK;
	}
	if (strcmp(a.topic, "events") == 0)
		return list_events();
	if (strcmp(a.topic, "workloads") == 0)
		return mb_workload_list();
	mb_cmd_usage_error("list", "unknown topic '%s' (expected maps, events or workloads)", a.topic);
}
