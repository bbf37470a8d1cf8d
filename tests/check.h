/* check.h: the smallest test helper that does the job.
 *
 * CHECK(cond, fmt, ...) reports a failed condition with file:line and a
 * message on stderr and counts it; CHECK_DONE() ends main with the verdict.
 * Single-threaded use only (the counter is not atomic).
 */
#ifndef MB_TESTS_CHECK_H
#define MB_TESTS_CHECK_H

#include <stdio.h>

static int check_failures;

#define CHECK(cond, ...)                                                  \
	do {                                                              \
		if (!(cond)) {                                            \
			check_failures++;                                 \
			fprintf(stderr, "%s:%d: check failed: %s: ",      \
				__FILE__, __LINE__, #cond);               \
			fprintf(stderr, __VA_ARGS__);                     \
			fputc('\n', stderr);                              \
		}                                                         \
	} while (0)

#define CHECK_DONE()                                                      \
	do {                                                              \
		if (check_failures) {                                     \
			fprintf(stderr, "%d check(s) failed\n",           \
				check_failures);                          \
			return 1;                                         \
		}                                                         \
		return 0;                                                 \
	} while (0)

#endif
