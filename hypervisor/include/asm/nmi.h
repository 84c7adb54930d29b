/*
 * Non-maskable interrupts that reach tern: every vCPU intercepts them, so an
 * NMI always lands in tern's handler on the pCPU that took it, which only
 * counts it there (nothing else is safe in NMI context). What becomes of it
 * is decided later, in normal context: on CPU0, dom0's pCPU, it is dom0's
 * and is injected into dom0 (svm/nmi.c); on the pCPUs that run domUs, which
 * own no NMI source, it is dropped with a rate-limited log line.
 */
#ifndef ASM_NMI_H
#define ASM_NMI_H

#include <tern/types.h>

/* The NMI handler proper (traps.c calls it for vector 2). */
void nmi_handle(void);

/* Takes this pCPU's NMIs that arrived since the last call (0: none); once
 * the machine is halting, halts this pCPU instead. */
unsigned int nmi_take_pending(void);

/* On a pCPU that runs domUs: drops its pending NMIs, saying so at most a
 * few times a minute. */
void nmi_drop_pending(void);

#endif
