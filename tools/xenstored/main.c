/*
 * xenstored for tern: Xen's xenstore protocol on a unix socket (and on domain
 * rings once the hypervisor interface exists), with the store journaled to
 * disk so the daemon can be restarted.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "journal.h"
#include "log.h"
#include "loop.h"
#include "sock.h"
#include "ternctl.h"
#include "xen_ring.h"

struct xs_main_opts {
	bool no_fork, no_domain_init, verbose, no_journal, fsync;
	const char *pid_file, *trace_file, *log_file;
	const char *root_dir, *socket_path;
};

static struct xs_loop_signals xs_main_signals;

static void xs_main_on_signal(int sig)
{
	if (sig == SIGUSR1)
		xs_main_signals.dump = 1;
	else
		xs_main_signals.stop = 1;
}

static void xs_main_usage(FILE *f)
{
	fprintf(f,
		"Usage: xenstored [options]\n"
		"  -N, --no-fork           stay in the foreground, log to stderr\n"
		"  -F, --pid-file FILE     write the daemon's pid to FILE\n"
		"  -T, --trace-file FILE   record every message in FILE\n"
		"  -V, --verbose           record every message in the log\n"
		"  -D, --no-domain-init    do not look for a hypervisor\n"
		"  -L, --log-file FILE     log here (default: stderr with -N,\n"
		"                          else /var/log/xen/xenstored.log)\n"
		"  -E, --entry-nb N        nodes per domain (1000)\n"
		"  -S, --entry-size N      bytes per node (2048)\n"
		"  -W, --watch-nb N        watches per domain (128)\n"
		"  -t, --transaction N     open transactions per domain (10)\n"
		"  -A, --perm-nb N         permission entries per node (5)\n"
		"  -M, --path-max N        path length below a domain's home (2048)\n"
		"  -Q, --quota NAME=N      any quota: nodes, watches, transactions,\n"
		"                          outstanding, node-size, permissions,\n"
		"                          path-max, transaction-nodes (0: no limit)\n"
		"  -K, --keep-orphans      on release give a domain's nodes to dom0\n"
		"      --no-journal        keep the store in memory only\n"
		"      --fsync=always|never  fdatasync the journal before replying\n"
		"                          (default always)\n"
		"  -H, --help\n"
		"Environment: XENSTORED_PATH (socket), XENSTORED_RUNDIR (socket\n"
		"directory, default /run/xenstored), XENSTORED_ROOTDIR (journal,\n"
		"default /var/lib/xenstored).\n");
}

static int xs_main_quota(struct xs_daemon *d, const char *name, const char *arg)
{
	char *end;
	unsigned long v = strtoul(arg, &end, 10);

	if (*end || !*arg)
		return -EINVAL;
	return xs_quota_set(&d->quota, name, v);
}

/* 0: parsed; 1: exit successfully (help); -EINVAL: bad usage. */
static int xs_main_parse(int argc, char **argv, struct xs_main_opts *o, struct xs_daemon *d)
{
	enum { OPT_NO_JOURNAL = 256, OPT_FSYNC };
	static const struct option longopts[] = {
		{ "no-fork", no_argument, NULL, 'N' },
		{ "pid-file", required_argument, NULL, 'F' },
		{ "trace-file", required_argument, NULL, 'T' },
		{ "verbose", no_argument, NULL, 'V' },
		{ "no-domain-init", no_argument, NULL, 'D' },
		{ "log-file", required_argument, NULL, 'L' },
		{ "entry-nb", required_argument, NULL, 'E' },
		{ "entry-size", required_argument, NULL, 'S' },
		{ "watch-nb", required_argument, NULL, 'W' },
		{ "transaction", required_argument, NULL, 't' },
		{ "perm-nb", required_argument, NULL, 'A' },
		{ "path-max", required_argument, NULL, 'M' },
		{ "quota", required_argument, NULL, 'Q' },
		{ "keep-orphans", no_argument, NULL, 'K' },
		{ "no-journal", no_argument, NULL, OPT_NO_JOURNAL },
		{ "fsync", required_argument, NULL, OPT_FSYNC },
		{ "help", no_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "NF:T:VDL:E:S:W:t:A:M:Q:KH", longopts, NULL)) !=
	       -1) {
		rc = 0;
		switch (opt) {
		case 'N': o->no_fork = true; break;
		case 'F': o->pid_file = optarg; break;
		case 'T': o->trace_file = optarg; break;
		case 'V': o->verbose = true; break;
		case 'D': o->no_domain_init = true; break;
		case 'L': o->log_file = optarg; break;
		case 'E': rc = xs_main_quota(d, "nodes", optarg); break;
		case 'S': rc = xs_main_quota(d, "node-size", optarg); break;
		case 'W': rc = xs_main_quota(d, "watches", optarg); break;
		case 't': rc = xs_main_quota(d, "transactions", optarg); break;
		case 'A': rc = xs_main_quota(d, "permissions", optarg); break;
		case 'M': rc = xs_main_quota(d, "path-max", optarg); break;
		case 'Q': rc = xs_quota_set_arg(&d->quota, optarg); break;
		case 'K': d->keep_orphans = true; break;
		case OPT_NO_JOURNAL: o->no_journal = true; break;
		case OPT_FSYNC:
			if (!strcmp(optarg, "always"))
				o->fsync = true;
			else if (!strcmp(optarg, "never"))
				o->fsync = false;
			else
				rc = -EINVAL;
			break;
		case 'H':
			xs_main_usage(stdout);
			return 1;
		default:
			rc = -EINVAL;
		}
		if (rc) {
			if (opt != '?')
				fprintf(stderr, "xenstored: bad value for option -%c: %s\n",
					opt < 256 ? opt : '-', optarg);
			xs_main_usage(stderr);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		xs_main_usage(stderr);
		return -EINVAL;
	}
	return 0;
}

/* Loads the journal, or starts a new store; either way the log is compacted. */
static int xs_main_store(struct xs_daemon *d, struct xs_journal *j, const struct xs_main_opts *o)
{
	size_t dropped = 0;
	int rc;

	if (o->no_journal) {
		xs_log("journal off: the store lives in memory only");
		return xs_tree_setup(&d->tree);
	}
	rc = xs_journal_open(j, o->root_dir, o->fsync);
	if (rc) {
		xs_log("cannot use %s: %s", o->root_dir, strerror(-rc));
		return rc;
	}
	rc = xs_journal_load(j, &d->tree, &d->domains, &dropped);
	if (rc == -ENOENT) {
		xs_log("no journal in %s: new store", o->root_dir);
		rc = xs_tree_setup(&d->tree);
	} else if (!rc) {
		xs_log("store restored from %s: %zu nodes, %zu domains", j->path,
		       xs_tree_count(&d->tree), d->domains.n);
	}
	if (rc) {
		xs_log("cannot load %s: %s", j->path, strerror(-rc));
		return rc;
	}
	/* A fresh file without any torn tail, before anything is appended. */
	rc = xs_journal_compact(j, &d->tree, &d->domains);
	if (rc)
		return rc;
	xs_daemon_set_journal(d, j);
	xs_log("journal %s, fsync %s", j->path,
	       o->fsync ? "before every reply batch" : "never (survives a daemon crash, "
						     "not a power cut)");
	return 0;
}

static void xs_main_hypervisor(struct xs_daemon *d, const struct xs_main_opts *o)
{
	size_t i;

	if (o->no_domain_init) {
		xs_log("--no-domain-init: serving unix socket clients only");
	} else if (access("/dev/xen/privcmd", F_OK)) {
		xs_log("no hypervisor (/dev/xen/privcmd missing): serving unix socket clients only");
	} else {
		int rc = xs_xen_init(d);

		if (rc == 0)
			return;
		xs_log("cannot use the hypervisor (%s): serving unix socket clients only",
		       strerror(-rc));
	}
	for (i = 0; i < d->domains.n; i++)
		xs_log("domain %u is introduced (restored); its ring is not attached",
		       d->domains.v[i].domid);
}

/* $XENSTORED_PATH, else $XENSTORED_RUNDIR/socket, else Xen's default. */
static const char *xs_main_socket_path(char *buf, size_t size)
{
	const char *p = getenv("XENSTORED_PATH");
	const char *dir = getenv("XENSTORED_RUNDIR");

	if (p && *p)
		return p;
	snprintf(buf, size, "%s/socket", dir && *dir ? dir : "/run/xenstored");
	mkdir(dir && *dir ? dir : "/run/xenstored", 0755);
	return buf;
}

int main(int argc, char **argv)
{
	struct xs_main_opts o = { .fsync = true };
	static struct xs_daemon d;
	static struct xs_journal j = { .fd = -1 };
	struct sigaction sa = { .sa_handler = xs_main_on_signal };
	FILE *log = NULL, *trace = NULL;
	char sockbuf[4096];
	int lfd = -1, rc;

	if (xs_daemon_init(&d)) {
		fprintf(stderr, "xenstored: out of memory\n");
		return 1;
	}
	rc = xs_main_parse(argc, argv, &o, &d);
	if (rc)
		return rc > 0 ? 0 : 2;
	o.root_dir = getenv("XENSTORED_ROOTDIR");
	if (!o.root_dir || !*o.root_dir)
		o.root_dir = "/var/lib/xenstored";
	o.socket_path = xs_main_socket_path(sockbuf, sizeof(sockbuf));
	if (!o.log_file && !o.no_fork) {
		/* A minimal dom0 may not have the directory yet. */
		mkdir("/var/log", 0755);
		mkdir("/var/log/xen", 0755);
		o.log_file = "/var/log/xen/xenstored.log";
	}
	if (o.log_file) {
		log = fopen(o.log_file, "a");
		if (!log)
			fprintf(stderr, "xenstored: cannot open log %s: %s\n", o.log_file,
				strerror(errno));
		xs_log_set(log);
	}
	if (o.trace_file) {
		trace = fopen(o.trace_file, "a");
		if (!trace)
			xs_log("cannot open trace file %s: %s", o.trace_file, strerror(errno));
	}
	xs_log_set_trace(trace ? trace : (o.verbose ? (log ? log : stderr) : NULL));

	rc = xs_main_store(&d, &j, &o);
	if (rc)
		goto out;
	lfd = xs_sock_listen(o.socket_path);
	if (lfd < 0) {
		rc = lfd;
		xs_log("cannot listen on %s: %s", o.socket_path, strerror(-rc));
		goto out;
	}
	xs_log("listening on %s", o.socket_path);
	if (o.no_fork)
		rc = o.pid_file ? tc_write_pid_file(o.pid_file, (long)getpid()) : 0;
	else
		rc = tc_daemonize(o.pid_file);
	if (rc) {
		xs_log("cannot start: %s", strerror(-rc));
		goto out;
	}
	/* After the fork: privcmd mappings (the restored rings) are not
	 * inherited by a child (VM_DONTCOPY), so the daemon maps them itself. */
	xs_main_hypervisor(&d, &o);
	signal(SIGPIPE, SIG_IGN);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	rc = xs_loop_run(&d, lfd, &xs_main_signals);
	xs_loop_sync(&d);
	xs_log("exiting");
out:
	if (lfd >= 0) {
		close(lfd);
		unlink(o.socket_path);
	}
	if (o.pid_file && !rc)
		unlink(o.pid_file);
	xs_daemon_fini(&d);
	if (d.hv_event)
		xs_xen_fini();
	if (!o.no_journal)
		xs_journal_close(&j);
	if (trace)
		fclose(trace);
	if (log)
		fclose(log);
	return rc ? 1 : 0;
}
