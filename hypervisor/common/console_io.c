/*
 * console_io: a guest writing to the hypervisor console. dom0's lines are
 * printed like the hypervisor's own; other guests' go through guest_loglvl=
 * and carry their domain id, and are cut into lines so one guest cannot
 * interleave half-lines with another. A domU printing more than a boot log's
 * worth in a short time (an oops loop) is cut off until the window ends, and
 * the count of lines dropped is printed then.
 */
#include <public/xen.h>
#include <tern/arch.h>
#include <tern/console.h>
#include <tern/errno.h>
#include <tern/hypercall.h>

#define CONSOLE_IO_CHUNK 128
#define CONSOLE_IO_MAX (64 * 1024) /* per call: bounds the time one call takes */
#define GUEST_LINES_PER_WINDOW 1000
#define GUEST_WINDOW_NS 10000000000ull

/* Whether a domU may print another line now. */
static bool guest_line_allowed(struct domain *d)
{
	uint64_t now = system_time_ns();

	if (now - d->console_window_start >= GUEST_WINDOW_NS) {
		if (d->console_dropped)
			printk_guest("(d%u) ... %u lines suppressed\n", d->id, d->console_dropped);
		d->console_window_start = now;
		d->console_lines = 0;
		d->console_dropped = 0;
	}
	if (d->console_lines < GUEST_LINES_PER_WINDOW) {
		d->console_lines++;
		return true;
	}
	d->console_dropped++;
	return false;
}

/* Collects the guest's text and prints it a whole line at a time. */
static void print_guest_text(struct domain *d, const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		bool end = text[i] == '\n';

		if (!end && text[i] != '\r')
			d->console_line[d->console_len++] = text[i];
		if (end || d->console_len == sizeof(d->console_line)) {
			if (d->is_privileged)
				printk(LOG_INFO, "(d%u) %.*s\n", d->id, (int)d->console_len,
				       d->console_line);
			else if (guest_line_allowed(d))
				printk_guest("(d%u) %.*s\n", d->id, (int)d->console_len,
					     d->console_line);
			d->console_len = 0;
		}
	}
}

long do_console_io(struct vcpu *v, uint64_t cmd, uint64_t count, uint64_t buf)
{
	char chunk[CONSOLE_IO_CHUNK];
	uint64_t done = 0;

	/* Both are unsigned int in Xen's prototype: the upper halves are ignored. */
	cmd = (uint32_t)cmd;
	count = (uint32_t)count;
	switch (cmd) {
	case CONSOLEIO_write:
		if (count > CONSOLE_IO_MAX)
			return -EINVAL;
		while (done < count) {
			size_t n = MIN(count - done, sizeof(chunk));

			if (copy_from_guest(v, chunk, buf + done, n))
				return -EFAULT;
			print_guest_text(v->domain, chunk, n);
			done += n;
		}
		return 0;
	case CONSOLEIO_read:
		/* Only dom0 may read the console (Xen: -EPERM for others). Its
		 * serial input stays with dom0's own driver: nothing to read. */
		return v->domain->is_privileged ? 0 : -EPERM;
	default:
		return -ENOSYS;
	}
}
