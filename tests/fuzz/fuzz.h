/* Fuzz targets: each defines LLVMFuzzerTestOneInput.  Built with clang's
 * -fsanitize=fuzzer by `make fuzz`; built with replay.c into ordinary test
 * programs that run the checked-in corpus in `make check`.  A target aborts
 * on any disagreement, so both libFuzzer and the replay see a failure. */
#ifndef MB_TESTS_FUZZ_H
#define MB_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                  \
	do {                                                              \
		if (!(cond)) {                                            \
			fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                          \
		}                                                         \
	} while (0)

#endif
