/*
 * Intel's EPT (Intel SDM vol. 3, "EPT Translation Mechanism"): the same four
 * levels and page sizes as AMD's nested tables, built by mm/p2m_build.c in
 * this encoding. An entry is present when it allows any of read, write or
 * execute; a table link allows all three (the leaf decides) and has bits
 * 3-7 clear, as the SDM requires. A page's memory type (bits 3-5) is
 * write-back with "ignore PAT" clear, so the guest's PAT decides how its
 * MMIO is cached, as with NPT's PAT index 0. Accessed and dirty flags
 * (bits 8, 9) stay off (the EPT pointer does not enable them).
 */
#ifndef ASM_EPT_H
#define ASM_EPT_H

#include <asm/p2m_build.h>

#define EPT_R (1ull << 0)
#define EPT_W (1ull << 1)
#define EPT_X (1ull << 2)
#define EPT_MEMTYPE_SHIFT 3
#define EPT_MEMTYPE_MASK (7ull << EPT_MEMTYPE_SHIFT)
#define EPT_MEMTYPE_WB (6ull << EPT_MEMTYPE_SHIFT)
#define EPT_IGNORE_PAT (1ull << 6)
#define EPT_PS (1ull << 7)      /* 1 GiB page in a PDPTE, 2 MiB page in a PDE */
#define EPT_A (1ull << 8)
#define EPT_D (1ull << 9)
#define EPT_SHARED (1ull << 11) /* ignored by the CPU: p2m_build.h's shared-table bit */
#define EPT_RWX (EPT_R | EPT_W | EPT_X)

/* The EPT pointer (VMCS field EPT_POINTER): write-back, a 4-level walk. */
#define EPTP_MEMTYPE_WB 6ull
#define EPTP_WALK_4 (3ull << 3)
#define EPTP(root) ((root) | EPTP_MEMTYPE_WB | EPTP_WALK_4)

/* EPT's encoding for p2m_build.h's functions. */
extern const struct p2m_format ept_format;

#endif
