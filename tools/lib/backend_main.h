/*
 * What every dom0 backend daemon (tern-blkback, tern-netback) does around
 * its event loop: the same options, background start, pid files, a log
 * file, and a supervisor that starts the worker again when it dies
 * (tc_supervise), so a crash costs guests what was in flight, not their
 * devices.
 *
 *   <name> [-N|--no-fork] [--pid-file=FILE] [--worker-pid-file=FILE]
 *          [--log=FILE|-] [--state-dir=DIR] [--no-supervise]
 */
#ifndef TERN_TOOLS_BACKEND_MAIN_H
#define TERN_TOOLS_BACKEND_MAIN_H

struct tc_backend_opts {
	int no_fork, no_supervise;
	const char *pid_file, *worker_pid_file, *log, *state_dir;
};

struct tc_backend_desc {
	const char *name;              /* "tern-netback": usage and log lines */
	const char *default_log;
	const char *default_state_dir;
	/* The worker: returns 0 when stopped by a signal, non-zero after an error. */
	int (*run)(const struct tc_backend_opts *o);
};

/* Parses the options, daemonizes, supervises run(); main's exit status. */
int tc_backend_main(int argc, char **argv, const struct tc_backend_desc *d);

/* One log line, "<date> <name>[<pid>]: <message>", to stderr (the log file),
 * <name> being the daemon's (tc_backend_desc). */
void tc_backend_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* xbe_ops.log for a daemon: the xenbus layer's messages in its log. */
struct xbe;
void tc_backend_xbe_log(struct xbe *b, const char *msg);

/*
 * The event loop's steps every backend shares. fds[0] is xenstore's
 * descriptor (xbe_xs_fd), fds[1] the event channels' (xbe_evtchn_fd), the
 * rest the daemon's own. tc_backend_poll() waits for them unless xenstore
 * has work queued already: 1 when their revents are set, 0 to go round
 * again (a signal), -1 after an error (logged). Once the daemon has served
 * its own, tc_backend_xenbus() serves the event channels and xenstore: 0,
 * or -1 when xenstore is lost (logged). tc_backend_stopping() logs why the
 * loop ended and gives the worker's result (0: stopped by a signal).
 */
struct pollfd;
int tc_backend_poll(struct xbe *b, struct pollfd *fds, unsigned n, int timeout_ms);
int tc_backend_xenbus(struct xbe *b, const struct pollfd *fds);
int tc_backend_stopping(void);

/* Set by SIGTERM/SIGINT in a worker that called tc_backend_catch_signals(). */
extern volatile int tc_backend_stop;
void tc_backend_catch_signals(void);

#endif
