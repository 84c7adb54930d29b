/* compat32_pse: the 32-bit guest ABI test (lib32/compat_abi.c) with 2-level
 * page tables and 4 MiB pages: hypercall buffers are translated through
 * them. */
#include "lib32.h"

const char test_title[] = "32-bit guest ABI, PSE paging";
const enum guest32_paging guest32_paging = PAGING32_PSE;
