/*
 * Keeping a daemon alive (ternctl.h): the supervisor forks the worker and
 * starts it again when it dies, so a crash of a backend costs its guests
 * the requests in flight, not their disks or networks.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ternctl.h"

static volatile sig_atomic_t stop_signal;
static volatile pid_t worker;

static void forward(int sig)
{
	stop_signal = sig;
	if (worker > 0)
		kill(worker, sig);
}

int tc_supervise(const struct tc_supervise_opts *o, int (*fn)(void *arg), void *arg)
{
	struct sigaction sa;
	time_t window_start = 0;
	unsigned deaths = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = forward;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	for (;;) {
		char msg[160];
		int status;
		pid_t pid = fork();

		if (pid < 0)
			return -errno;
		if (pid == 0) {
			signal(SIGTERM, SIG_DFL);
			signal(SIGINT, SIG_DFL);
			_exit(fn(arg) ? 1 : 0);
		}
		worker = pid;
		if (o->worker_pid_file) {
			FILE *f = fopen(o->worker_pid_file, "w");

			if (f) {
				fprintf(f, "%ld\n", (long)pid);
				fclose(f);
			}
		}
		while (waitpid(pid, &status, 0) < 0)
			if (errno != EINTR)
				return -errno;
		worker = 0;
		if (stop_signal)
			return 0;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			return 0;
		if (WIFSIGNALED(status))
			snprintf(msg, sizeof(msg), "%s (pid %ld) killed by signal %d", o->name,
				 (long)pid, WTERMSIG(status));
		else
			snprintf(msg, sizeof(msg), "%s (pid %ld) exited with status %d", o->name,
				 (long)pid, WEXITSTATUS(status));
		if (o->log)
			o->log(msg);
		/* Give up on a worker that cannot stay up. */
		if (time(NULL) - window_start > o->window_s) {
			window_start = time(NULL);
			deaths = 0;
		}
		if (++deaths > o->max_restarts) {
			snprintf(msg, sizeof(msg), "%s died %u times within %u s: not restarting it",
				 o->name, deaths, o->window_s);
			if (o->log)
				o->log(msg);
			return -ECHILD;
		}
		snprintf(msg, sizeof(msg), "restarting %s", o->name);
		if (o->log)
			o->log(msg);
		sleep(deaths > 1 ? 1 : 0);
	}
}
