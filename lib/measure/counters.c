/* Counters over libpfm4 and perf_event_open.  See counters.h. */
#include "measure/counters.h"

#include <perfmon/pfmlib_perf_event.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

struct mb_counters {
	size_t n;
	char name[MB_COUNTERS_MAX][128];
	struct perf_event_attr attr[MB_COUNTERS_MAX];
};

static pthread_once_t pfm_once = PTHREAD_ONCE_INIT;
static int pfm_rc;

static void pfm_start(void)
{
	pfm_rc = pfm_initialize();
}

static int init_pfm(void)
{
	pthread_once(&pfm_once, pfm_start);
	return pfm_rc == PFM_SUCCESS ? 0 : -ENODEV;
}

/* Encode name for user space only (PFM_PLM3): what perf_event_paranoid 2
 * allows anyone; root gets kernel counting for software events below. */
static int encode(const char *name, struct perf_event_attr *attr)
{
	memset(attr, 0, sizeof *attr);
	pfm_perf_encode_arg_t arg;
	memset(&arg, 0, sizeof arg);
	arg.attr = attr;
	arg.size = sizeof arg;
	int rc = pfm_get_os_event_encoding(name, PFM_PLM3, PFM_OS_PERF_EVENT, &arg);
	if (rc != PFM_SUCCESS)
		return -EINVAL;
	attr->size = sizeof *attr;
	attr->disabled = 1;
	/* report how long it counted, to scale a multiplexed count */
	attr->read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
	return 0;
}

int mb_counters_resolve(const char *const *names, size_t n, struct mb_counters **out,
			size_t *bad)
{
	if (n > MB_COUNTERS_MAX)
		return -EINVAL;
	int rc = init_pfm();
	if (rc)
		return rc;
	struct mb_counters *c = calloc(1, sizeof *c);
	if (!c)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (strlen(names[i]) >= sizeof c->name[i] || encode(names[i], &c->attr[i])) {
			*bad = i;
			free(c);
			return -EINVAL;
		}
		strcpy(c->name[i], names[i]);
	}
	c->n = n;
	*out = c;
	return 0;
}

void mb_counters_free(struct mb_counters *c)
{
	free(c);
}

size_t mb_counters_count(const struct mb_counters *c)
{
	return c ? c->n : 0;
}

const char *mb_counters_name(const struct mb_counters *c, size_t i)
{
	return i < c->n ? c->name[i] : NULL;
}

static int open_event(struct perf_event_attr *attr)
{
	/* this thread, any CPU */
	return (int)syscall(SYS_perf_event_open, attr, 0, -1, -1, 0);
}

void mb_counters_open(const struct mb_counters *c, struct mb_counter_group *g)
{
	g->n = c ? c->n : 0;
	for (size_t i = 0; i < g->n; i++) {
		struct perf_event_attr attr = c->attr[i];
		/* Software events (context switches) happen in the kernel:
		 * count kernel time too when allowed, else user time only. */
		if (attr.type == PERF_TYPE_SOFTWARE) {
			attr.exclude_kernel = 0;
			attr.exclude_hv = 0;
		}
		int fd = open_event(&attr);
		if (fd < 0 && attr.type == PERF_TYPE_SOFTWARE) {
			attr = c->attr[i];
			fd = open_event(&attr);
		}
		g->fd[i] = fd;
		g->err[i] = fd < 0 ? errno : 0;
	}
}

void mb_counters_start(struct mb_counter_group *g)
{
	for (size_t i = 0; i < g->n; i++)
		if (g->fd[i] >= 0) {
			ioctl(g->fd[i], PERF_EVENT_IOC_RESET, 0);
			ioctl(g->fd[i], PERF_EVENT_IOC_ENABLE, 0);
		}
}

void mb_counters_stop(struct mb_counter_group *g)
{
	for (size_t i = 0; i < g->n; i++)
		if (g->fd[i] >= 0)
			ioctl(g->fd[i], PERF_EVENT_IOC_DISABLE, 0);
}

void mb_counters_read(struct mb_counter_group *g, uint64_t *values)
{
	for (size_t i = 0; i < g->n; i++) {
		uint64_t v[3] = {0, 0, 0}; /* value, time enabled, time running */
		values[i] = 0;
		if (g->fd[i] < 0 || read(g->fd[i], v, sizeof v) != (ssize_t)sizeof v)
			continue;
		if (v[2] && v[2] < v[1])
			values[i] = (uint64_t)((double)v[0] * (double)v[1] / (double)v[2]);
		else
			values[i] = v[0];
	}
}

void mb_counters_close(struct mb_counter_group *g)
{
	for (size_t i = 0; i < g->n; i++)
		if (g->fd[i] >= 0)
			close(g->fd[i]);
	g->n = 0;
}

int mb_counters_list(void (*fn)(const char *name, const char *desc, bool opens, void *arg),
		     void *arg)
{
	if (init_pfm())
		return -ENODEV;
	pfm_pmu_t pmu;
	pfm_for_all_pmus(pmu) {
		pfm_pmu_info_t pinfo;
		memset(&pinfo, 0, sizeof pinfo);
		pinfo.size = sizeof pinfo;
		if (pfm_get_pmu_info(pmu, &pinfo) != PFM_SUCCESS || !pinfo.is_present)
			continue;
		for (int e = pinfo.first_event; e != -1; e = pfm_get_event_next(e)) {
			pfm_event_info_t info;
			memset(&info, 0, sizeof info);
			info.size = sizeof info;
			if (pfm_get_event_info(e, PFM_OS_PERF_EVENT, &info) != PFM_SUCCESS)
				continue;
			char name[256];
			snprintf(name, sizeof name, "%s::%s", pinfo.name, info.name);
			struct perf_event_attr attr;
			bool opens = false;
			if (encode(name, &attr) == 0) {
				int fd = open_event(&attr);
				opens = fd >= 0;
				if (fd >= 0)
					close(fd);
			}
			fn(name, info.desc ? info.desc : "", opens, arg);
		}
	}
	return 0;
}
