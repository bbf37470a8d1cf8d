/* Runs a fuzz target over files and folders of inputs, for make check
 * without libFuzzer: the arguments, or with none the checked-in corpus
 * $MB_SRCDIR/tests/fuzz/corpus/FUZZ_NAME.  Exit 0 when every input ran (a
 * target aborts on a finding). */
#include "fuzz.h"

#include <dirent.h>
#include <string.h>
#include <sys/stat.h>

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return 1;
	}
	static uint8_t buf[1 << 20];
	size_t n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	return 0;
}

int main(int argc, char **argv)
{
	int inputs = 0, errors = 0;
	char corpus[4096];
	char *dflt[2] = {argv[0], corpus};
	if (argc < 2) {
		const char *src = getenv("MB_SRCDIR");
		snprintf(corpus, sizeof corpus, "%s/tests/fuzz/corpus/%s", src ? src : ".", FUZZ_NAME);
		argc = 2;
		argv = dflt;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			perror(argv[i]);
			return 1;
		}
		if (!S_ISDIR(st.st_mode)) {
			errors += run_file(argv[i]);
			inputs++;
			continue;
		}
		struct dirent **names;
		int n = scandir(argv[i], &names, NULL, alphasort);
		for (int j = 0; j < n; j++) {
			if (names[j]->d_name[0] != '.') {
				char path[4096];
				snprintf(path, sizeof path, "%s/%s", argv[i], names[j]->d_name);
				errors += run_file(path);
				inputs++;
			}
			free(names[j]);
		}
		free(names);
	}
	printf("%d inputs replayed\n", inputs);
	return errors || inputs == 0;
}
