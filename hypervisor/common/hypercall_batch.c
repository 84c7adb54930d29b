/* See tern/hypercall_batch.h. */
#include <public/memory.h>
#include <tern/errno.h>
#include <tern/hypercall_batch.h>

int batch_step(uint64_t addr, uint64_t count, size_t size, uint64_t step, struct batch_step *out)
{
	*out = (struct batch_step){ 0, addr, 0 };
	if (size && (count > UINT64_MAX / size || addr + count * size < addr))
		return -EFAULT;
	out->n = MIN(count, step);
	out->next_addr = addr + out->n * size;
	out->left = count - out->n;
	return 0;
}

uint64_t memop_resume_cmd(unsigned int op, uint64_t next)
{
	return (op & MEMOP_CMD_MASK) | next << MEMOP_EXTENT_SHIFT;
}

uint64_t memop_resume_point(uint64_t cmd)
{
	return cmd >> MEMOP_EXTENT_SHIFT;
}

bool memop_batch_fits(uint64_t n, uint64_t arg_max)
{
	return n <= arg_max >> MEMOP_EXTENT_SHIFT;
}
