/*
 * The hypervisor console: every line goes to the console ring (read by
 * `xl dmesg`) and to the outputs console= selects (COM1/COM2, VGA), each line
 * prefixed "(tern) ". Lines above the loglvl= threshold are dropped.
 */
#ifndef TERN_CONSOLE_H
#define TERN_CONSOLE_H

#include <tern/cmdline.h>
#include <tern/conring.h>

/*
 * Switches on the outputs the options select and replays to them what was
 * printed before (into the ring only), so no early line is lost.
 */
void console_init(const struct boot_options *opts);

/* Switches on COM1 with its firmware settings if no output is on yet and the
 * administrator did not ask for console=none: used when the hypervisor dies
 * before console_init(). */
void console_init_emergency(void);

void printk(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A line of a guest's console output (console_io): shown per guest_loglvl=. */
void printk_guest(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define pr_err(...) printk(LOG_ERR, __VA_ARGS__)
#define pr_warn(...) printk(LOG_WARNING, __VA_ARGS__)
#define pr_info(...) printk(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) printk(LOG_DEBUG, __VA_ARGS__)

/* Prints the reason framed as Xen does, then reboots after five seconds or,
 * with `noreboot`, halts. */
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

/*
 * Reads the console ring from *pos (moved forward to the oldest byte still
 * held) into out, advancing *pos; with clear, forgets everything written so
 * far afterwards. Returns the bytes copied. (sysctl readconsole, xl dmesg)
 */
size_t console_read(uint64_t *pos, char *out, size_t len, bool clear);

#endif
