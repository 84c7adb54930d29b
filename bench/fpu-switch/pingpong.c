/*
 * pingpong: a test-guest kernel for bench/fpu-switch. Two of these on one
 * pCPU hand it to each other with SCHEDOP_yield, each dirtying all of
 * YMM0-15 (XMM0-15 without AVX) and MXCSR before every yield, so every
 * switch between them moves a full, modified extended state. After a
 * warm-up it alternates, on boundaries of the shared TSC (so both guests
 * are always in the same phase), between yield phases, which count yields,
 * and spin phases, which count iterations of a loop that never leaves the
 * guest. Spins measure how fast the emulated CPU runs just then, so yields
 * per spin do not depend on how busy the host is. Then it keeps yielding
 * for a while so that the other guest's window also falls where both run.
 * It prints
 *   pingpong: yields N spins S cycles C ymm|xmm
 * and powers off.
 */
#include "lib.h"

#include <public/sched.h>

const char test_title[] = "bench: yield ping-pong with dirty vector registers";

#define WARMUP (4ull << 30)  /* about 1.5 s at 2.6 GHz */
#define PHASE (1ull << 29)   /* about 0.2 s */
#define PHASES 32            /* 16 of each: about 6.5 s */
#define COOLDOWN (6ull << 30)

static uint8_t pattern[16][32];

static void dirty(bool avx, unsigned int n)
{
	uint32_t mxcsr = 0x1f80 | (n & 3) << 13;

	pattern[0][0] = (uint8_t)n;
	__asm__ volatile("ldmxcsr %0" : : "m"(mxcsr));
	vectors_load(pattern, avx);
}

/* Yields until end (TSC); returns how many. */
static unsigned long yield_until(bool avx, uint64_t end)
{
	unsigned long n = 0;

	while (rdtsc() < end) {
		dirty(avx, (unsigned int)n);
		sched_op(SCHEDOP_yield, NULL);
		n++;
	}
	return n;
}

/* Spins until end (TSC); returns how many iterations. */
static unsigned long spin_until(uint64_t end)
{
	unsigned long n = 0;

	while (rdtsc() < end) {
		for (unsigned int i = 0; i < 1000; i++)
			barrier();
		n++;
	}
	return n;
}

void test_main(void)
{
	uint32_t r[4];
	bool avx = false;
	uint64_t start, end, phase;
	unsigned long yields = 0, spins = 0;

	cpuid(1, 0, r);
	if (r[2] & (1u << 26) && r[2] & (1u << 28)) {
		uint64_t cr4 = read_cr4() | (1u << 9) | (1u << 18); /* OSFXSR, OSXSAVE */

		avx = write_cr4_safe(cr4) == TRAP_NONE && xsetbv_safe(0, 7) == TRAP_NONE;
	} else {
		write_cr4_safe(read_cr4() | (1u << 9));
	}
	yield_until(avx, rdtsc() + WARMUP);
	/* Phases start on multiples of PHASE, the same instants for both guests. */
	phase = rdtsc() / PHASE + 1;
	yield_until(avx, phase * PHASE);
	start = rdtsc();
	for (unsigned int i = 0; i < PHASES; i++, phase++) {
		if (phase & 1)
			spins += spin_until((phase + 1) * PHASE);
		else
			yields += yield_until(avx, (phase + 1) * PHASE);
	}
	end = rdtsc();
	yield_until(avx, end + COOLDOWN);
	printf("pingpong: yields %lu spins %lu cycles %lu %s\n", yields, spins, end - start,
	       avx ? "ymm" : "xmm");
}
