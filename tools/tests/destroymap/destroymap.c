/*
 * destroymap: a foreign mapping held across the mapped domain's destruction.
 *
 *   destroymap [-g GREF] DOMID GFN COMMAND
 *
 * Maps guest frame GFN of domain DOMID through /dev/xen/privcmd, fills it
 * with a marker and reads the marker back, runs COMMAND with sh -c (the
 * test passes `xl destroy DOMID`), then reads the still-mapped page again:
 * it must no longer show the marker, since the destroyed domain's frame
 * went back to the heap and may belong to another domain or the hypervisor
 * by now (tern points the mapping at dom0's scratch region instead). It then
 * writes through the mapping and unmaps it, both of which must work.
 * With -g it also maps grant GREF of DOMID through /dev/xen/gntdev, which
 * must show GRANT_TEXT (the grant_map test guest's page) before COMMAND and
 * not after; then it is unmapped (GNTTABOP_unmap_grant_ref in the kernel)
 * and released.
 * Prints "destroymap: ok" and exits 0, or says what went wrong and exits 1.
 */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ternctl.h"

#define PAGE 4096u
#define MARKER "TERN-DESTROYMAP-MARKER:"
#define GRANT_TEXT "TERN-GRANT-PAGE;"
/* A grant mapped through gntdev (libternctl), kept across the destroy. */
struct grant_map {
	struct tc_gntdev dev;
	struct tc_grant_map map;
	volatile char *page;
};

/* The marker text repeated over the page, with this process's id in it. */
static void fill_marker(char *buf)
{
	char word[64];
	size_t len = (size_t)snprintf(word, sizeof(word), MARKER "%ld;", (long)getpid());

	for (size_t off = 0; off < PAGE; off++)
		buf[off] = word[off % len];
}

static int fail(const char *what)
{
	fprintf(stderr, "destroymap: %s\n", what);
	return 1;
}

/* Whether the page holds text anywhere. */
static bool shows(volatile const char *page, const char *text)
{
	static char copy[PAGE];

	memcpy(copy, (const char *)page, PAGE);
	return memmem(copy, PAGE, text, strlen(text)) != NULL;
}

static int grant_map(struct grant_map *g, uint32_t domid, uint32_t ref)
{
	int rc = tc_gntdev_open(&g->dev);

	if (rc == 0)
		rc = tc_gntdev_map(&g->dev, (uint16_t)domid, &ref, 1, PROT_READ | PROT_WRITE, &g->map);
	if (rc == 0)
		g->page = g->map.addr;
	return rc;
}

/* munmap unmaps the grant (GNTTABOP_unmap_grant_ref); the ioctl frees it. */
static int grant_unmap(struct grant_map *g)
{
	int rc = tc_gntdev_unmap(&g->dev, &g->map);

	tc_gntdev_close(&g->dev);
	return rc;
}

int main(int argc, char **argv)
{
	static char marker[PAGE];
	struct grant_map g = { .dev = { -1 } };
	struct tc_handle h;
	volatile char *page;
	long gref = -1, domid;
	uint64_t gfn;
	char *end;
	int err = 0, status, rc, opt;

	while ((opt = getopt(argc, argv, "g:")) != -1) {
		if (opt != 'g')
			return fail("usage: destroymap [-g GREF] DOMID GFN COMMAND");
		gref = strtol(optarg, &end, 0);
		if (*end || gref < 0)
			return fail("GREF: a grant reference");
	}
	argc -= optind - 1;
	argv += optind - 1;
	if (argc != 4)
		return fail("usage: destroymap [-g GREF] DOMID GFN COMMAND");
	domid = strtol(argv[1], &end, 0);
	if (*end || domid <= 0 || domid >= 0x7ff0)
		return fail("DOMID: a domU's id");
	gfn = strtoull(argv[2], &end, 0);
	if (*end)
		return fail("GFN: a number");
	rc = tc_open(&h, NULL);
	if (rc) {
		fprintf(stderr, "destroymap: %s: %s\n", TC_PRIVCMD_PATH, strerror(-rc));
		return 1;
	}
	page = tc_map_foreign(&h, (uint16_t)domid, PROT_READ | PROT_WRITE, &gfn, &err, 1);
	if (!page || err) {
		fprintf(stderr, "destroymap: cannot map gfn %#llx of domain %ld: %s\n",
			(unsigned long long)gfn, domid, strerror(page ? -err : errno));
		return 1;
	}
	fill_marker(marker);
	memcpy((char *)page, marker, PAGE);
	if (!shows(page, MARKER))
		return fail("the mapped page did not keep the marker before the destroy");
	printf("destroymap: domain %ld gfn %#llx mapped, marker written\n", domid,
	       (unsigned long long)gfn);
	if (gref >= 0) {
		rc = grant_map(&g, (uint32_t)domid, (uint32_t)gref);
		if (rc) {
			fprintf(stderr, "destroymap: cannot map grant %ld of domain %ld: %s\n", gref,
				domid, strerror(-rc));
			return 1;
		}
		if (!shows(g.page, GRANT_TEXT))
			return fail("the grant mapping does not show the granted page");
		printf("destroymap: grant %ld mapped\n", gref);
	}
	fflush(stdout);

	status = system(argv[3]);
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "destroymap: `%s` failed (status %#x)\n", argv[3], status);
		return 1;
	}

	/* The destroyed domain's frames must not be reachable any more. */
	if (shows(page, MARKER))
		return fail("after the destroy the mapping still shows the destroyed "
			    "domain's page (the marker)");
	if (g.page && shows(g.page, GRANT_TEXT))
		return fail("after the destroy the grant mapping still shows the granted page");
	/* Writing there is harmless and must not fault. */
	memset((char *)page, 0x5a, PAGE);
	if (g.page)
		memset((char *)g.page, 0x5a, PAGE);
	if (tc_unmap_foreign((void *)page, 1))
		return fail("munmap of the mapping failed");
	if (g.page) {
		rc = grant_unmap(&g);
		if (rc) {
			fprintf(stderr, "destroymap: unmapping the grant failed: %s\n", strerror(-rc));
			return 1;
		}
	}
	tc_close(&h);
	printf("destroymap: ok\n");
	return 0;
}
