/*
 * Console: formats lines, keeps them in the ring and writes them to the
 * selected outputs, one CPU at a time.
 */
#include <asm/spinlock.h>
#include <stdarg.h>
#include <tern/arch.h>
#include <tern/console.h>
#include <tern/format.h>
#include <tern/setup.h>
#include <tern/string.h>

#define CONRING_SIZE (64 * 1024)
#define LINE_PREFIX "(tern) "

static char conring_buf[CONRING_SIZE];
static struct conring console_ring = { conring_buf, CONRING_SIZE, 0, 0 };

static struct spinlock console_lock = SPINLOCK_INIT;
static struct console_output outputs[3];
static unsigned int nr_outputs;
static enum log_level threshold = LOG_INFO;
static enum log_level guest_threshold = LOG_INFO;
static bool console_none;       /* console=none was asked for */
static bool at_line_start = true;
static unsigned int panic_cpu = ~0u;

static void emit(const char *text, size_t len)
{
	for (unsigned int i = 0; i < nr_outputs; i++)
		outputs[i].write(&outputs[i], text, len);
}

/* Adds the prefix at each line start; keeps ring and outputs identical. */
static void console_put(const char *text, size_t len)
{
	while (len) {
		if (at_line_start) {
			conring_write(&console_ring, LINE_PREFIX, sizeof(LINE_PREFIX) - 1);
			emit(LINE_PREFIX, sizeof(LINE_PREFIX) - 1);
			at_line_start = false;
		}
		const char *nl = memchr(text, '\n', len);
		size_t chunk = nl ? (size_t)(nl - text) + 1 : len;
		conring_write(&console_ring, text, chunk);
		emit(text, chunk);
		if (nl)
			at_line_start = true;
		text += chunk;
		len -= chunk;
	}
}

static void vprintk(enum log_level level, enum log_level limit, const char *fmt, va_list ap)
{
	char line[512];
	int n;

	if (level > limit)
		return;
	n = format_vsnprintf(line, sizeof(line), fmt, ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	/* A CPU that panicked keeps printing even if it died holding the lock. */
	if (panic_cpu == smp_processor_id()) {
		console_put(line, n);
		return;
	}
	spin_lock(&console_lock);
	console_put(line, n);
	spin_unlock(&console_lock);
}

void printk(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(level, threshold, fmt, ap);
	va_end(ap);
}

void printk_guest(const char *fmt, ...)
{
	va_list ap;

	/* Guests' lines are at info level, filtered by guest_loglvl= only. */
	va_start(ap, fmt);
	vprintk(LOG_INFO, guest_threshold, fmt, ap);
	va_end(ap);
}

static void add_uart(unsigned int index, const struct uart_config *cfg)
{
	static const char *const names[] = { "com1", "com2" };
	struct console_output *out = &outputs[nr_outputs];

	out->name = names[index];
	if (uart_init(out, cfg))
		nr_outputs++;
}

/* Writes what the ring holds to the outputs just switched on. */
static void replay_ring(void)
{
	char chunk[256];
	uint64_t pos = 0;
	size_t n;

	while ((n = conring_read(&console_ring, &pos, chunk, sizeof(chunk))) > 0)
		emit(chunk, n);
}

void console_init(const struct boot_options *opts)
{
	spin_lock(&console_lock);
	threshold = opts->loglvl;
	guest_threshold = opts->guest_loglvl;
	console_none = opts->console == 0;
	if (opts->console & CONSOLE_COM1)
		add_uart(0, &opts->com[0]);
	if (opts->console & CONSOLE_COM2)
		add_uart(1, &opts->com[1]);
	if (opts->console & CONSOLE_VGA) {
		vga_init(&outputs[nr_outputs]);
		nr_outputs++;
	}
	replay_ring();
	spin_unlock(&console_lock);
}

void console_init_emergency(void)
{
	static const struct uart_config firmware_com1 = { 0, 8, 'n', 1, 0x3f8, 4 };

	if (nr_outputs || console_none)
		return;
	add_uart(0, &firmware_com1);
	replay_ring();
}

void panic(const char *fmt, ...)
{
	char reason[256];
	va_list ap;

	irq_disable();
	panic_cpu = smp_processor_id();
	console_init_emergency();
	va_start(ap, fmt);
	format_vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	threshold = LOG_ALL;
	if (!at_line_start)
		console_put("\n", 1);
	printk(LOG_ERR, "****************************************\n");
	printk(LOG_ERR, "Panic on CPU %u:\n", panic_cpu);
	printk(LOG_ERR, "%s\n", reason);
	printk(LOG_ERR, "****************************************\n");
	if (boot_options.noreboot) {
		printk(LOG_ERR, "Manual reset required ('noreboot' specified)\n");
		machine_halt();
	}
	printk(LOG_ERR, "Reboot in five seconds...\n");
	mdelay(5000);
	machine_restart();
}

size_t console_read(uint64_t *pos, char *out, size_t len, bool clear)
{
	size_t n;

	spin_lock(&console_lock);
	n = conring_read(&console_ring, pos, out, len);
	if (clear)
		conring_clear(&console_ring);
	spin_unlock(&console_lock);
	return n;
}
