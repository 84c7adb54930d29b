/* What common code asks of the architecture. */
#ifndef TERN_ARCH_H
#define TERN_ARCH_H

#include <tern/cmdline.h>

struct uart_config;

/* A console output: a name for the log and a function that writes bytes. */
struct console_output {
	const char *name;
	void (*write)(const struct console_output *out, const char *text, size_t len);
	uint16_t io_base; /* UARTs */
};

/* Programs the UART as configured; returns false if nothing answers there. */
bool uart_init(struct console_output *out, const struct uart_config *cfg);
void vga_init(struct console_output *out);

/* Busy-waits; precise once the TSC is calibrated, PIT-timed before. */
void mdelay(unsigned int ms);
void udelay(unsigned int us);

/* Nanoseconds since the CPU's TSC started counting (0 before calibration). */
uint64_t system_time_ns(void);

/* Wall-clock seconds since 1970 from the RTC (0 if it makes no sense). */
uint64_t rtc_read_seconds(void);

/* Resets the machine (never returns). */
__attribute__((noreturn)) void machine_restart(void);
/* Stops every CPU but this one and halts this one. */
__attribute__((noreturn)) void machine_halt(void);
/* Whether machine_halt() has begun: every CPU that notices stops too. */
bool machine_halting(void);

unsigned int smp_processor_id(void);
/* The pCPUs domUs may run on (bit n = pCPU n): those dom0 does not own. */
uint64_t arch_domu_cpus(void);

#endif
