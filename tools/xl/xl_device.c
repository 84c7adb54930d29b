/* A domain's split devices: add, remove, list (xl_device.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xen/io/xenbus.h>

#include "xl_device.h"

#define XL_DEV_TOKEN "xl-dev"

void xl_dev_be_path(char *out, size_t len, const char *kind, unsigned domid, unsigned long devid)
{
	snprintf(out, len, "/local/domain/0/backend/%s/%u/%lu", kind, domid, devid);
}

void xl_dev_fe_path(char *out, size_t len, const char *kind, unsigned domid, unsigned long devid)
{
	snprintf(out, len, "/local/domain/%u/device/%s/%lu", domid, kind, devid);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

static char *attach_spec(int argc, char **argv, int first)
{
	size_t len = 1;
	char *spec;

	for (int i = first; i < argc; i++)
		len += strlen(argv[i]) + 1;
	spec = calloc(1, len);
	for (int i = first; spec && i < argc; i++) {
		if (i > first)
			strcat(spec, ",");
		strcat(spec, argv[i]);
	}
	return spec;
}

int xl_dev_attach_args(struct xl_env *env, int argc, char **argv, const char *cmd, int need,
		       uint16_t *domid, char **spec)
{
	struct tern_domaininfo info;
	int optind, rc = xl_cmd_operands(env, argc, argv, cmd, need, &optind);

	if (rc)
		return rc - 1;
	if (xl_find_domain(env, argv[optind], &info))
		return 1;
	*domid = (uint16_t)info.domain;
	*spec = attach_spec(argc, argv, optind + 1);
	return *spec ? -1 : 1;
}

long xl_dev_read_num(struct tc_xs *xs, const char *dir, const char *key)
{
	char path[256], *v = NULL, *end;
	long n = -1;

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	if (tc_xs_get(xs, 0, path, &v) == 0) {
		n = strtol(v, &end, 10);
		if (end == v || *end)
			n = -1;
	}
	free(v);
	return n;
}

/*
 * Waits until the backend's state satisfies done(state) (state -1: the
 * directory is gone). Returns the state, or -ETIMEDOUT.
 */
static long wait_state(struct tc_xs *xs, const char *be_path, int timeout_ms,
		       int (*done)(long state))
{
	char path[256];
	long deadline = now_ms() + timeout_ms, state;

	snprintf(path, sizeof(path), "%s/state", be_path);
	tc_xs_watch(xs, path, XL_DEV_TOKEN);
	for (;;) {
		char *epath, *token;
		long left;
		int rc;

		state = xl_dev_read_num(xs, be_path, "state");
		if (done(state))
			break;
		left = deadline - now_ms();
		if (left <= 0) {
			state = -ETIMEDOUT;
			break;
		}
		rc = tc_xs_wait_event(xs, (int)(left < 200 ? left : 200), &epath, &token);
		if (rc == 0)
			free(epath);
		else if (rc != -ETIMEDOUT) {
			state = rc;
			break;
		}
	}
	tc_xs_unwatch(xs, path, XL_DEV_TOKEN);
	return state;
}

static int past_initialising(long s)
{
	return s != XenbusStateInitialising && s != XenbusStateUnknown;
}

static int closed_or_gone(long s)
{
	return s == XenbusStateClosed || s < 0;
}

int xl_dev_run_script(const char *script, const char *action, const char *kind,
		      const char *be_path, const struct xl_dev_kv *extra, int timeout_ms)
{
	long deadline = now_ms() + timeout_ms;
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int fd = open(XL_HOTPLUG_LOG, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

		if (fd < 0)
			fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			dup2(fd, 0);
		setenv("XENBUS_TYPE", kind, 1);
		setenv("XENBUS_PATH", be_path, 1);
		setenv("XENBUS_BASE_PATH", "backend", 1);
		setenv("XEN_SCRIPT_DIR", XL_SCRIPT_DIR, 1);
		for (; extra && extra->key; extra++)
			setenv(extra->key, extra->value, 1);
		execl(script, script, action, (char *)NULL);
		_exit(127);
	}
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (now_ms() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -ETIMEDOUT;
		}
		usleep(20000);
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

/* Both directories and the /libxl record, in one transaction. */
static int write_nodes(struct tc_xs *xs, const struct xl_dev *dev, const char *be,
		       const char *fe)
{
	char libxl[128], path[256], v[32], be_perm[24], fe_perm[24];
	int rc;

	snprintf(libxl, sizeof(libxl), "/libxl/%u/device/%s/%u", dev->domid, dev->kind, dev->devid);
	snprintf(be_perm, sizeof(be_perm), "n0 r%u", dev->domid);
	snprintf(fe_perm, sizeof(fe_perm), "n%u r0", dev->domid);
	for (int tries = 0; tries < 10; tries++) {
		uint32_t tx;
		char *old = NULL;

		rc = tc_xs_txn_start(xs, &tx);
		if (rc)
			return rc;
		if (tc_xs_get(xs, tx, fe, &old) == 0 || tc_xs_get(xs, tx, be, &old) == 0) {
			free(old);
			tc_xs_txn_end(xs, tx, 0);
			return -EEXIST;
		}
#define W(dir, key, val)                                                         \
	do {                                                                     \
		snprintf(path, sizeof(path), "%s/%s", dir, key);                 \
		if (rc == 0)                                                     \
			rc = tc_xs_write(xs, tx, path, val);                     \
	} while (0)
		rc = tc_xs_write(xs, tx, be, "");
		if (rc == 0)
			rc = tc_xs_set_perms(xs, tx, be, be_perm);
		if (rc == 0)
			rc = tc_xs_write(xs, tx, fe, "");
		if (rc == 0)
			rc = tc_xs_set_perms(xs, tx, fe, fe_perm);
		W(be, "frontend", fe);
		snprintf(v, sizeof(v), "%u", dev->domid);
		W(be, "frontend-id", v);
		W(be, "online", "1");
		W(be, "state", "1");
		if (dev->script) {
			W(be, "script", dev->script);
			/* Pre-written empty: the script's answer replaces it. */
			W(be, "hotplug-status", "");
		}
		for (const struct xl_dev_kv *kv = dev->be; kv && kv->key; kv++)
			W(be, kv->key, kv->value);
		W(fe, "backend", be);
		W(fe, "backend-id", "0");
		W(fe, "state", "1");
		for (const struct xl_dev_kv *kv = dev->fe; kv && kv->key; kv++)
			W(fe, kv->key, kv->value);
		for (const struct xl_dev_kv *kv = dev->fe_ro; kv && kv->key; kv++) {
			W(fe, kv->key, kv->value);
			if (rc == 0)
				rc = tc_xs_set_perms(xs, tx, path, be_perm);
		}
		W(libxl, "frontend", fe);
		W(libxl, "backend", be);
		/* The script's environment, for its run at removal. */
		for (const struct xl_dev_kv *kv = dev->env; kv && kv->key; kv++) {
			char key[64];

			snprintf(key, sizeof(key), "hotplug-env/%s", kv->key);
			W(libxl, key, kv->value);
		}
#undef W
		if (rc) {
			tc_xs_txn_end(xs, tx, 0);
			return rc;
		}
		rc = tc_xs_txn_end(xs, tx, 1);
		if (rc != -EAGAIN)
			return rc;
	}
	return rc;
}

/* What the backend or its script said went wrong, or "". */
static void backend_error(struct tc_xs *xs, const struct xl_dev *dev, const char *be, char *out,
			  size_t len)
{
	char path[256], *v = NULL;

	out[0] = '\0';
	snprintf(path, sizeof(path), "%s/hotplug-error", be);
	if (tc_xs_get(xs, 0, path, &v) == 0 && *v) {
		snprintf(out, len, "%s", v);
		free(v);
		return;
	}
	free(v);
	v = NULL;
	snprintf(path, sizeof(path), "/local/domain/0/error/backend/%s/%u/%u/error", dev->kind,
		 dev->domid, dev->devid);
	if (tc_xs_get(xs, 0, path, &v) == 0)
		snprintf(out, len, "%s", v);
	free(v);
}

int xl_dev_add(struct xl_env *env, struct tc_xs *xs, const struct xl_dev *dev)
{
	char be[128], fe[128], why[512], path[256], *status = NULL;
	long state;
	int rc;

	xl_dev_be_path(be, sizeof(be), dev->kind, dev->domid, dev->devid);
	xl_dev_fe_path(fe, sizeof(fe), dev->kind, dev->domid, dev->devid);
	rc = write_nodes(xs, dev, be, fe);
	if (rc == -EEXIST) {
		fprintf(env->err, "libxl: error: Domain %u: device %s %u already exists in xenstore\n",
			dev->domid, dev->kind, dev->devid);
		return rc;
	}
	if (rc) {
		fprintf(env->err, "libxl: error: Domain %u: cannot write %s: %s\n", dev->domid, be,
			strerror(-rc));
		return rc;
	}
	state = wait_state(xs, be, XL_DEV_INIT_TIMEOUT_MS, past_initialising);
	if (state != XenbusStateInitWait) {
		backend_error(xs, dev, be, why, sizeof(why));
		if (state == -ETIMEDOUT)
			fprintf(env->err, "libxl: error: Domain %u: %s backend %s did not reach InitWait "
				"within %d s: is its backend daemon running? (/etc/init.d/xencommons "
				"status)\n", dev->domid, dev->kind, be, XL_DEV_INIT_TIMEOUT_MS / 1000);
		else
			fprintf(env->err, "libxl: error: Domain %u: %s backend %s failed (state %ld)%s%s\n",
				dev->domid, dev->kind, be, state, why[0] ? ": " : "", why);
		rc = state == -ETIMEDOUT ? -ETIMEDOUT : -EIO;
		goto undo;
	}
	if (!dev->script)
		return 0;
	rc = xl_dev_run_script(dev->script, dev->add_action, dev->kind, be, dev->env,
			       XL_DEV_HOTPLUG_TIMEOUT_MS);
	snprintf(path, sizeof(path), "%s/hotplug-status", be);
	if (tc_xs_get(xs, 0, path, &status) == 0 && strcmp(status, "connected") == 0 && rc == 0) {
		free(status);
		return 0;
	}
	free(status);
	backend_error(xs, dev, be, why, sizeof(why));
	if (rc == -ETIMEDOUT)
		fprintf(env->err, "libxl: error: Domain %u: script %s %s did not finish within %d s\n",
			dev->domid, dev->script, dev->add_action, XL_DEV_HOTPLUG_TIMEOUT_MS / 1000);
	else if (rc < 0)
		fprintf(env->err, "libxl: error: Domain %u: cannot run %s: %s\n", dev->domid,
			dev->script, strerror(-rc));
	else
		fprintf(env->err, "libxl: error: Domain %u: %s %s exited with status %d\n",
			dev->domid, dev->script, dev->add_action, rc);
	if (why[0])
		fprintf(env->err, "libxl: error: Domain %u: script: %s\n", dev->domid, why);
	rc = -EIO;
undo:
	/* The domain has not run with it (paused create) or is told at once. */
	xl_dev_remove(env, xs, dev->kind, dev->domid, dev->devid, XL_DEV_GUEST_GONE, 2000);
	return rc;
}

static int rm_ignoring_absent(struct tc_xs *xs, const char *path)
{
	int rc = tc_xs_rm(xs, 0, path);

	return rc == -ENOENT ? 0 : rc;
}

/* The environment xl_dev_add gave the script (NULL if none), malloc'ed. */
static struct xl_dev_kv *saved_env(struct tc_xs *xs, const char *kind, uint16_t domid,
				   uint32_t devid)
{
	char dir[160], path[256], *names = NULL;
	struct xl_dev_kv *env;
	uint32_t len = 0, n = 0, i = 0;

	snprintf(dir, sizeof(dir), "/libxl/%u/device/%s/%u/hotplug-env", domid, kind, devid);
	if (tc_xs_directory(xs, 0, dir, &names, &len) || len == 0) {
		free(names);
		return NULL;
	}
	for (uint32_t pos = 0; pos < len; pos += (uint32_t)strlen(names + pos) + 1)
		n++;
	env = calloc(n + 1, sizeof(*env));
	for (uint32_t pos = 0; env && pos < len; pos += (uint32_t)strlen(names + pos) + 1) {
		char *value = NULL;

		snprintf(path, sizeof(path), "%s/%s", dir, names + pos);
		if (tc_xs_get(xs, 0, path, &value) == 0) {
			env[i].key = strdup(names + pos);
			env[i++].value = value;
		}
	}
	free(names);
	return env;
}

static void free_env(struct xl_dev_kv *env)
{
	for (struct xl_dev_kv *kv = env; kv && kv->key; kv++) {
		free((char *)kv->key);
		free((char *)kv->value);
	}
	free(env);
}

int xl_dev_remove(struct xl_env *env, struct tc_xs *xs, const char *kind, uint16_t domid,
		  uint32_t devid, enum xl_dev_how how, int timeout_ms)
{
	char be[128], fe[128], path[256], *script = NULL, *dir = NULL;
	long state;
	int rc;

	xl_dev_be_path(be, sizeof(be), kind, domid, devid);
	xl_dev_fe_path(fe, sizeof(fe), kind, domid, devid);
	if (tc_xs_get(xs, 0, be, &dir) != 0) {
		/* Only leftovers, if anything. */
		rm_ignoring_absent(xs, fe);
		snprintf(path, sizeof(path), "/libxl/%u/device/%s/%u", domid, kind, devid);
		rm_ignoring_absent(xs, path);
		return -ENOENT;
	}
	free(dir);
	for (int tries = 0; tries < 10; tries++) {
		uint32_t tx;

		rc = tc_xs_txn_start(xs, &tx);
		if (rc)
			break;
		snprintf(path, sizeof(path), "%s/online", be);
		rc = tc_xs_write(xs, tx, path, "0");
		if (rc == 0 && xl_dev_read_num(xs, be, "state") != XenbusStateClosed) {
			snprintf(path, sizeof(path), "%s/state", be);
			rc = tc_xs_write(xs, tx, path, "5");
		}
		/* A guest that will not run again cannot say Closed: say it for it,
		 * so the backend lets go at once. */
		if (rc == 0 && how == XL_DEV_GUEST_GONE && xl_dev_read_num(xs, fe, "state") >= 0) {
			snprintf(path, sizeof(path), "%s/state", fe);
			rc = tc_xs_write(xs, tx, path, "6");
		}
		if (rc) {
			tc_xs_txn_end(xs, tx, 0);
			break;
		}
		rc = tc_xs_txn_end(xs, tx, 1);
		if (rc != -EAGAIN)
			break;
	}
	state = wait_state(xs, be, timeout_ms, closed_or_gone);
	if (state == -ETIMEDOUT && how == XL_DEV_ASK) {
		fprintf(env->err, "libxl: error: Domain %u: the guest did not release %s %u within "
			"%d s (its frontend state: %ld); use -f to remove it anyway\n", domid, kind,
			devid, timeout_ms / 1000, xl_dev_read_num(xs, fe, "state"));
		return -ETIMEDOUT;
	}
	snprintf(path, sizeof(path), "%s/script", be);
	if (tc_xs_get(xs, 0, path, &script) == 0 && script[0] == '/') {
		struct xl_dev_kv *script_env = saved_env(xs, kind, domid, devid);

		rc = xl_dev_run_script(script, strcmp(kind, "vif") ? "remove" : "offline", kind, be,
				       script_env, XL_DEV_HOTPLUG_TIMEOUT_MS);
		free_env(script_env);
		if (rc)
			fprintf(env->err, "libxl: error: Domain %u: %s remove exited with status %d\n",
				domid, script, rc);
	}
	free(script);
	rc = rm_ignoring_absent(xs, fe);
	if (rc == 0)
		rc = rm_ignoring_absent(xs, be);
	snprintf(path, sizeof(path), "/local/domain/0/error/backend/%s/%u/%u", kind, domid, devid);
	rm_ignoring_absent(xs, path);
	snprintf(path, sizeof(path), "/libxl/%u/device/%s/%u", domid, kind, devid);
	if (rc == 0)
		rc = rm_ignoring_absent(xs, path);
	return rc;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Numeric children of a directory, sorted. */
static int numeric_children(struct tc_xs *xs, const char *dir, uint32_t **ids, unsigned *n)
{
	char *names = NULL;
	uint32_t len = 0;
	int rc = tc_xs_directory(xs, 0, dir, &names, &len);

	*ids = NULL;
	*n = 0;
	if (rc == -ENOENT)
		return 0;
	if (rc)
		return rc;
	*ids = calloc(len + 1, sizeof(**ids));
	if (!*ids) {
		free(names);
		return -ENOMEM;
	}
	for (uint32_t pos = 0; pos < len; pos += (uint32_t)strlen(names + pos) + 1) {
		char *end;
		unsigned long v = strtoul(names + pos, &end, 10);

		if (*end == '\0' && end != names + pos && v <= 0xffffffffu)
			(*ids)[(*n)++] = (uint32_t)v;
	}
	free(names);
	qsort(*ids, *n, sizeof(**ids), cmp_u32);
	return 0;
}

int xl_dev_list(struct tc_xs *xs, const char *kind, uint16_t domid, uint32_t **ids, unsigned *n)
{
	char dir[96];

	snprintf(dir, sizeof(dir), "/local/domain/0/backend/%s/%u", kind, domid);
	return numeric_children(xs, dir, ids, n);
}

void xl_dev_remove_all(struct xl_env *env, struct tc_xs *xs, uint16_t domid, int timeout_ms)
{
	static const char *const kinds[] = { "vbd", "vif" };
	char dir[96];

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		uint32_t *ids = NULL;
		unsigned n = 0;

		/* The /libxl record, and the backend directory for what a
		 * record-less (older or half-made) device left. */
		snprintf(dir, sizeof(dir), "/libxl/%u/device/%s", domid, kinds[k]);
		numeric_children(xs, dir, &ids, &n);
		for (unsigned i = 0; i < n; i++)
			xl_dev_remove(env, xs, kinds[k], domid, ids[i], XL_DEV_GUEST_GONE,
				      timeout_ms);
		free(ids);
		xl_dev_list(xs, kinds[k], domid, &ids, &n);
		for (unsigned i = 0; i < n; i++)
			xl_dev_remove(env, xs, kinds[k], domid, ids[i], XL_DEV_GUEST_GONE,
				      timeout_ms);
		free(ids);
		snprintf(dir, sizeof(dir), "/local/domain/0/backend/%s/%u", kinds[k], domid);
		rm_ignoring_absent(xs, dir);
	}
}
