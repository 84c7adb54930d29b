/*
 * The hypervisor command line, with Xen's option names. Every option is parsed
 * once, into a typed field of struct boot_options; an unknown option or a bad
 * value is reported through a callback and leaves the default in place.
 */
#ifndef TERN_CMDLINE_H
#define TERN_CMDLINE_H

#include <tern/types.h>

/* Console outputs selectable with console= (a comma-separated list in Xen). */
#define CONSOLE_COM1 (1u << 0)
#define CONSOLE_COM2 (1u << 1)
#define CONSOLE_VGA (1u << 2)

/* Log levels, as Xen's loglvl=/guest_loglvl= names them. */
enum log_level {
	LOG_NONE = 0,
	LOG_ERR = 1,
	LOG_WARNING = 2,
	LOG_INFO = 3,
	LOG_DEBUG = 4,
	LOG_ALL = 5,
};

/* com1=<baud>|auto[,<data><parity><stop>[,<io-base>[,<irq>]]] */
struct uart_config {
	uint32_t baud;       /* 0: leave the firmware's setting ("auto") */
	uint8_t data_bits;   /* 5..8 */
	char parity;         /* 'n', 'o', 'e', 'm', 's' */
	uint8_t stop_bits;   /* 1 or 2 */
	uint16_t io_base;
	uint8_t irq;
};

struct boot_options {
	/* dom0_mem=[min:<size>,][max:<size>,][<size>]; 0 means "not given". */
	uint64_t dom0_mem;
	uint64_t dom0_mem_min;
	uint64_t dom0_mem_max;
	unsigned int dom0_max_vcpus;  /* dom0_max_vcpus=<n>; 0: not given */
	bool dom0_vcpus_pin;
	unsigned int console;         /* CONSOLE_* mask; 0 is console=none */
	struct uart_config com[2];    /* com1=, com2= */
	enum log_level loglvl, loglvl_rate_limited;
	enum log_level guest_loglvl, guest_loglvl_rate_limited;
	bool noreboot;
};

/* Called once per problem: the option's name (as typed) and what is wrong. */
typedef void (*cmdline_report_fn)(const char *option, const char *reason);

/* Defaults: com1 at 0x3f8/IRQ 4, com2 at 0x2f8/IRQ 3, 115200 8n1, console=com1,
 * loglvl=info, guest_loglvl=info. */
void boot_options_default(struct boot_options *opts);

/*
 * The arguments of a command line from the multiboot loader named loader
 * (its boot_loader_name, or NULL). GRUB 2 passes the arguments alone, for
 * tern and for each module; QEMU's -kernel and GRUB Legacy put the image's
 * path first ("build/tern.elf dom0_mem=..."), and Xen skips it. For those,
 * and for unknown loaders, the first word is dropped unless it holds '=' or
 * names an option (such as "noreboot"): then the loader passed no path.
 */
const char *cmdline_skip_image_name(const char *cmdline, const char *loader);

/*
 * Parses a NUL-terminated command line of space-separated options into opts
 * (which holds the defaults on entry). Never fails: problems go to report.
 */
void cmdline_parse(const char *cmdline, struct boot_options *opts, cmdline_report_fn report);

/* Writes the effective settings as one line of "name=value" words, for the boot log.
 * Returns the whole line's length, as snprintf; buf gets what fits, terminated. */
size_t boot_options_format(const struct boot_options *opts, char *buf, size_t len);

/* "<n>[K|M|G|T]" (no suffix: KiB, as Xen). Returns false on a malformed or overflowing size. */
bool parse_size(const char *s, const char **end, uint64_t *out);

#endif
