/* State set up once at boot and read everywhere after. */
#ifndef TERN_SETUP_H
#define TERN_SETUP_H

#include <tern/cmdline.h>
#include <tern/e820.h>

#define MAX_BOOT_MODULES 8
#define BOOT_STRING_MAX 1024

struct boot_module {
	paddr_t start;
	paddr_t end; /* exclusive */
	char string[BOOT_STRING_MAX]; /* the module's command line */
};

/* What the bootloader handed over, copied out of its structures. */
struct boot_info {
	char cmdline[BOOT_STRING_MAX];
	bool cmdline_truncated;
	char loader_name[64];
	struct e820_map map;
	unsigned int nr_modules;
	struct boot_module module[MAX_BOOT_MODULES];
	unsigned int modules_dropped;
};

extern struct boot_options boot_options;
extern struct boot_info boot_info;

#endif
