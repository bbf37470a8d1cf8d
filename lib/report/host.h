/* mb_host: what machine a result was measured on, for the JSON's "host"
 * object and the table's footer.  Read once, after the runs.
 * Single-threaded; nothing is printed.
 */
#ifndef MB_REPORT_HOST_H
#define MB_REPORT_HOST_H

#include <stdint.h>

struct mb_host {
	char cpu_model[128];   /* /proc/cpuinfo "model name", or "unknown" */
	long cpus_online;
	uint64_t memory_bytes; /* physical memory */
	char kernel[200];      /* uname: sysname release machine */
	char compiler[96];     /* the compiler that built mapbench */
	char hostname[64];
	char date[32];         /* ISO 8601 UTC, e.g. 2026-11-24T19:00:00Z */
	char clock_source[32]; /* the kernel's current clocksource, or "unknown" */
};

/* Fills h.  Never fails: what cannot be read is "unknown" or 0. */
void mb_host_read(struct mb_host *h);

/* Writes the current UTC time as ISO 8601 into buf (at least 21 bytes). */
void mb_host_now_iso8601(char *buf, unsigned long size);

#endif
