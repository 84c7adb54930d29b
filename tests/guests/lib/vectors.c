/*
 * The vector registers as a block: XMM0-15, or YMM0-15 once the guest has
 * enabled AVX, loaded from or stored to 16 x 32 bytes (lib.h).
 */
#include "lib.h"

void vectors_load(const uint8_t (*v)[32], bool ymm)
{
	if (ymm)
		__asm__ volatile(
			"vmovdqu 0(%0), %%ymm0\n vmovdqu 32(%0), %%ymm1\n vmovdqu 64(%0), %%ymm2\n"
			"vmovdqu 96(%0), %%ymm3\n vmovdqu 128(%0), %%ymm4\n vmovdqu 160(%0), %%ymm5\n"
			"vmovdqu 192(%0), %%ymm6\n vmovdqu 224(%0), %%ymm7\n vmovdqu 256(%0), %%ymm8\n"
			"vmovdqu 288(%0), %%ymm9\n vmovdqu 320(%0), %%ymm10\n vmovdqu 352(%0), %%ymm11\n"
			"vmovdqu 384(%0), %%ymm12\n vmovdqu 416(%0), %%ymm13\n vmovdqu 448(%0), %%ymm14\n"
			"vmovdqu 480(%0), %%ymm15" : : "r"(v) : "memory");
	else
		__asm__ volatile(
			"movdqu 0(%0), %%xmm0\n movdqu 32(%0), %%xmm1\n movdqu 64(%0), %%xmm2\n"
			"movdqu 96(%0), %%xmm3\n movdqu 128(%0), %%xmm4\n movdqu 160(%0), %%xmm5\n"
			"movdqu 192(%0), %%xmm6\n movdqu 224(%0), %%xmm7\n movdqu 256(%0), %%xmm8\n"
			"movdqu 288(%0), %%xmm9\n movdqu 320(%0), %%xmm10\n movdqu 352(%0), %%xmm11\n"
			"movdqu 384(%0), %%xmm12\n movdqu 416(%0), %%xmm13\n movdqu 448(%0), %%xmm14\n"
			"movdqu 480(%0), %%xmm15" : : "r"(v) : "memory");
}

void vectors_store(uint8_t (*v)[32], bool ymm)
{
	if (ymm)
		__asm__ volatile(
			"vmovdqu %%ymm0, 0(%0)\n vmovdqu %%ymm1, 32(%0)\n vmovdqu %%ymm2, 64(%0)\n"
			"vmovdqu %%ymm3, 96(%0)\n vmovdqu %%ymm4, 128(%0)\n vmovdqu %%ymm5, 160(%0)\n"
			"vmovdqu %%ymm6, 192(%0)\n vmovdqu %%ymm7, 224(%0)\n vmovdqu %%ymm8, 256(%0)\n"
			"vmovdqu %%ymm9, 288(%0)\n vmovdqu %%ymm10, 320(%0)\n vmovdqu %%ymm11, 352(%0)\n"
			"vmovdqu %%ymm12, 384(%0)\n vmovdqu %%ymm13, 416(%0)\n vmovdqu %%ymm14, 448(%0)\n"
			"vmovdqu %%ymm15, 480(%0)" : : "r"(v) : "memory");
	else
		__asm__ volatile(
			"movdqu %%xmm0, 0(%0)\n movdqu %%xmm1, 32(%0)\n movdqu %%xmm2, 64(%0)\n"
			"movdqu %%xmm3, 96(%0)\n movdqu %%xmm4, 128(%0)\n movdqu %%xmm5, 160(%0)\n"
			"movdqu %%xmm6, 192(%0)\n movdqu %%xmm7, 224(%0)\n movdqu %%xmm8, 256(%0)\n"
			"movdqu %%xmm9, 288(%0)\n movdqu %%xmm10, 320(%0)\n movdqu %%xmm11, 352(%0)\n"
			"movdqu %%xmm12, 384(%0)\n movdqu %%xmm13, 416(%0)\n movdqu %%xmm14, 448(%0)\n"
			"movdqu %%xmm15, 480(%0)" : : "r"(v) : "memory");
}

