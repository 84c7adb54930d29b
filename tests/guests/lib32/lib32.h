/*
 * The 32-bit test guests (tests/guests/compat32_*): the shared library
 * (lib.h: console, results, hypercalls in the i386 convention) compiled for
 * 32-bit code, and the paging mode each guest's main.c picks.
 */
#ifndef GUEST_LIB32_H
#define GUEST_LIB32_H

#include "lib.h"

enum guest32_paging {
	PAGING32_NONE,        /* protected mode, paging off */
	PAGING32_PSE,         /* 2-level tables, 4 MiB pages */
	PAGING32_PAE,         /* 3-level tables, 2 MiB pages */
};

/* What main.c defines, beside test_title. */
extern const enum guest32_paging guest32_paging;

/* The test every 32-bit guest runs (compat_abi.c). */
void test_main(void);

#endif
