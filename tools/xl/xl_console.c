/*
 * `xl console [-t pv|serial|vuart] [-n NUM] [-e ESC] <Domain>`: attaches this
 * terminal to the pty xenconsoled made for the domain's console (its name is
 * in /local/domain/N/console/tty), in raw mode, until the escape character
 * (default ^], 0x1d) is typed on its own or the console goes away. The
 * domain keeps running either way (toolstack-reference 1.1).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "xl.h"

#define XL_CONSOLE_ESCAPE 0x1d
/* How long to wait for xenconsoled to publish the tty. */
#define XL_CONSOLE_TTY_WAIT_MS 10000
#define XL_CONSOLE_LOCK_DIR "/var/lock"

/* "^X" (control-X) or one literal character; -1 if neither. */
static int xl_console_escape(const char *s)
{
	if (s[0] == '^' && s[1] && !s[2])
		return toupper((unsigned char)s[1]) & 0x1f;
	if (s[0] && !s[1])
		return (unsigned char)s[0];
	return -1;
}

/* Digits: that domid (as Xen's xl, unchecked); else the domain named so. */
static int xl_console_domid(struct xl_env *env, const char *arg, uint16_t *domid)
{
	struct tern_domaininfo batch[64];
	char name[128];
	const char *p;
	int n;

	for (p = arg; *p >= '0' && *p <= '9'; p++)
		;
	if (*arg && !*p && strlen(arg) < 6 && strtoul(arg, NULL, 10) < DOMID_FIRST_RESERVED) {
		*domid = (uint16_t)strtoul(arg, NULL, 10);
		return 0;
	}
	if (xl_open(env) == 0) {
		for (unsigned first = 0; first < DOMID_FIRST_RESERVED;) {
			n = env->be->domain_list(env->be, (uint16_t)first, 64, batch);
			if (n <= 0)
				break;
			for (int i = 0; i < n; i++) {
				xl_domain_name(env, batch[i].domain, name, sizeof(name));
				if (strcmp(name, arg) == 0) {
					*domid = batch[i].domain;
					return 0;
				}
			}
			first = batch[n - 1].domain + 1u;
		}
	}
	fprintf(env->err, "%s is an invalid domain identifier (rc=-6)\n", arg);
	return -EINVAL;
}

static uint64_t xl_console_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Copies everything; false when fd is gone. */
static int xl_console_write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && (errno == EINTR || errno == EAGAIN)) {
			struct pollfd pf = { .fd = fd, .events = POLLOUT };

			poll(&pf, 1, 100);
			continue;
		}
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * The relay: stdin -> tty, tty -> stdout. Returns when the escape byte is
 * read alone, the pty is hung up (xenconsoled closed it), or the tty node
 * changed or vanished (domain destroyed). At the end of stdin it only stops
 * reading stdin, as Xen's client does, so `xl console dom > log &` keeps
 * copying the guest's output.
 */
static void xl_console_relay(int tty, int escape, const char *node, const char *ttyname)
{
	char buf[4096], now[128];
	uint64_t last_check = xl_console_now_ms();
	bool stdin_open = true;

	for (;;) {
		/* poll ignores a negative fd: a closed stdin is left out. */
		struct pollfd pf[2] = { { .fd = stdin_open ? 0 : -1, .events = POLLIN },
					{ .fd = tty, .events = POLLIN } };
		ssize_t n;

		if (poll(pf, 2, 1000) < 0 && errno != EINTR)
			return;
		if (pf[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(tty, buf, sizeof(buf));
			if (n <= 0 && !(n < 0 && (errno == EINTR || errno == EAGAIN)))
				return;
			if (n > 0 && xl_console_write_all(1, buf, (size_t)n))
				return;
		}
		if (pf[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(0, buf, sizeof(buf));
			if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
				stdin_open = false;
				continue;
			}
			/* As Xen's client: the escape counts only as a read of its own. */
			if (n == 1 && (unsigned char)buf[0] == escape)
				return;
			if (n > 0 && xl_console_write_all(tty, buf, (size_t)n))
				return;
		}
		if (xl_console_now_ms() - last_check >= 1000) {
			last_check = xl_console_now_ms();
			if (tc_xs_read(node, now, sizeof(now)) == -ENOENT || (now[0] &&
			    strcmp(now, ttyname)))
				return;
		}
	}
}

int xl_cmd_console(struct xl_env *env, int argc, char **argv)
{
	static const struct xl_longopt longs[] = {
		{ "type", 't' }, { "num", 'n' }, { "escape", 'e' }, { NULL, 0 } };
	struct xl_opts st = { 0, 0 };
	const char *type = "pv", *arg;
	char node[128], lockpath[128], ttyname[128] = "";
	struct termios saved, raw;
	int escape = XL_CONSOLE_ESCAPE, num = 0, tty = -1, lock = -1, rc = 1, c;
	bool restore = false;
	uint16_t domid;
	uint64_t deadline;

	while ((c = xl_getopt(env, &st, argc, argv, "tne", longs)) != 0) {
		if (c == '?')
			return 2;
		if (c == 'h') {
			xl_usage(env, env->out, "console");
			return 0;
		}
		if (st.optind >= argc) {
			fprintf(env->err, "option requires an argument -- '%c'\n", c);
			return 2;
		}
		arg = argv[st.optind++];
		if (c == 't') {
			type = arg;
		} else if (c == 'n') {
			num = atoi(arg);
		} else {
			escape = xl_console_escape(arg);
			if (escape < 0) {
				fprintf(env->err, "Invalid escape argument\n");
				return 1;
			}
		}
	}
	if (strcmp(type, "pv") && strcmp(type, "serial") && strcmp(type, "vuart")) {
		fprintf(env->err, "console type supported are: pv, serial, vuart\n");
		return 1;
	}
	if (st.optind >= argc) {
		fprintf(env->err, "'xl console' requires at least 1 argument.\n\n");
		xl_usage(env, env->err, "console");
		return 2;
	}
	if (xl_console_domid(env, argv[st.optind], &domid))
		return 1;
	if (domid == 0) {
		fprintf(env->err, "xenconsole: Can't specify Domain-0\n");
		return 1;
	}
	if (strcmp(type, "pv")) {
		/* tern's domains are PVH: they have no emulated UART. */
		fprintf(env->err, "xenconsole: Could not read tty from store: %s\n",
			strerror(ENOENT));
		return 1;
	}
	if (num == 0)
		snprintf(node, sizeof(node), "/local/domain/%u/console/tty", domid);
	else
		snprintf(node, sizeof(node), "/local/domain/%u/device/console/%d/tty", domid, num);

	/* xenconsoled writes the tty once it has set the console up. */
	deadline = xl_console_now_ms() + XL_CONSOLE_TTY_WAIT_MS;
	for (;;) {
		int r = tc_xs_read(node, ttyname, sizeof(ttyname));

		if (r > 0)
			break;
		if (xl_console_now_ms() >= deadline) {
			fprintf(env->err, "xenconsole: Could not read tty from store: %s\n",
				strerror(r < 0 ? -r : ENOENT));
			return 1;
		}
		usleep(100 * 1000);
	}

	mkdir(XL_CONSOLE_LOCK_DIR, 0755);
	snprintf(lockpath, sizeof(lockpath), XL_CONSOLE_LOCK_DIR "/xenconsole.%u", domid);
	lock = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lock < 0 || flock(lock, LOCK_EX | LOCK_NB)) {
		fprintf(env->err, "xenconsole: Could not lock %s\n", lockpath);
		goto out;
	}
	tty = open(ttyname, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (tty < 0) {
		fprintf(env->err, "xenconsole: Could not open tty `%s': %s\n", ttyname,
			strerror(errno));
		goto out;
	}
	if (tcgetattr(tty, &raw) == 0) {
		cfmakeraw(&raw);
		tcsetattr(tty, TCSANOW, &raw);
	}
	if (isatty(0) && isatty(1) && tcgetattr(0, &saved) == 0) {
		raw = saved;
		cfmakeraw(&raw);
		restore = tcsetattr(0, TCSAFLUSH, &raw) == 0;
	}
	fflush(env->out);
	xl_console_relay(tty, escape, node, ttyname);
	rc = 0;
out:
	if (restore)
		tcsetattr(0, TCSAFLUSH, &saved);
	if (tty >= 0)
		close(tty);
	if (lock >= 0)
		close(lock);
	return rc;
}
