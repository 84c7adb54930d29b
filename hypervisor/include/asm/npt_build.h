/*
 * AMD's nested page tables (AMD64 long-mode, 4 levels), built and edited by
 * mm/p2m_build.c (asm/p2m_build.h) in this encoding.
 *
 * NPT entries have the layout of ordinary long-mode page-table entries; a
 * guest access (always a user access, AMD APM vol. 2, "Nested Paging") needs
 * P, RW and US set at every level. Every mapping here uses PAT index 0 (PWT,
 * PCD and PAT clear): write-back at the nested level, so the guest's own PAT
 * and MTRRs decide how MMIO is cached.
 */
#ifndef ASM_NPT_BUILD_H
#define ASM_NPT_BUILD_H

#include <asm/p2m_build.h>

#define NPT_P (1ull << 0)
#define NPT_RW (1ull << 1)
#define NPT_US (1ull << 2)
#define NPT_PWT (1ull << 3)
#define NPT_PCD (1ull << 4)
#define NPT_A (1ull << 5)
#define NPT_D (1ull << 6)
#define NPT_PS (1ull << 7)     /* 1 GiB page in a PDPTE, 2 MiB page in a PDE */
#define NPT_SHARED (1ull << 9) /* software bit: the table below is shared, copy it before a change */
#define NPT_NX (1ull << 63)

/* A present, writable, executable, write-back guest mapping; also used for tables. */
#define NPT_RWX (NPT_P | NPT_RW | NPT_US)

/* AMD's encoding for p2m_build.h's functions. */
extern const struct p2m_format npt_format;

#endif
