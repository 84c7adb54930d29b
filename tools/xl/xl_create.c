/*
 * `xl create [-c] [-p] [-e] [-F] [-n] [-q] [-f] cfg [key=value...]`
 * (docs/toolstack.md): parse the config, build the domain paused
 * (tools/lib/dombuild*.c), write its xenstore nodes and INTRODUCE it, then
 * unpause it and leave a monitor process behind.
 *
 * The monitor (xl's "xl-<name>" child) applies on_poweroff / on_reboot /
 * on_crash / on_watchdog when the guest shuts down. It polls getdomaininfo
 * every 200 ms: xenstored's @releaseDomain needs VIRQ_DOM_EXC from the
 * hypervisor, and polling works without it. Restart builds the domain again
 * from the config kept in the monitor's memory (new domid, as in xl).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dombuild.h"
#include "xl_domain.h"

#define XL_MONITOR_POLL_US 200000
#define XL_LOG_DIR "/var/log/xen"
/* libxl's ERROR_FAIL and ERROR_INVAL: xl create exits with -rc. */
#define XL_EXIT_FAIL 3
#define XL_EXIT_INVAL 6

struct create_opts {
	int console, paused, no_monitor, foreground, dryrun, quiet;
	const char *file;
	char **overrides;
	unsigned noverrides;
};

static void make_uuid(uint8_t u[16])
{
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, u, 16) != 16) {
		/* No urandom: time and pid are unique enough for a handle. */
		uint64_t a = (uint64_t)time(NULL), b = (uint64_t)getpid();

		memcpy(u, &a, 8);
		memcpy(u + 8, &b, 8);
	}
	if (fd >= 0)
		close(fd);
	u[6] = (u[6] & 0x0f) | 0x40; /* version 4 */
	u[8] = (u[8] & 0x3f) | 0x80; /* RFC 4122 variant */
}

/* Builds, introduces and (unless paused) starts one domain. 0 or an exit status. */
static int create_domain(struct xl_env *env, struct tc_handle *h,
			 const struct xlcfg_domain *cfg, int paused, uint16_t *domid)
{
	struct dombuild_kernel k;
	struct dombuild_result res;
	struct dombuild_ops ops;
	struct tc_xs xs;
	uint8_t *kfile = NULL, *rd = NULL, uuid[16];
	size_t klen = 0, rdlen = 0;
	char err[512];
	uint16_t other;
	int rc, status = XL_EXIT_FAIL, built = 0;

	memset(&k, 0, sizeof(k));
	if (xl_dom_xs(env, &xs))
		return XL_EXIT_FAIL;
	/* Every disk must be usable before anything is built. */
	for (unsigned i = 0; i < cfg->ndisks; i++)
		if (xl_block_check(env, &cfg->disks[i]))
			goto out;
	for (unsigned i = 0; i < cfg->nvifs; i++)
		if (xl_nic_check(env, &cfg->vifs[i]))
			goto out;
	if (xl_name_to_domid(env, cfg->name, &other) == 0) {
		fprintf(env->err, "libxl: error: Domain with name \"%s\" already exists (domid "
			"%u).\n", cfg->name, other);
		status = XL_EXIT_INVAL;
		goto out;
	}
	rc = dombuild_read_file(cfg->kernel, "kernel", &kfile, &klen, err, sizeof(err));
	if (rc == 0)
		rc = dombuild_kernel_parse(&k, kfile, klen, err, sizeof(err));
	if (rc) {
		fprintf(env->err, "libxl: error: kernel %s: %s\n", cfg->kernel, err);
		goto out;
	}
	free(kfile);
	kfile = NULL;
	if (cfg->ramdisk) {
		rc = dombuild_read_file(cfg->ramdisk, "ramdisk", &rd, &rdlen, err, sizeof(err));
		if (rc) {
			fprintf(env->err, "libxl: error: %s\n", err);
			goto out;
		}
	}
	if (cfg->has_uuid)
		memcpy(uuid, cfg->uuid, 16);
	else
		make_uuid(uuid);
	{
		/* dombuild takes the uuid from the config it is given. */
		struct xlcfg_domain c = *cfg;

		memcpy(c.uuid, uuid, 16);
		dombuild_tc_ops(&ops, h);
		rc = dombuild_build(&ops, &c, &k, rd, rdlen, &res, err, sizeof(err));
	}
	if (rc) {
		fprintf(env->err, "libxl: error: cannot build domain %s: %s\n", cfg->name, err);
		goto out;
	}
	built = 1;
	rc = dombuild_xs_write(&xs, cfg, uuid, &res, err, sizeof(err));
	if (rc) {
		fprintf(env->err, "libxl: error: %s\n", err);
		goto out;
	}
	/* Devices while it is paused: it finds them when it boots. */
	for (unsigned i = 0; i < cfg->ndisks; i++) {
		if (xl_block_add(env, &xs, res.domid, &cfg->disks[i])) {
			fprintf(env->err, "libxl: error: Domain %u: cannot add disk '%s' (%s:%d); "
				"destroying the domain\n", res.domid, cfg->disks[i].spec,
				cfg->disks[i].file, cfg->disks[i].line);
			goto out;
		}
	}
	for (unsigned i = 0; i < cfg->nvifs; i++) {
		if (xl_nic_add(env, &xs, res.domid, &cfg->vifs[i])) {
			fprintf(env->err, "libxl: error: Domain %u: cannot add vif '%s' (%s:%d); "
				"destroying the domain\n", res.domid, cfg->vifs[i].spec,
				cfg->vifs[i].file, cfg->vifs[i].line);
			goto out;
		}
	}
	if (!paused) {
		rc = xl_dom_pause(h, res.domid, 0);
		if (rc) {
			fprintf(env->err, "libxl: error: cannot unpause domain %u: %s\n", res.domid,
				strerror(-rc));
			goto out;
		}
	}
	*domid = res.domid;
	status = 0;
out:
	if (status && built) {
		xl_dom_destroy(env, h, res.domid);
	}
	tc_xs_close(&xs);
	dombuild_kernel_free(&k);
	free(kfile);
	free(rd);
	return status;
}

static enum xlcfg_action action_for(const struct xlcfg_domain *cfg, unsigned reason,
				    const char **what)
{
	switch (reason) {
	case 0:
		*what = "poweroff";
		return cfg->on_poweroff;
	case 1:
		*what = "reboot";
		return cfg->on_reboot;
	case 3:
		*what = "crash";
		return cfg->on_crash;
	case 4:
		*what = "watchdog";
		return cfg->on_watchdog;
	default:
		*what = "unknown";
		return XLCFG_ACTION_DESTROY;
	}
}

/* The name the domain has now: an `xl rename` outlives a restart, as libxl
 * restarts a domain from its current configuration. */
static void keep_name(struct xl_env *env, struct xlcfg_domain *cfg, uint16_t domid)
{
	char name[256], *copy;

	if (env->be->domain_name(env->be, domid, name, sizeof(name)) < 0 ||
	    strcmp(name, cfg->name) == 0 || !(copy = strdup(name)))
		return;
	free(cfg->name);
	cfg->name = copy;
}

/* The monitor: waits for the domain to shut down and does what the config says. */
static int monitor(struct xl_env *env, struct tc_handle *h, struct xlcfg_domain *cfg,
		   uint16_t domid)
{
	fprintf(env->err, "Waiting for domain %s (domid %u) to die [pid %ld]\n", cfg->name, domid,
		(long)getpid());
	fflush(env->err);
	for (;;) {
		struct tern_domaininfo info;
		enum xlcfg_action a;
		const char *what;
		int rc;

		usleep(XL_MONITOR_POLL_US);
		rc = tc_domain_info(h, domid, &info);
		if (rc == -ESRCH || (rc == 0 && (info.flags & TERN_DOMINF_dying))) {
			fprintf(env->err, "Domain %u has been destroyed.\n", domid);
			return 0;
		}
		if (rc) {
			fprintf(env->err, "cannot get domain %u's state: %s\n", domid, strerror(-rc));
			return 1;
		}
		if (!(info.flags & TERN_DOMINF_shutdown) || info.shutdown_reason == 2)
			continue; /* running, or suspended: keep waiting */
		a = action_for(cfg, info.shutdown_reason, &what);
		fprintf(env->err, "Domain %u has shut down, reason code %u 0x%x\n", domid,
			info.shutdown_reason, info.shutdown_reason);
		fprintf(env->err, "Action for shutdown reason code %u (%s) is %s\n",
			info.shutdown_reason, what, xlcfg_action_name(a));
		if (a == XLCFG_ACTION_PRESERVE) {
			fprintf(env->err, "Done. Exiting now\n");
			return 0;
		}
		fprintf(env->err, "Domain %u needs to be cleaned up: destroying the domain\n", domid);
		keep_name(env, cfg, domid);
		rc = xl_dom_destroy(env, h, domid);
		if (rc && rc != -ESRCH)
			fprintf(env->err, "destroy failed: %s\n", strerror(-rc));
		if (a == XLCFG_ACTION_DESTROY) {
			fprintf(env->err, "Done. Exiting now\n");
			return 0;
		}
		fprintf(env->err, "Done. Rebooting now\n");
		fflush(env->err);
		sleep(2);
		if (create_domain(env, h, cfg, 0, &domid) != 0)
			return 1;
		fprintf(env->err, "Waiting for domain %s (domid %u) to die [pid %ld]\n", cfg->name,
			domid, (long)getpid());
		fflush(env->err);
	}
}

/* Forks the monitor into the background, logging to XL_LOG_DIR/xl-<name>.log. */
static void start_monitor(struct xl_env *env, struct tc_handle *h, struct xlcfg_domain *cfg,
			  uint16_t domid)
{
	char path[512];
	pid_t pid;
	int fd;

	fflush(env->out);
	fflush(env->err);
	pid = fork();
	if (pid < 0) {
		fprintf(env->err, "xl: cannot fork the domain monitor: %s (on_poweroff/on_reboot/"
			"on_crash will not be applied)\n", strerror(errno));
		return;
	}
	if (pid > 0)
		return;
	setsid();
	signal(SIGHUP, SIG_IGN);
	mkdir(XL_LOG_DIR, 0755);
	snprintf(path, sizeof(path), XL_LOG_DIR "/xl-%s.log", cfg->name);
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
	}
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, 0);
		close(fd);
	}
	_exit(monitor(env, h, cfg, domid));
}

static int parse_args(struct xl_env *env, int argc, char **argv, struct create_opts *o)
{
	static const struct xl_longopt longs[] = {
		{ "dryrun", 'n' }, { "quiet", 'q' }, { "defconfig", 'f' }, { NULL, 0 }
	};
	struct xl_opts st = { 0, 0 };
	int c;

	o->overrides = calloc((size_t)argc, sizeof(char *));
	if (!o->overrides)
		return 1;
	for (;;) {
		while ((c = xl_getopt(env, &st, argc, argv, "cpeFnqfdVA", longs)) != 0) {
			switch (c) {
			case 'h':
				xl_usage(env, env->out, "create");
				return -1;
			case '?':
				return 2;
			case 'c': o->console = 1; break;
			case 'p': o->paused = 1; break;
			case 'e': o->no_monitor = 1; break;
			case 'F': o->foreground = 1; break;
			case 'n': o->dryrun = 1; break;
			case 'q': o->quiet = 1; break;
			case 'f':
				if (st.optind >= argc) {
					xl_usage(env, env->err, "create");
					return 2;
				}
				o->file = argv[st.optind++];
				break;
			default:
				break; /* -d, -V, -A: accepted, nothing to do */
			}
		}
		if (st.optind >= argc)
			break;
		/* Operands and options may be mixed: "cfg key=value -c". */
		if (strchr(argv[st.optind], '=')) {
			o->overrides[o->noverrides++] = argv[st.optind];
		} else if (!o->file) {
			o->file = argv[st.optind];
		} else {
			xl_usage(env, env->err, "create");
			return 2;
		}
		st.optind++;
	}
	if (!o->file && !o->noverrides) {
		xl_usage(env, env->err, "create");
		return 2;
	}
	return 0;
}

static void print_dryrun(struct xl_env *env, const struct xlcfg_domain *d)
{
	fprintf(env->out, "name: %s\ntype: pvh\nkernel: %s\nramdisk: %s\ncmdline: %s\n"
		"memory: %llu MiB\nmaxmem: %llu MiB\nvcpus: %u\nmaxvcpus: %u\n", d->name, d->kernel,
		d->ramdisk ? d->ramdisk : "", d->cmdline ? d->cmdline : "",
		(unsigned long long)d->memory_mib, (unsigned long long)d->maxmem_mib, d->vcpus,
		d->maxvcpus);
	for (int i = 0; i < d->ncpumaps; i++)
		fprintf(env->out, "cpus[%d]: 0x%llx\n", i, (unsigned long long)d->cpumaps[i]);
	for (int i = 0; i < d->ncpumaps_soft; i++)
		fprintf(env->out, "cpus_soft[%d]: 0x%llx\n", i,
			(unsigned long long)d->cpumaps_soft[i]);
	fprintf(env->out, "cpu_weight: %u\ncap: %u\n", d->cpu_weight, d->cap);
	fprintf(env->out, "on_poweroff: %s\non_reboot: %s\non_crash: %s\n",
		xlcfg_action_name(d->on_poweroff), xlcfg_action_name(d->on_reboot),
		xlcfg_action_name(d->on_crash));
	for (unsigned i = 0; i < d->ndisks; i++)
		fprintf(env->out, "disk: %s vdev=%s (%u) %s\n", d->disks[i].target, d->disks[i].vdev,
			d->disks[i].devnum, d->disks[i].readwrite ? "rw" : "ro");
	for (unsigned i = 0; i < d->nvifs; i++)
		fprintf(env->out, "vif: %s\n", d->vifs[i].spec);
}

/* Replaces this process with `xl console <domid>` (the console client's job). */
static int attach_console(struct xl_env *env, uint16_t domid)
{
	char id[8];
	char *args[] = { "xl", "console", id, NULL };

	snprintf(id, sizeof(id), "%u", domid);
	fflush(env->out);
	fflush(env->err);
	execv("/proc/self/exe", args);
	execvp("xl", args);
	fprintf(env->err, "Unable to attach console\n");
	return 1;
}

int xl_cmd_create(struct xl_env *env, int argc, char **argv)
{
	struct create_opts o;
	struct xlcfg_domain cfg;
	struct xlcfg_msgs msgs = { NULL, 0, 0, 0, 0 };
	struct tc_handle *h;
	uint8_t *text = NULL;
	size_t len = 0;
	uint16_t domid = 0;
	char err[512];
	int rc, status;

	memset(&o, 0, sizeof(o));
	memset(&cfg, 0, sizeof(cfg));
	status = parse_args(env, argc, argv, &o);
	if (status) {
		free(o.overrides);
		return status < 0 ? 0 : status;
	}
	status = 1;
	if (!o.file)
		o.file = "/dev/null";
	if (!o.quiet)
		fprintf(env->err, "Parsing config from %s\n", o.file);
	if (strcmp(o.file, "/dev/null") != 0) {
		rc = dombuild_read_file(o.file, "config file", &text, &len, err, sizeof(err));
		if (rc) {
			fprintf(env->err, "Failed to read config file: %s: %s\n", o.file, strerror(-rc));
			goto out;
		}
	}
	rc = xlcfg_load(&cfg, o.file, text ? (const char *)text : "", len, o.overrides,
			o.noverrides, &msgs);
	if (msgs.text)
		fputs(msgs.text, env->err);
	if (rc) {
		fprintf(env->err, "Failed to parse config: %s\n", strerror(rc == -ENOMEM ? ENOMEM :
									      EINVAL));
		goto out;
	}
	/* Chosen once, so a restarted guest keeps its MACs. */
	for (unsigned i = 0; i < cfg.nvifs; i++)
		xl_nic_defaults(&cfg.vifs[i]);
	if (o.dryrun) {
		print_dryrun(env, &cfg);
		status = 0;
		goto out;
	}
	{
		/* xenstored first: without it nothing can be created, say so at once. */
		struct tc_xs xs;

		if (xl_dom_xs(env, &xs))
			goto out;
		tc_xs_close(&xs);
	}
	h = xl_dom_tc(env);
	if (!h)
		goto out;
	status = create_domain(env, h, &cfg, o.paused, &domid);
	if (status)
		goto out;
	if (!o.no_monitor) {
		if (o.foreground && !o.console) {
			status = monitor(env, h, &cfg, domid);
			goto out;
		}
		start_monitor(env, h, &cfg, domid);
	}
	if (o.console) {
		xlcfg_domain_free(&cfg);
		xlcfg_msgs_free(&msgs);
		free(text);
		free(o.overrides);
		return attach_console(env, domid);
	}
out:
	xlcfg_domain_free(&cfg);
	xlcfg_msgs_free(&msgs);
	free(text);
	free(o.overrides);
	return status;
}
