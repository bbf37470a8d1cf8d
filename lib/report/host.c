#include "report/host.h"

#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

/* Copies src into dst without its trailing newline or leading blanks. */
static void set_trimmed(char *dst, size_t size, const char *src)
{
	while (*src == ' ' || *src == '\t')
		src++;
	snprintf(dst, size, "%s", src);
	size_t n = strlen(dst);
	while (n > 0 && (dst[n - 1] == '\n' || dst[n - 1] == ' '))
		dst[--n] = '\0';
}

static void read_cpu_model(char *dst, size_t size)
{
	set_trimmed(dst, size, "unknown");
	FILE *f = fopen("/proc/cpuinfo", "r");
	if (!f)
		return;
	char line[512];
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, "model name", 10) == 0) {
			char *colon = strchr(line, ':');
			if (colon)
				set_trimmed(dst, size, colon + 1);
			break;
		}
	}
	fclose(f);
}

static void read_clock_source(char *dst, size_t size)
{
	set_trimmed(dst, size, "unknown");
	FILE *f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "r");
	if (!f)
		return;
	char line[64];
	if (fgets(line, sizeof line, f))
		set_trimmed(dst, size, line);
	fclose(f);
}

void mb_host_now_iso8601(char *buf, unsigned long size)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void mb_host_read(struct mb_host *h)
{
	memset(h, 0, sizeof *h);
	read_cpu_model(h->cpu_model, sizeof h->cpu_model);
	h->cpus_online = sysconf(_SC_NPROCESSORS_ONLN);
	long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
	if (pages > 0 && page > 0)
		h->memory_bytes = (uint64_t)pages * (uint64_t)page;
	struct utsname u;
	if (uname(&u) == 0)
		snprintf(h->kernel, sizeof h->kernel, "%s %s %s", u.sysname, u.release,
			 u.machine);
	else
		set_trimmed(h->kernel, sizeof h->kernel, "unknown");
#if defined(__clang__)
	snprintf(h->compiler, sizeof h->compiler, "clang %s", __clang_version__);
#elif defined(__GNUC__)
	snprintf(h->compiler, sizeof h->compiler, "gcc %s", __VERSION__);
#else
	set_trimmed(h->compiler, sizeof h->compiler, "unknown");
#endif
	if (gethostname(h->hostname, sizeof h->hostname) != 0)
		set_trimmed(h->hostname, sizeof h->hostname, "unknown");
	h->hostname[sizeof h->hostname - 1] = '\0';
	mb_host_now_iso8601(h->date, sizeof h->date);
	read_clock_source(h->clock_source, sizeof h->clock_source);
}
