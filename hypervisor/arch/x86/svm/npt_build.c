/* AMD's nested-table encoding for mm/p2m_build.c. */
#include <asm/npt_build.h>

/* Reads come with present; a guest access is a user access at the nested level. */
static uint64_t npt_leaf_flags(unsigned int access)
{
	return NPT_P | NPT_US | (access & P2M_W ? NPT_RW : 0) | (access & P2M_X ? 0 : NPT_NX);
}

const struct p2m_format npt_format = {
	.present = NPT_P,
	.large = NPT_PS,
	.shared = NPT_SHARED,
	.table = NPT_RWX,
	.writable = NPT_RW | NPT_US,
	.ignored_for_merge = NPT_A | NPT_D,
	.leaf_rwx = NPT_RWX,
	.leaf_flags = npt_leaf_flags,
};
