/* compat32_longmode: the 32-bit guest ABI test (lib32/compat_abi.c) run in
 * long mode from a 32-bit code segment (compatibility mode, as a 64-bit
 * kernel running 32-bit code), then 64-bit calls from a 64-bit code segment
 * (lib32/long_mode_abi.c). */
#include "lib32.h"

const char test_title[] = "32-bit guest ABI from compatibility mode, then 64-bit calls";
const enum guest32_paging guest32_paging = PAGING32_LONG;
