/*
 * hcfuzz: random and structure-aware hypercalls from dom0 user space through
 * /dev/xen/privcmd.
 *
 *   hcfuzz [-n COUNT] [-s SEED] [-r PERCENT] [-V DOMID]... [-g GFN] [-v] [-d DEVICE]
 *
 * Issues COUNT (default 1000) hypercalls. PERCENT of them (default 50) are
 * raw: random numbers 0..63 and random arguments (small and edge-case
 * integers, pointers into its own memory: read-write, read-only, never-touched
 * pages, straddling the end of the mapping, into a reserved hole with nothing
 * mapped, and non-canonical addresses; sysctl and domctl often get a
 * well-formed header with a random op), skipping those that would
 * legitimately stop or damage dom0 (policy.c). The others are structure-aware
 * (hcgen.c): a well-formed struct for an operation of each family, with
 * mutated fields, naming the victim domains given with -V (their grant
 * references, event channels, frames; domctls on them), and mapping things
 * into dom0 only at the spare guest frames from GFN on (default 0x4000000,
 * 256 GiB: no RAM or device there). What a structured call creates in dom0
 * (an event channel, a grant mapping, a domain) is undone at once.
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

#include <fcntl.h>

#include <public/domctl.h>
#include <public/event_channel.h>
#include <public/sysctl.h>

#include "hcgen.h"
#include "policy.h"
#include "ternctl.h"

#define PAGE 4096u
#define RW_PAGES 4u
/* Layout of the fuzzer's mapping, in pages: guard | rw x4 | ro | untouched x2 | guard */
#define MAP_PAGES (1u + RW_PAGES + 1u + 2u + 1u)
#define HOLE_LEN (1u << 20)
#define ARENA_PAGES 32
#define NR_SPARE 4096
#define PAGEMAP_PFN_MASK ((1ull << 55) - 1)
#define PAGEMAP_PRESENT (1ull << 63)

struct fuzz {
	struct hcgen_rng rng;        /* the random calls' sequence */
	uint8_t *map;  /* the whole mapping */
	uint8_t *rw, *ro, *untouched, *guard_end;
	uint8_t *hole; /* PROT_NONE, never populated */
	struct hcf_arena arena;
	struct hcgen_rng gen_rng;    /* the structured calls' own sequence */
	struct hcgen_world world;
	uint64_t arena_gfns[ARENA_PAGES];
};

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

	switch (hcgen_below(&f->rng, 12)) {
	case 0:
	case 1:
		return hcgen_below(&f->rng, 16);
	case 2:
		return edges[hcgen_below(&f->rng, sizeof(edges) / sizeof(edges[0]))];
	case 3:
		return hcgen_below(&f->rng, 0x10000);
	case 4:
		return (uint32_t)hcgen_rand(&f->rng);
	case 5: /* read-write memory, sometimes aligned */
		return addr_of(f->rw) + (hcgen_below(&f->rng, 2) ?
					 hcgen_below(&f->rng, RW_PAGES * PAGE) & ~7ull :
					 hcgen_below(&f->rng, RW_PAGES * PAGE));
	case 6: /* near the end of the read-write memory: runs into the ro page */
		return addr_of(f->ro) - hcgen_below(&f->rng, 256);
	case 7: /* read-only, then never-touched pages, then the guard */
		return addr_of(f->ro) + hcgen_below(&f->rng, 4 * PAGE);
	case 8: /* nothing mapped */
		return addr_of(f->hole) + hcgen_below(&f->rng, HOLE_LEN);
	case 9: /* the first page of the address space */
		return hcgen_below(&f->rng, PAGE);
	case 10: /* non-canonical: bit 63 set, bits 62..47 clear */
		return 0x8000000000000000ull | (hcgen_rand(&f->rng) & 0x00007fffffffffffull);
	default:
		return addr_of(f->rw) + hcgen_below(&f->rng, 64) * 8;
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
	size_t off = hcgen_below(&f->rng, (RW_PAGES * PAGE - sizeof(struct tern_sysctl)) / 8) * 8;
	struct tern_sysctl *s = (void *)(f->rw + off);
	uint32_t known[] = { 1, 2, 3, 4, 5, 6, 9, 11, 12, 14, 15, 60, 61 };

	s->cmd = hcgen_below(&f->rng, 4) ? known[hcgen_below(&f->rng, sizeof(known) / sizeof(known[0]))]
				 : (uint32_t)hcgen_below(&f->rng, 100);
	s->interface_version = hcgen_below(&f->rng, 10) ? (domctl ? TERN_DOMCTL_INTERFACE_VERSION :
						    TERN_SYSCTL_INTERFACE_VERSION) : (uint32_t)hcgen_rand(&f->rng);
	s->domain = domctl ? doms[hcgen_below(&f->rng, sizeof(doms) / sizeof(doms[0]))] :
			     (hcgen_below(&f->rng, 8) ? 0 : (uint16_t)hcgen_rand(&f->rng));
	if (hcgen_below(&f->rng, 4))
		memset(s->pad0, 0, sizeof(s->pad0));
	/* Mostly-zero op fields pass the reserved-field checks and reach the op. */
	if (hcgen_below(&f->rng, 2)) {
		uint8_t *u = (uint8_t *)&s->u;

		for (size_t i = 0; i < sizeof(s->u); i++)
			if (hcgen_below(&f->rng, 4))
				u[i] = 0;
		if (!domctl && s->cmd == TERN_SYSCTL_readconsole) {
			s->u.readconsole.clear = 0;
			s->u.readconsole.incremental = (uint8_t)hcgen_below(&f->rng, 3);
		}
	}
	return addr_of(s);
}

/* The guest frames of the arena's pages (dom0's own memory, for grant
 * copies into it); without /proc/self/pagemap, none are named. */
static const uint64_t *arena_frames(struct fuzz *f, uint8_t *arena)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	bool ok = fd >= 0;

	for (unsigned int i = 0; ok && i < ARENA_PAGES; i++) {
		uint64_t e;

		ok = pread(fd, &e, sizeof(e), (off_t)(addr_of(arena + i * PAGE) / PAGE * 8)) ==
			     sizeof(e) && (e & PAGEMAP_PRESENT) && (e & PAGEMAP_PFN_MASK);
		f->arena_gfns[i] = e & PAGEMAP_PFN_MASK;
	}
	if (fd >= 0)
		close(fd);
	return ok ? f->arena_gfns : NULL;
}

/* The structured calls' arena: locked pages, so their frames stay put. */
static int setup_world(struct fuzz *f)
{
	uint8_t *arena = mmap(NULL, ARENA_PAGES * PAGE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED | MAP_POPULATE, -1, 0);

	if (arena == MAP_FAILED)
		return -errno;
	memset(arena, 0, ARENA_PAGES * PAGE);
	f->world.arena = arena;
	f->world.arena_va = addr_of(arena);
	f->world.arena_len = ARENA_PAGES * PAGE;
	f->world.arena_gfns = arena_frames(f, arena);
	f->world.fault_va = addr_of(f->hole);
	f->world.fault_len = HOLE_LEN;
	f->world.nr_spare = NR_SPARE;
	f->world.privileged = true;
	return 0;
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
	return setup_world(f);
}

static void usage(void)
{
	fprintf(stderr, "usage: hcfuzz [-n COUNT] [-s SEED] [-r PERCENT] [-V DOMID]... [-g GFN] "
			"[-v] [-d DEVICE]\n");
}

/* A raw call: random number and arguments, unless the policy forbids it. */
static bool raw_call(struct fuzz *f, uint64_t *nr, uint64_t a[5])
{
	/* Numbers tern implements come up half of the time. */
	static const uint64_t families[] = { 12, 13, 17, 18, 20, 24, 29, 32, 33, 34, 35, 36 };

	fill_rw(f);
	*nr = hcgen_below(&f->rng, 2) ?
		      families[hcgen_below(&f->rng, sizeof(families) / sizeof(families[0]))] :
		      hcgen_below(&f->rng, 64);
	for (int i = 0; i < 5; i++)
		a[i] = rnd_word(f);
	if (hcgen_below(&f->rng, 2))
		a[0] = hcgen_below(&f->rng, 24); /* a plausible sub-command */
	if ((*nr == 35 || *nr == 36) && hcgen_below(&f->rng, 3))
		a[0] = make_ctl(f, *nr == 36);
	return hcf_skip_reason(*nr, a, &f->arena) == NULL;
}

/* Undoes what a structured call made in dom0 (or made at all: a domain);
 * returns the calls it took. */
static unsigned long undo(struct tc_handle *h, const struct hcgen_call *c, long ret)
{
	if (c->new_port && ret == 0) {
		struct evtchn_close close = { .port = *c->new_port };

		tc_hypercall(h, __HYPERVISOR_event_channel_op, EVTCHNOP_close,
			     (uint64_t)(uintptr_t)&close, 0, 0, 0);
		return 1;
	}
	if (c->new_map && ret == 0 && c->new_map->status == GNTST_okay) {
		struct gnttab_unmap_grant_ref unmap = {
			.host_addr = c->new_map->host_addr, .handle = c->new_map->handle,
		};

		tc_hypercall(h, __HYPERVISOR_grant_table_op, GNTTABOP_unmap_grant_ref,
			     (uint64_t)(uintptr_t)&unmap, 1, 0, 0);
		return 1;
	}
	if (c->new_domain && ret == 0) {
		struct tern_domctl d = { .cmd = TERN_DOMCTL_destroydomain,
					 .interface_version = TERN_DOMCTL_INTERFACE_VERSION,
					 .domain = *c->new_domain };

		tc_hypercall(h, __HYPERVISOR_domctl, (uint64_t)(uintptr_t)&d, 0, 0, 0, 0);
		return 1;
	}
	return 0;
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	*v = strtoull(s, &end, 0);
	return *s && !*end ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct tc_handle h = { -1 };
	struct fuzz f;
	unsigned long calls = 0, errors = 0, skipped = 0, structured = 0, undone = 0;
	unsigned long per_nr[64][2] = { { 0 } }; /* calls, successes by hypercall number */
	uint64_t count = 1000, raw_percent = 50, v;
	uint64_t seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	const char *dev = NULL;
	int opt, verbose = 0, rc;

	memset(&f, 0, sizeof(f));
	f.world.spare_gfn = 0x4000000;
	while ((opt = getopt(argc, argv, "n:s:r:V:g:vd:h")) != -1) {
		switch (opt) {
		case 'n':
			rc = parse_u64(optarg, &count);
			break;
		case 's':
			rc = parse_u64(optarg, &seed);
			break;
		case 'r':
			rc = parse_u64(optarg, &raw_percent) || raw_percent > 100 ? -1 : 0;
			break;
		case 'V':
			rc = parse_u64(optarg, &v) || v >= DOMID_FIRST_RESERVED || v == 0 ||
					     f.world.nr_victims == HCGEN_MAX_VICTIMS ? -1 : 0;
			if (!rc)
				f.world.victims[f.world.nr_victims++] = (domid_t)v;
			break;
		case 'g':
			rc = parse_u64(optarg, &f.world.spare_gfn);
			break;
		case 'v':
			verbose = 1;
			rc = 0;
			break;
		case 'd':
			dev = optarg;
			rc = 0;
			break;
		default:
			usage();
			return opt == 'h' ? 0 : 1;
		}
		if (rc) {
			usage();
			return 1;
		}
	}
	if (optind != argc) {
		usage();
		return 1;
	}
	hcgen_seed(&f.rng, seed);
	f.arena.victims = f.world.victims;
	f.arena.nr_victims = f.world.nr_victims;
	hcgen_seed(&f.gen_rng, seed ^ 0x9e3779b97f4a7c15ull);
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
	printf("hcfuzz: seed 0x%" PRIx64 ", %" PRIu64 " calls, %" PRIu64 "%% raw, %u victim(s), "
	       "arena frames %s\n", seed, count, raw_percent, f.world.nr_victims,
	       f.world.arena_gfns ? "known" : "unknown");
	fflush(stdout);
	while (calls < count) {
		struct hcgen_call c = { 0 };
		uint64_t nr, a[5];
		long ret;

		if (hcgen_below(&f.rng, 100) < raw_percent) {
			if (!raw_call(&f, &nr, a)) {
				skipped++;
				continue;
			}
		} else {
			hcgen_next(&f.gen_rng, &f.world, &c);
			nr = c.nr;
			memcpy(a, c.arg, sizeof(a));
			structured++;
		}
		if (verbose) {
			printf("call %lu: %s %" PRIu64 "(%#" PRIx64 ", %#" PRIx64 ", %#" PRIx64
			       ", %#" PRIx64 ", %#" PRIx64 ")", calls, c.name ? c.name : "raw", nr,
			       a[0], a[1], a[2], a[3], a[4]);
			fflush(stdout);
		}
		ret = tc_hypercall(&h, nr, a[0], a[1], a[2], a[3], a[4]);
		if (verbose)
			printf(" = %ld\n", ret);
		calls++;
		if (ret < 0)
			errors++;
		if (nr < 64) {
			per_nr[nr][0]++;
			per_nr[nr][1] += ret >= 0;
		}
		undone += undo(&h, &c, ret);
		if (!verbose && calls % 50000 == 0) {
			printf("hcfuzz: %lu calls so far\n", calls);
			fflush(stdout);
		}
	}
	tc_close(&h);
	printf("hcfuzz: %lu skipped as unsafe for dom0, %lu structured, %lu undone\n", skipped,
	       structured, undone);
	printf("hcfuzz: by number (calls/succeeded):");
	for (int i = 0; i < 64; i++)
		if (per_nr[i][0])
			printf(" %d:%lu/%lu", i, per_nr[i][0], per_nr[i][1]);
	printf("\nhcfuzz: %lu calls, %lu errors returned\n", calls, errors);
	return 0;
}
