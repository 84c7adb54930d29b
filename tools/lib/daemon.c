/* Becoming a daemon, as xenstored and xenconsoled both do (ternctl.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ternctl.h"

int tc_daemonize(const char *pid_file)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		return -errno;
	if (pid > 0) {
		int rc = pid_file ? tc_write_pid_file(pid_file, pid) : 0;

		if (rc) {
			fprintf(stderr, "cannot write %s: %s\n", pid_file, strerror(-rc));
			kill(pid, SIGKILL);
			_exit(1);
		}
		_exit(0);
	}
	setsid();
	if (chdir("/"))
		return -errno;
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	return 0;
}

int tc_write_pid_file(const char *path, long pid)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	fprintf(f, "%ld\n", pid);
	return fclose(f) ? -errno : 0;
}
