/* Bounded whole-file reads: a file, an empty one, exactly the bound and one
 * byte more (from the size and from a pipe), devices and directories
 * refused before anything is read. */
#include "check.h"

#include "util/readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void write_file(const char *path, size_t n)
{
	FILE *f = fopen(path, "w");
	CHECK(f != NULL, "create %s", path);
	for (size_t i = 0; f && i < n; i++)
		fputc('a' + (int)(i % 26), f);
	if (f)
		fclose(f);
}

/* Reads path through a FIFO fed by a child with n bytes: the size of a pipe
 * is not known before it is read. */
static int read_pipe(const char *fifo, size_t n, size_t max, size_t *len)
{
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		int fd = open(fifo, O_WRONLY);
		for (size_t i = 0; fd >= 0 && i < n; i++)
			if (write(fd, "x", 1) != 1)
				break;
		_exit(0);
	}
	char *text;
	int rc = mb_readfile(fifo, max, &text, len);
	free(text);
	kill(pid, SIGKILL); /* a writer refused halfway need not finish */
	waitpid(pid, NULL, 0);
	return rc;
}

int main(void)
{
	char dir[] = "/tmp/mb-readfile-XXXXXX";
	CHECK(mkdtemp(dir) != NULL, "mkdtemp");
	char path[256], fifo[256], buf[128];
	snprintf(path, sizeof path, "%s/f", dir);
	snprintf(fifo, sizeof fifo, "%s/p", dir);
	char *text;
	size_t len;

	write_file(path, 100);
	CHECK(mb_readfile(path, 1000, &text, &len) == 0 && len == 100 && text[100] == '\0' &&
	      text[0] == 'a' && text[99] == 'a' + 99 % 26, "a file");
	free(text);
	CHECK(mb_readfile(path, 100, &text, &len) == 0 && len == 100, "exactly the bound");
	free(text);
	CHECK(mb_readfile(path, 99, &text, &len) == -EFBIG && text == NULL, "one byte over");
	write_file(path, 0);
	CHECK(mb_readfile(path, 10, &text, &len) == 0 && len == 0 && text[0] == '\0', "empty");
	free(text);
	/* A huge sparse file is refused from its size, without reading it. */
	CHECK(truncate(path, (off_t)1 << 40) == 0, "sparse");
	CHECK(mb_readfile(path, MB_READFILE_MAX, &text, &len) == -EFBIG, "a 1 TiB file");

	CHECK(mb_readfile(dir, 10, &text, &len) == -EISDIR, "a directory");
	CHECK(mb_readfile("/dev/zero", 10, &text, &len) == -ENODEV, "/dev/zero");
	CHECK(mb_readfile("/dev/null", 10, &text, &len) == -ENODEV, "/dev/null");
	snprintf(buf, sizeof buf, "%s/missing", dir);
	CHECK(mb_readfile(buf, 10, &text, &len) == -ENOENT, "missing");

	CHECK(mkfifo(fifo, 0600) == 0, "mkfifo");
	CHECK(read_pipe(fifo, 70000, 70000, &len) == 0 && len == 70000, "a pipe at the bound");
	CHECK(read_pipe(fifo, 70001, 70000, &len) == -EFBIG, "a pipe one byte over");
	CHECK(read_pipe(fifo, 1000000, 70000, &len) == -EFBIG, "an endless pipe");

	/* Streams: only regular files, and a FIFO is refused without waiting
	 * for a writer. */
	write_file(path, 10);
	FILE *f = mb_fopen_regular(AT_FDCWD, path);
	CHECK(f != NULL && fgetc(f) == 'a', "a regular file opens and reads");
	if (f)
		fclose(f);
	errno = 0;
	CHECK(mb_fopen_regular(AT_FDCWD, fifo) == NULL && errno == EINVAL, "a FIFO: %d", errno);
	CHECK(mb_fopen_regular(AT_FDCWD, "/dev/zero") == NULL && errno == EINVAL, "a device");
	CHECK(mb_fopen_regular(AT_FDCWD, dir) == NULL && errno == EISDIR, "a directory");
	CHECK(mb_fopen_regular(AT_FDCWD, buf) == NULL, "missing");

	CHECK(strstr(mb_readfile_strerror(-ENODEV, 10, buf, sizeof buf), "device") != NULL, "why");
	CHECK(strstr(mb_readfile_strerror(-EFBIG, MB_READFILE_MAX, buf, sizeof buf), "1024 MiB") != NULL,
	      "%s", buf);
	CHECK(strstr(mb_readfile_strerror(-EFBIG, 100, buf, sizeof buf), "100 bytes") != NULL, "%s", buf);
	CHECK(strcmp(mb_readfile_strerror(-ENOENT, 10, buf, sizeof buf), strerror(ENOENT)) == 0, "%s", buf);

	unlink(path);
	unlink(fifo);
	rmdir(dir);
	CHECK_DONE();
}
