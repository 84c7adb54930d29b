/*
 * console_io: a guest writing to the hypervisor console. dom0's lines are
 * printed like the hypervisor's own; other guests' go through guest_loglvl=
 * and carry their domain id. Text is cut into whole lines and an
 * unprivileged guest's output is held to a byte budget (common/
 * guest_console.c), so a flood fills neither the console ring nor a slow
 * serial line. A write is preemptible: each call prints at most one line
 * and reads at most CONSOLE_IO_STEP bytes, then continues as a new call
 * (hypercall_continue()), so the time one call holds a pCPU is one line's
 * worth of serial output, whatever the count or the baud rate.
 */
#include <public/xen.h>
#include <tern/arch.h>
#include <tern/console.h>
#include <tern/errno.h>
#include <tern/hypercall.h>

#define CONSOLE_IO_CHUNK 128
#define CONSOLE_IO_STEP 4096          /* bytes read per call at most */
#define CONSOLE_IO_MAX (64 * 1024)    /* per write, as before continuations */

/*
 * A domU's budget: 16 KiB of console output at once (a test guest's whole
 * log), then 256 bytes a second (a line every half second), a quarter of a
 * 9600-baud line.
 */
static const struct ratelimit_policy domu_console_limit = {
	.interval_ns = 1000000000ull / 256,
	.burst = 16 * 1024,
};

static void print_line(struct domain *d, const struct guest_console_line *line)
{
	if (d->is_privileged) {
		printk(LOG_INFO, "(d%u) %.*s\n", d->id, (int)line->len, line->text);
		return;
	}
	if (line->suppressed)
		printk_guest("(d%u) ... %lu lines suppressed\n", d->id,
			     (unsigned long)line->suppressed);
	printk_guest("(d%u) %.*s\n", d->id, (int)line->len, line->text);
}

/* Feeds text to the domain's console until it is used up or a line went out;
 * returns the bytes taken and sets *printed. */
static size_t write_text(struct domain *d, const char *text, size_t len, bool *printed)
{
	const struct ratelimit_policy *limit = d->is_privileged ? NULL : &domu_console_limit;
	struct guest_console_line line;
	size_t used = 0;

	spin_lock(&d->console_lock);
	while (used < len && !*printed) {
		used += guest_console_feed(&d->console, text + used, len - used, limit,
					   system_time_ns(), &line);
		if (line.text && line.print) {
			print_line(d, &line);
			*printed = true;
		}
	}
	spin_unlock(&d->console_lock);
	return used;
}

static long console_write(struct vcpu *v, uint64_t count, uint64_t buf)
{
	char chunk[CONSOLE_IO_CHUNK];
	bool printed = false;
	uint64_t done = 0;

	if (count > CONSOLE_IO_MAX)
		return -EINVAL;
	while (done < count && done < CONSOLE_IO_STEP && !printed) {
		size_t n = MIN(count - done, sizeof(chunk));

		if (copy_from_guest(v, chunk, buf + done, n))
			return -EFAULT;
		done += write_text(v->domain, chunk, n, &printed);
	}
	if (done < count)
		return hypercall_continue(v, 3, CONSOLEIO_write, count - done, buf + done);
	return 0;
}

long do_console_io(struct vcpu *v, uint64_t cmd, uint64_t count, uint64_t buf)
{
	/* Both are unsigned int in Xen's prototype: the upper halves are ignored. */
	cmd = (uint32_t)cmd;
	count = (uint32_t)count;
	switch (cmd) {
	case CONSOLEIO_write:
		return console_write(v, count, buf);
	case CONSOLEIO_read:
		/* Only dom0 may read the console (Xen: -EPERM for others). Its
		 * serial input stays with dom0's own driver: nothing to read. */
		return v->domain->is_privileged ? 0 : -EPERM;
	default:
		return -ENOSYS;
	}
}
