/* compat32_pae: the 32-bit guest ABI test (lib32/compat_abi.c) with PAE page
 * tables (as Debian's 686-pae kernel runs). */
#include "lib32.h"

const char test_title[] = "32-bit guest ABI, PAE paging";
const enum guest32_paging guest32_paging = PAGING32_PAE;
