/*
 * Timing without interrupts: PIT channel 2 counts down a known interval while
 * we read the TSC; after that, delays spin on the TSC.
 */
#include <asm/cpu.h>
#include <asm/io.h>
#include <asm/time.h>
#include <tern/arch.h>

#define PIT_HZ 1193182
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PIT_GATE 0x61          /* bit 0: gate of channel 2, bit 1: speaker, bit 5: output */
#define PIT_CH2_ONESHOT 0xb0   /* channel 2, lo/hi byte, mode 0 */
#define CALIBRATE_MS 20
#define CALIBRATE_ROUNDS 3

uint64_t tsc_khz;

/* Starts a one-shot countdown on channel 2 and waits for it (at most 50 ms). */
static void pit_wait(unsigned int ms)
{
	uint16_t count = (uint16_t)(PIT_HZ * ms / 1000);
	/* A missing PIT must not hang us: bound the poll. */
	unsigned long polls = 50000000;

	outb(PIT_GATE, (inb(PIT_GATE) & ~0x02) | 0x01);
	outb(PIT_CMD, PIT_CH2_ONESHOT);
	outb(PIT_CH2, (uint8_t)count);
	outb(PIT_CH2, (uint8_t)(count >> 8));
	while (!(inb(PIT_GATE) & 0x20) && --polls)
		;
}

uint64_t tsc_calibrate(void)
{
	uint64_t best = UINT64_MAX;

	for (int i = 0; i < CALIBRATE_ROUNDS; i++) {
		uint64_t start = rdtsc();

		pit_wait(CALIBRATE_MS);
		uint64_t ticks = rdtsc() - start;
		if (ticks < best)
			best = ticks;
	}
	tsc_khz = best / CALIBRATE_MS;
	return tsc_khz;
}

void udelay(unsigned int us)
{
	if (!tsc_khz) {
		mdelay((us + 999) / 1000);
		return;
	}
	uint64_t end = rdtsc() + tsc_khz * us / 1000;
	while (rdtsc() < end)
		cpu_relax();
}

void mdelay(unsigned int ms)
{
	if (!tsc_khz) {
		for (; ms >= 10; ms -= 10)
			pit_wait(10);
		if (ms)
			pit_wait(ms);
		return;
	}
	udelay(ms * 1000);
}

uint64_t system_time_ns(void)
{
	if (!tsc_khz)
		return 0;
	/* In two steps so that years of uptime do not overflow 64 bits. */
	uint64_t tsc = rdtsc();
	return tsc / tsc_khz * 1000000 + tsc % tsc_khz * 1000000 / tsc_khz;
}
