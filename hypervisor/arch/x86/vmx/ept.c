/* Intel's EPT encoding for mm/p2m_build.c. */
#include <asm/ept.h>

static uint64_t ept_leaf_flags(unsigned int access)
{
	return EPT_R | (access & P2M_W ? EPT_W : 0) | (access & P2M_X ? EPT_X : 0) | EPT_MEMTYPE_WB;
}

const struct p2m_format ept_format = {
	.present = EPT_RWX,
	.large = EPT_PS,
	.shared = EPT_SHARED,
	.table = EPT_RWX,
	.writable = EPT_W,
	.ignored_for_merge = EPT_A | EPT_D,
	.leaf_rwx = EPT_RWX | EPT_MEMTYPE_WB,
	.leaf_flags = ept_leaf_flags,
};
