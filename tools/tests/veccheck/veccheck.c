/*
 * veccheck SECONDS [sleep]: keeps the vector registers of this process live
 * and checks that they stay its own. In a loop: load XMM0-15 (YMM0-15 when
 * the kernel has enabled AVX), MXCSR and the x87 control word with a pattern
 * of its own, spin without touching them (with "sleep": sleep a millisecond
 * in nanosleep instead, so the guest's vCPU blocks and may wake on another
 * pCPU), read them back and compare. A hypervisor that does not switch
 * extended state between the domains of a pCPU, or that restores a stale
 * one after a vCPU moved, shows up as mismatches.
 *
 * Runs in a domU (tests/system/test_fpu_isolation.py), for SECONDS or, with
 * 0, until killed. Prints each of its first mismatches, a progress line
 * every five seconds and, at the end,
 *   VECCHECK done: checks N mismatches M avx A start T0 end T1
 * with T0/T1 wall-clock seconds (the guests' clocks come from the same
 * hypervisor, so windows of different guests can be compared).
 */
#include <cpuid.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NREGS 16
#define SPIN (1u << 21) /* a few milliseconds under emulation: long enough to be preempted */

struct regs {
	uint8_t v[NREGS][32];
	uint32_t mxcsr;
	uint16_t fcw;
};

static int has_avx(void)
{
	unsigned int a, b, c, d;
	uint32_t lo, hi;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_OSXSAVE) || !(c & bit_AVX))
		return 0;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (lo & 6) == 6; /* XCR0: SSE and AVX state enabled by the kernel */
}

/* With a timespec (%5): nanosleep(ts, NULL) by a raw system call, which
 * keeps the user's vector registers; else a spin of SPIN iterations. */
#define WAIT                                                                  \
	"test %5, %5\n\t jz 2f\n\t"                                          \
	"mov $35, %%eax\n\t mov %5, %%rdi\n\t xor %%esi, %%esi\n\t syscall\n\t" \
	"jmp 3f\n"                                                             \
	"2:\t mov %2, %%ecx\n"                                                 \
	"1:\t dec %%ecx\n\t jnz 1b\n"                                          \
	"3:\t"

/* Everything between the loads and the stores is one asm statement, so the
 * compiler cannot touch the registers in between. */
static void cycle_avx(const struct regs *in, struct regs *out, const struct timespec *sleep_ts)
{
	__asm__ volatile(
		"vmovdqu 0*32(%0), %%ymm0\n\t vmovdqu 1*32(%0), %%ymm1\n\t"
		"vmovdqu 2*32(%0), %%ymm2\n\t vmovdqu 3*32(%0), %%ymm3\n\t"
		"vmovdqu 4*32(%0), %%ymm4\n\t vmovdqu 5*32(%0), %%ymm5\n\t"
		"vmovdqu 6*32(%0), %%ymm6\n\t vmovdqu 7*32(%0), %%ymm7\n\t"
		"vmovdqu 8*32(%0), %%ymm8\n\t vmovdqu 9*32(%0), %%ymm9\n\t"
		"vmovdqu 10*32(%0), %%ymm10\n\t vmovdqu 11*32(%0), %%ymm11\n\t"
		"vmovdqu 12*32(%0), %%ymm12\n\t vmovdqu 13*32(%0), %%ymm13\n\t"
		"vmovdqu 14*32(%0), %%ymm14\n\t vmovdqu 15*32(%0), %%ymm15\n\t"
		"ldmxcsr %c3(%0)\n\t fldcw %c4(%0)\n\t"
		WAIT
		"vmovdqu %%ymm0, 0*32(%1)\n\t vmovdqu %%ymm1, 1*32(%1)\n\t"
		"vmovdqu %%ymm2, 2*32(%1)\n\t vmovdqu %%ymm3, 3*32(%1)\n\t"
		"vmovdqu %%ymm4, 4*32(%1)\n\t vmovdqu %%ymm5, 5*32(%1)\n\t"
		"vmovdqu %%ymm6, 6*32(%1)\n\t vmovdqu %%ymm7, 7*32(%1)\n\t"
		"vmovdqu %%ymm8, 8*32(%1)\n\t vmovdqu %%ymm9, 9*32(%1)\n\t"
		"vmovdqu %%ymm10, 10*32(%1)\n\t vmovdqu %%ymm11, 11*32(%1)\n\t"
		"vmovdqu %%ymm12, 12*32(%1)\n\t vmovdqu %%ymm13, 13*32(%1)\n\t"
		"vmovdqu %%ymm14, 14*32(%1)\n\t vmovdqu %%ymm15, 15*32(%1)\n\t"
		"stmxcsr %c3(%1)\n\t fnstcw %c4(%1)\n\t"
		"vzeroupper"
		: : "r"(in), "r"(out), "i"(SPIN), "i"(offsetof(struct regs, mxcsr)),
		    "i"(offsetof(struct regs, fcw)), "r"(sleep_ts)
		: "rax", "rcx", "rdi", "rsi", "r11", "memory", "cc");
}

static void cycle_sse(const struct regs *in, struct regs *out, const struct timespec *sleep_ts)
{
	__asm__ volatile(
		"movdqu 0*32(%0), %%xmm0\n\t movdqu 1*32(%0), %%xmm1\n\t"
		"movdqu 2*32(%0), %%xmm2\n\t movdqu 3*32(%0), %%xmm3\n\t"
		"movdqu 4*32(%0), %%xmm4\n\t movdqu 5*32(%0), %%xmm5\n\t"
		"movdqu 6*32(%0), %%xmm6\n\t movdqu 7*32(%0), %%xmm7\n\t"
		"movdqu 8*32(%0), %%xmm8\n\t movdqu 9*32(%0), %%xmm9\n\t"
		"movdqu 10*32(%0), %%xmm10\n\t movdqu 11*32(%0), %%xmm11\n\t"
		"movdqu 12*32(%0), %%xmm12\n\t movdqu 13*32(%0), %%xmm13\n\t"
		"movdqu 14*32(%0), %%xmm14\n\t movdqu 15*32(%0), %%xmm15\n\t"
		"ldmxcsr %c3(%0)\n\t fldcw %c4(%0)\n\t"
		WAIT
		"movdqu %%xmm0, 0*32(%1)\n\t movdqu %%xmm1, 1*32(%1)\n\t"
		"movdqu %%xmm2, 2*32(%1)\n\t movdqu %%xmm3, 3*32(%1)\n\t"
		"movdqu %%xmm4, 4*32(%1)\n\t movdqu %%xmm5, 5*32(%1)\n\t"
		"movdqu %%xmm6, 6*32(%1)\n\t movdqu %%xmm7, 7*32(%1)\n\t"
		"movdqu %%xmm8, 8*32(%1)\n\t movdqu %%xmm9, 9*32(%1)\n\t"
		"movdqu %%xmm10, 10*32(%1)\n\t movdqu %%xmm11, 11*32(%1)\n\t"
		"movdqu %%xmm12, 12*32(%1)\n\t movdqu %%xmm13, 13*32(%1)\n\t"
		"movdqu %%xmm14, 14*32(%1)\n\t movdqu %%xmm15, 15*32(%1)\n\t"
		"stmxcsr %c3(%1)\n\t fnstcw %c4(%1)"
		: : "r"(in), "r"(out), "i"(SPIN), "i"(offsetof(struct regs, mxcsr)),
		    "i"(offsetof(struct regs, fcw)), "r"(sleep_ts)
		: "rax", "rcx", "rdi", "rsi", "r11", "memory", "cc");
}

/* A pattern no other process or guest will have: seeded per process. */
static void fill(struct regs *r, uint64_t seed, uint64_t n)
{
	uint64_t x = seed ^ (n * 0x9e3779b97f4a7c15ull);

	for (int i = 0; i < NREGS; i++)
		for (int b = 0; b < 32; b += 8) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			memcpy(&r->v[i][b], &x, 8);
		}
	r->mxcsr = 0x1f80 | (uint32_t)(n & 3) << 13; /* all masked, rounding varies */
	r->fcw = (uint16_t)(0x037f | (n >> 2 & 3) << 10);
}

static double now(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int differs(const struct regs *a, const struct regs *b, int width)
{
	for (int i = 0; i < NREGS; i++)
		if (memcmp(a->v[i], b->v[i], width))
			return 1;
	return a->mxcsr != b->mxcsr || a->fcw != b->fcw;
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 30;
	int avx = has_avx(), width = avx ? 32 : 16;
	static const struct timespec ms = { 0, 1000000 };
	const struct timespec *sleep_ts = argc > 2 && !strcmp(argv[2], "sleep") ? &ms : NULL;
	uint64_t seed = (uint64_t)getpid() << 32 ^ (uint64_t)(now(CLOCK_REALTIME) * 1e6);
	double start = now(CLOCK_MONOTONIC), wall0 = now(CLOCK_REALTIME), report = start + 5;
	unsigned long checks = 0, mismatches = 0;
	struct regs in, out;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("VECCHECK start: %s, %.0f s%s\n", avx ? "ymm0-15 (AVX)" : "xmm0-15 (SSE)", seconds,
	       sleep_ts ? ", sleeping in each check" : "");
	while (seconds <= 0 || now(CLOCK_MONOTONIC) - start < seconds) {
		fill(&in, seed, checks);
		memset(&out, 0, sizeof(out));
		if (avx)
			cycle_avx(&in, &out, sleep_ts);
		else
			cycle_sse(&in, &out, sleep_ts);
		checks++;
		if (differs(&in, &out, width)) {
			if (mismatches++ < 5)
				printf("VECCHECK mismatch at check %lu: xmm0 %016lx.. got %016lx.., "
				       "mxcsr %#x got %#x, fcw %#x got %#x\n", checks,
				       *(uint64_t *)in.v[0], *(uint64_t *)out.v[0], in.mxcsr, out.mxcsr,
				       in.fcw, out.fcw);
		}
		if (now(CLOCK_MONOTONIC) >= report) {
			printf("VECCHECK progress: checks %lu mismatches %lu\n", checks, mismatches);
			report += 5;
		}
	}
	printf("VECCHECK done: checks %lu mismatches %lu avx %d start %.0f end %.0f\n", checks,
	       mismatches, avx, wall0, now(CLOCK_REALTIME));
	return mismatches != 0;
}
