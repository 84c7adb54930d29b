/*
 * gcbench: what moving 1 MiB by grant copy costs, booted by tern as its
 * initial domain (a test-guest image, tests/guests/lib). The domain grants
 * 256 of its pages to itself and copies them into 256 others, timed by its
 * pvclock; the baseline, in the same run, is the domain copying the same
 * bytes itself with 8-byte loads and stores (what any emulated copy costs,
 * wherever it runs). Kinds, alternating in order round by round:
 *
 *   grant16   GNTTABOP_copy of 16 pages a call (Linux's gntdev batch), 16 calls
 *   grant256  one call of 256 pages (tern continues it every 32)
 *   small16   as grant16 with 8 bytes an op: the per-op cost without the bytes
 *   null16    16 xen_version calls: the hypercall part of grant16 alone
 *   movsq     the domain's own copy with `rep movsq`
 *   words     the domain's own copy, 64 bytes a loop step (the baseline)
 *
 * Prints "gcbench: <kind> <us> us per MiB" (medians) and each kind's ratio
 * to the baseline; then the usual test result.
 */
#include "lib.h"

#include <public/grant_table.h>
#include <public/memory.h>
#include <public/version.h>

const char test_title[] = "gcbench: 1 MiB by grant copy against the domain's own copy";

#define MIB (1u << 20)
#define PAGES (MIB / PAGE_SIZE)
#define GREF0 8          /* refs 0-7 belong to the toolstack */
#define GNTDEV_BATCH 16  /* Linux's gntdev: copy ops per hypercall */
#define ROUNDS 31
#define MEMMAP_RAM 1     /* hvm_start_info memory map: E820 type 1 */

enum kind { GRANT16, GRANT256, SMALL16, NULL16, MOVSQ, WORDS, KINDS };
static const char *const kind_name[KINDS] = { "grant16", "grant256", "small16", "null16", "movsq",
						    "words" };

static struct grant_entry_v1 table[PAGE_SIZE / sizeof(struct grant_entry_v1)]
	__aligned(PAGE_SIZE);
static uint8_t *src, *dst; /* 1 MiB each, in RAM above the image */
static struct gnttab_copy ops[PAGES];
static uint64_t samples[KINDS][ROUNDS];

static bool grant_copy(unsigned int per_call, uint16_t len)
{
	for (unsigned int i = 0; i < PAGES; i++)
		ops[i].len = len;
	for (unsigned int i = 0; i < PAGES; i += per_call)
		if (grant_table_op(GNTTABOP_copy, &ops[i], per_call))
			return false;
	for (unsigned int i = 0; i < PAGES; i++)
		if (ops[i].status != GNTST_okay)
			return false;
	return true;
}

static void copy_movsq(void *d, const void *s, size_t n)
{
	size_t words = n / 8;

	__asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(words) : : "memory");
}

static void copy_words(void *d, const void *s, size_t n)
{
	uint64_t *dw = d;
	const uint64_t *sw = s;

	for (size_t i = 0; i < n / 8; i += 8) {
		uint64_t a = sw[i], b = sw[i + 1], c = sw[i + 2], e = sw[i + 3];
		uint64_t f = sw[i + 4], g = sw[i + 5], h = sw[i + 6], k = sw[i + 7];

		dw[i] = a, dw[i + 1] = b, dw[i + 2] = c, dw[i + 3] = e;
		dw[i + 4] = f, dw[i + 5] = g, dw[i + 6] = h, dw[i + 7] = k;
	}
}

/* One run of a kind, in ns; false if a copy failed. */
static bool run(enum kind k, uint64_t *ns)
{
	uint64_t t0 = xen_system_time();
	bool ok = true;

	switch (k) {
	case GRANT16:
		ok = grant_copy(GNTDEV_BATCH, PAGE_SIZE);
		break;
	case GRANT256:
		ok = grant_copy(PAGES, PAGE_SIZE);
		break;
	case SMALL16:
		ok = grant_copy(GNTDEV_BATCH, 8);
		break;
	case NULL16:
		for (unsigned int i = 0; i < PAGES / GNTDEV_BATCH; i++)
			(void)xen_version(XENVER_version, NULL);
		break;
	case MOVSQ:
		copy_movsq(dst, src, MIB);
		break;
	case WORDS:
		copy_words(dst, src, MIB);
		break;
	case KINDS:
		break;
	}
	*ns = xen_system_time() - t0;
	return ok;
}

static uint64_t median(uint64_t *s)
{
	for (unsigned int i = 1; i < ROUNDS; i++)
		for (unsigned int j = i; j && s[j - 1] > s[j]; j--) {
			uint64_t t = s[j];

			s[j] = s[j - 1];
			s[j - 1] = t;
		}
	return s[ROUNDS / 2];
}

/* 2 MiB of RAM at or above 16 MiB (the image is loaded lower), from the
 * memory map; identity mapped by the library. */
static uint8_t *find_buffers(void)
{
	const struct hvm_start_info *si = start_info();
	const struct hvm_memmap_table_entry *map = (const void *)(uintptr_t)si->memmap_paddr;

	for (uint32_t i = 0; i < si->memmap_entries; i++) {
		uint64_t start = map[i].addr < (16u << 20) ? 16u << 20 : map[i].addr;

		if (map[i].type == MEMMAP_RAM && start + 2 * MIB <= map[i].addr + map[i].size)
			return (uint8_t *)(uintptr_t)start;
	}
	return NULL;
}

static bool setup(void)
{
	struct xen_add_to_physmap xatp = {
		.domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = 0,
		.gpfn = (uintptr_t)table / PAGE_SIZE,
	};
	long rc = events_map_shared_info();

	if (rc)
		return test_error("shared_info: %ld", rc), false;
	src = find_buffers();
	if (!src)
		return test_error("no 2 MiB of RAM above 16 MiB in the memory map"), false;
	dst = src + MIB;
	rc = memory_op(XENMEM_add_to_physmap, &xatp);
	if (rc)
		return test_error("XENMEM_add_to_physmap(grant_table, 0): %ld", rc), false;
	for (unsigned int i = 0; i < MIB; i++)
		src[i] = (uint8_t)(i * 7 + i / 4096);
	for (unsigned int p = 0; p < PAGES; p++) {
		table[GREF0 + p].domid = guest_domid();
		table[GREF0 + p].frame = (uint32_t)((uintptr_t)src / PAGE_SIZE + p);
		barrier();
		table[GREF0 + p].flags = GTF_permit_access | GTF_readonly;
		ops[p] = (struct gnttab_copy){
			.source = { .u.ref = GREF0 + p, .domid = DOMID_SELF },
			.dest = { .u.gmfn = (uintptr_t)dst / PAGE_SIZE + p, .domid = DOMID_SELF },
			.len = PAGE_SIZE,
			.flags = GNTCOPY_source_gref,
		};
	}
	return true;
}

void test_main(void)
{
	uint64_t base;

	if (!setup())
		return;
	memset(dst, 0, MIB);
	if (!grant_copy(GNTDEV_BATCH, PAGE_SIZE) || memcmp(dst, src, MIB))
		return test_failure("the grant copy of 1 MiB did not copy it");
	for (unsigned int r = 0; r < ROUNDS; r++)
		for (unsigned int i = 0; i < KINDS; i++) {
			enum kind k = r % 2 ? KINDS - 1 - i : i;

			if (!run(k, &samples[k][r]))
				return test_failure("%s: a grant copy failed", kind_name[k]);
		}
	base = median(samples[WORDS]);
	for (unsigned int k = 0; k < KINDS; k++) {
		uint64_t m = median(samples[k]);

		printf("gcbench: %s %lu us per MiB, ratio to words %lu.%02lu\n", kind_name[k],
		       (unsigned long)(m / 1000), (unsigned long)(m / base),
		       (unsigned long)(m * 100 / base % 100));
	}
}
