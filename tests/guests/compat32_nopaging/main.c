/* compat32_nopaging: the 32-bit guest ABI test (lib32/compat_abi.c) from
 * 32-bit protected mode with paging off, as the PVH entry leaves it. */
#include "lib32.h"

const char test_title[] = "32-bit guest ABI, no paging";
const enum guest32_paging guest32_paging = PAGING32_NONE;
