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

/*
 * Takes the page at va out of the map, splitting the large page around it
 * (tables from the page allocator); on this CPU the old translation is
 * flushed, on others it may linger. 0, -ENOMEM, or -EINVAL if va is not
 * mapped. For guard pages, at boot: nothing ever maps the page again.
 */
int paging_unmap_page(uintptr_t va);

#endif
