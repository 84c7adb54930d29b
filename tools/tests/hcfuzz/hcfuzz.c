/*
 * hcfuzz: random hypercalls from dom0 user space through /dev/xen/privcmd.
 *
 *   hcfuzz [-n COUNT] [-s SEED] [-v] [-d DEVICE]
 *
 * Issues COUNT (default 1000) hypercalls with random numbers 0..63 and random
 * arguments: small and edge-case integers, pointers into its own memory
 * (read-write, read-only, never-touched pages, straddling the end of the
 * mapping), into a reserved hole with nothing mapped, and non-canonical
 * addresses; sysctl and domctl often get a well-formed header with a random
 * op. Calls that would legitimately stop or damage dom0 are skipped (policy.c).
 * Nothing is checked but survival: the hypervisor must answer every call and
 * dom0 must go on. With -v each call is printed before it is made, so the
 * last line seen before a crash names the culprit; -s makes a run repeatable.
 * Prints "hcfuzz: N calls, M errors returned" at the end (N = calls made,
 * M = those that returned a negative errno); exits 0, or 1 on a usage or
 * setup error.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <public/domctl.h>
#include <public/sysctl.h>

#include "policy.h"
#include "ternctl.h"

#define PAGE 4096u
#define RW_PAGES 4u
/* Layout of the fuzzer's mapping, in pages: guard | rw x4 | ro | untouched x2 | guard */
#define MAP_PAGES (1u + RW_PAGES + 1u + 2u + 1u)
#define HOLE_LEN (1u << 20)

struct fuzz {
	uint64_t rng;
	uint8_t *map;  /* the whole mapping */
	uint8_t *rw, *ro, *untouched, *guard_end;
	uint8_t *hole; /* PROT_NONE, never populated */
	struct hcf_arena arena;
};

/* xorshift64*: small, fast, and the same sequence for the same seed. */
static uint64_t rnd(struct fuzz *f)
{
	f->rng ^= f->rng >> 12;
	f->rng ^= f->rng << 25;
	f->rng ^= f->rng >> 27;
	return f->rng * 0x2545f4914f6cdd1dull;
}

static uint64_t rnd_below(struct fuzz *f, uint64_t n)
{
	return n ? rnd(f) % n : 0;
}

static uint64_t addr_of(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/*
 * One argument word. Every value is safe to be taken as an address by the
 * hypervisor: it is the fuzzer's own memory, somewhere nothing is mapped, or
 * not an address at all (non-canonical, or too low or high to be mapped).
 */
static uint64_t rnd_word(struct fuzz *f)
{
	static const uint64_t edges[] = {
		0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0xfff, 0x1000, 0x7fff, 0x8000, 0xffff,
		0x7ff0, 0x7ff1, 0x7ff2, 0x7ff4, 0x7fff, 0x7fffffff, 0x80000000, 0xffffffff,
		0x100000000ull, ~0ull, ~0ull - 1, 0x8000000000000000ull,
	};

	switch (rnd_below(f, 12)) {
	case 0:
	case 1:
		return rnd_below(f, 16);
	case 2:
		return edges[rnd_below(f, sizeof(edges) / sizeof(edges[0]))];
	case 3:
		return rnd_below(f, 0x10000);
	case 4:
		return (uint32_t)rnd(f);
	case 5: /* read-write memory, sometimes aligned */
		return addr_of(f->rw) + (rnd_below(f, 2) ? rnd_below(f, RW_PAGES * PAGE) & ~7ull :
					rnd_below(f, RW_PAGES * PAGE));
	case 6: /* near the end of the read-write memory: runs into the ro page */
		return addr_of(f->ro) - rnd_below(f, 256);
	case 7: /* read-only, then never-touched pages, then the guard */
		return addr_of(f->ro) + rnd_below(f, 4 * PAGE);
	case 8: /* nothing mapped */
		return addr_of(f->hole) + rnd_below(f, HOLE_LEN);
	case 9: /* the first page of the address space */
		return rnd_below(f, PAGE);
	case 10: /* non-canonical: bit 63 set, bits 62..47 clear */
		return 0x8000000000000000ull | (rnd(f) & 0x00007fffffffffffull);
	default:
		return addr_of(f->rw) + rnd_below(f, 64) * 8;
	}
}

static void fill_rw(struct fuzz *f)
{
	uint64_t *w = (uint64_t *)(void *)f->rw;

	for (size_t i = 0; i < RW_PAGES * PAGE / 8; i++)
		w[i] = rnd_word(f);
}

/* A well-formed sysctl/domctl header at a random aligned place in rw memory. */
static uint64_t make_ctl(struct fuzz *f, int domctl)
{
	static const uint16_t doms[] = { 0, 1, 2, 5, DOMID_SELF, DOMID_IO, DOMID_XEN,
					 DOMID_INVALID, DOMID_IDLE, 0xffff };
	size_t off = rnd_below(f, (RW_PAGES * PAGE - sizeof(struct tern_sysctl)) / 8) * 8;
	struct tern_sysctl *s = (void *)(f->rw + off);
	uint32_t known[] = { 1, 2, 3, 4, 5, 6, 9, 11, 12, 14, 15, 60, 61 };

	s->cmd = rnd_below(f, 4) ? known[rnd_below(f, sizeof(known) / sizeof(known[0]))]
				 : (uint32_t)rnd_below(f, 100);
	s->interface_version = rnd_below(f, 10) ? (domctl ? TERN_DOMCTL_INTERFACE_VERSION :
						    TERN_SYSCTL_INTERFACE_VERSION) : (uint32_t)rnd(f);
	s->domain = domctl ? doms[rnd_below(f, sizeof(doms) / sizeof(doms[0]))] :
			     (rnd_below(f, 8) ? 0 : (uint16_t)rnd(f));
	if (rnd_below(f, 4))
		memset(s->pad0, 0, sizeof(s->pad0));
	/* Mostly-zero op fields pass the reserved-field checks and reach the op. */
	if (rnd_below(f, 2)) {
		uint8_t *u = (uint8_t *)&s->u;

		for (size_t i = 0; i < sizeof(s->u); i++)
			if (rnd_below(f, 4))
				u[i] = 0;
		if (!domctl && s->cmd == TERN_SYSCTL_readconsole) {
			s->u.readconsole.clear = 0;
			s->u.readconsole.incremental = (uint8_t)rnd_below(f, 3);
		}
	}
	return addr_of(s);
}

static int setup(struct fuzz *f)
{
	f->map = mmap(NULL, MAP_PAGES * PAGE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	f->hole = mmap(NULL, HOLE_LEN, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (f->map == MAP_FAILED || f->hole == MAP_FAILED)
		return -errno;
	f->rw = f->map + PAGE;
	f->ro = f->rw + RW_PAGES * PAGE;
	f->untouched = f->ro + PAGE;
	f->guard_end = f->untouched + 2 * PAGE;
	/* Present pages: the rw ones (locked) and the ro one (private, filled
	 * first so it is not the shared zero page). */
	memset(f->rw, 0, RW_PAGES * PAGE + PAGE);
	(void)mlock(f->rw, RW_PAGES * PAGE + PAGE);
	memset(f->ro, 0xa5, PAGE);
	if (mprotect(f->map, PAGE, PROT_NONE) < 0 || mprotect(f->ro, PAGE, PROT_READ) < 0 ||
	    mprotect(f->guard_end, PAGE, PROT_NONE) < 0)
		return -errno;
	f->arena.start = addr_of(f->rw);
	f->arena.end = addr_of(f->guard_end);
	f->arena.rw = f->rw;
	f->arena.rw_len = RW_PAGES * PAGE;
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: hcfuzz [-n COUNT] [-s SEED] [-v] [-d DEVICE]\n");
}

int main(int argc, char **argv)
{
	/* Numbers tern implements come up half of the time. */
	static const uint64_t families[] = { 12, 13, 17, 18, 20, 24, 29, 32, 33, 34, 35, 36 };
	struct tc_handle h = { -1 };
	struct fuzz f;
	unsigned long count = 1000, calls = 0, errors = 0, skipped = 0;
	uint64_t seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	const char *dev = NULL;
	int opt, verbose = 0, rc;

	while ((opt = getopt(argc, argv, "n:s:vd:h")) != -1) {
		char *end;

		switch (opt) {
		case 'n':
			count = strtoul(optarg, &end, 0);
			if (*end) {
				usage();
				return 1;
			}
			break;
		case 's':
			seed = strtoull(optarg, &end, 0);
			if (*end) {
				usage();
				return 1;
			}
			break;
		case 'v':
			verbose = 1;
			break;
		case 'd':
			dev = optarg;
			break;
		default:
			usage();
			return opt == 'h' ? 0 : 1;
		}
	}
	if (optind != argc) {
		usage();
		return 1;
	}
	memset(&f, 0, sizeof(f));
	f.rng = seed ? seed : 1;
	rc = setup(&f);
	if (rc < 0) {
		fprintf(stderr, "hcfuzz: cannot map memory: %s\n", strerror(-rc));
		return 1;
	}
	rc = tc_open(&h, dev);
	if (rc < 0) {
		fprintf(stderr, "hcfuzz: cannot open %s: %s\n", dev ? dev : TC_PRIVCMD_PATH,
			strerror(-rc));
		return 1;
	}
	printf("hcfuzz: seed 0x%" PRIx64 ", %lu calls\n", seed, count);
	fflush(stdout);
	while (calls < count) {
		uint64_t nr, a[5];
		const char *why;
		long ret;

		fill_rw(&f);
		nr = rnd_below(&f, 2) ? families[rnd_below(&f, sizeof(families) / sizeof(families[0]))]
				      : rnd_below(&f, 64);
		for (int i = 0; i < 5; i++)
			a[i] = rnd_word(&f);
		if (rnd_below(&f, 2))
			a[0] = rnd_below(&f, 24); /* a plausible sub-command */
		if ((nr == 35 || nr == 36) && rnd_below(&f, 3))
			a[0] = make_ctl(&f, nr == 36);
		why = hcf_skip_reason(nr, a, &f.arena);
		if (why) {
			skipped++;
			continue;
		}
		if (verbose) {
			printf("call %lu: %" PRIu64 "(%#" PRIx64 ", %#" PRIx64 ", %#" PRIx64
			       ", %#" PRIx64 ", %#" PRIx64 ")", calls, nr, a[0], a[1], a[2], a[3], a[4]);
			fflush(stdout);
		}
		ret = tc_hypercall(&h, nr, a[0], a[1], a[2], a[3], a[4]);
		if (verbose)
			printf(" = %ld\n", ret);
		calls++;
		if (ret < 0)
			errors++;
		if (!verbose && calls % 500 == 0) {
			printf("hcfuzz: %lu calls so far\n", calls);
			fflush(stdout);
		}
	}
	tc_close(&h);
	printf("hcfuzz: %lu skipped as unsafe for dom0\n", skipped);
	printf("hcfuzz: %lu calls, %lu errors returned\n", calls, errors);
	return 0;
}
