/* The hypervisor's own page tables: one-to-one (virtual == physical). */
#ifndef ASM_PAGING_H
#define ASM_PAGING_H

#include <tern/types.h>

/* Everything below this address is mapped one-to-one (head.S maps 4 GiB). */
extern paddr_t direct_map_end;

/*
 * Extends the one-to-one map to cover [0, end), with 1 GiB pages where the
 * CPU has them, else 2 MiB pages in tables from the page allocator.
 * Returns 0 or -ENOMEM.
 */
int paging_extend_direct_map(paddr_t end);

#endif
