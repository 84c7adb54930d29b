/*
 * An unmapped page right below every CPU's stack: a stack that overflows
 * takes a page fault there (reported with the registers, traps.c) instead of
 * writing over what lies below (CPU0's boot stack sits above head.S's page
 * directories). The page fault has an IST stack of its own, since the stack
 * that overflowed cannot take its frame.
 */
#include <asm/paging.h>
#include <asm/percpu.h>
#include <asm/stack_guard.h>
#include <tern/mm.h>

#define STACK_ORDER 2 /* STACK_SIZE */
_Static_assert((PAGE_SIZE << STACK_ORDER) == STACK_SIZE, "stack order");

int stack_guard_install(const struct percpu *cpu)
{
	return paging_unmap_page(cpu->stack_bottom - PAGE_SIZE);
}

void *stack_alloc_guarded(void)
{
	/* 8 pages: the top 4 the stack, the one below its guard; the lowest 3
	 * go back to the allocator (as 2 + 1: blocks are split in halves). */
	uint8_t *block = alloc_pages(STACK_ORDER + 1);

	if (!block)
		return NULL;
	split_pages(block, STACK_ORDER + 1);
	split_pages(block, STACK_ORDER);
	split_pages(block + 2 * PAGE_SIZE, STACK_ORDER - 1);
	free_pages(block, STACK_ORDER - 1);
	free_pages(block + 2 * PAGE_SIZE, 0);
	return block + 4 * PAGE_SIZE;
}

bool stack_guard_hit(const struct percpu *cpu, uint64_t addr)
{
	return addr < cpu->stack_bottom && addr >= cpu->stack_bottom - PAGE_SIZE;
}
