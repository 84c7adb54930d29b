/*
 * The PVH domain builder (tools/lib/dombuild*.c, decompress.c) without a
 * hypervisor: kernel images made here (ELF32/ELF64 with and without the PVH
 * note, bzImages with gzip, xz+BCJ, zstd, lz4, lzma and bzip2 payloads built
 * with the same libraries), damaged images, the real Debian kernel when
 * build/images/vmlinuz exists, and a whole build on fake guest memory.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <bzlib.h>
#include <lz4.h>
#include <lz4frame.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include <public/hvm.h>

#include "dombuild.h"

#define ENTRY 0x1000040u
#define PADDR 0x1000000u

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }

/*
 * An ELF with one PT_LOAD (code_len bytes of a pattern at PADDR, memsz =
 * code_len + bss) and, if note, a PT_NOTE "Xen"/18 = ENTRY.
 */
static uint8_t *make_elf(int is64, int note, size_t code_len, size_t bss, size_t *len)
{
	size_t eh = is64 ? 64 : 52, ph = is64 ? 56 : 32, notesz = 12 + 4 + (is64 ? 8 : 4);
	size_t phoff = eh, noteoff = phoff + 2 * ph, codeoff = 0x1000;
	uint8_t *e = calloc(1, codeoff + code_len);
	uint8_t *p;

	assert_non_null(e);
	memcpy(e, "\x7f" "ELF", 4);
	e[4] = is64 ? 2 : 1;
	e[5] = 1;
	e[6] = 1;
	put16(e + 16, 2);
	put16(e + 18, is64 ? 62 : 3);
	put32(e + 20, 1);
	if (is64) {
		put64(e + 24, ENTRY);
		put64(e + 32, phoff);
		put16(e + 52, (uint16_t)eh);
		put16(e + 54, (uint16_t)ph);
		put16(e + 56, note ? 2 : 1);
	} else {
		put32(e + 24, ENTRY);
		put32(e + 28, (uint32_t)phoff);
		put16(e + 40, (uint16_t)eh);
		put16(e + 42, (uint16_t)ph);
		put16(e + 44, note ? 2 : 1);
	}
	p = e + phoff; /* PT_LOAD */
	put32(p, 1);
	if (is64) {
		put64(p + 8, codeoff);
		put64(p + 16, 0xffffffff81000000ull);
		put64(p + 24, PADDR);
		put64(p + 32, code_len);
		put64(p + 40, code_len + bss);
	} else {
		put32(p + 4, (uint32_t)codeoff);
		put32(p + 8, PADDR);
		put32(p + 12, PADDR);
		put32(p + 16, (uint32_t)code_len);
		put32(p + 20, (uint32_t)(code_len + bss));
	}
	if (note) {
		p = e + phoff + ph; /* PT_NOTE */
		put32(p, 4);
		if (is64) {
			put64(p + 8, noteoff);
			put64(p + 32, notesz);
		} else {
			put32(p + 4, (uint32_t)noteoff);
			put32(p + 16, (uint32_t)notesz);
		}
		p = e + noteoff;
		put32(p, 4);
		put32(p + 4, is64 ? 8 : 4);
		put32(p + 8, XEN_ELFNOTE_PHYS32_ENTRY);
		memcpy(p + 12, "Xen", 4);
		if (is64)
			put64(p + 16, ENTRY);
		else
			put32(p + 16, ENTRY);
	}
	for (size_t i = 0; i < code_len; i++)
		e[codeoff + i] = (uint8_t)(i * 7 + 3);
	*len = codeoff + code_len;
	return e;
}

/* A bzImage (boot protocol 2.15, 2 setup sectors, loaded high) around payload. */
static uint8_t *make_bzimage(const uint8_t *payload, size_t plen, size_t *len)
{
	size_t pm = 3 * 512, off = 0x200;
	uint8_t *b = calloc(1, pm + off + plen);

	assert_non_null(b);
	b[0x1f1] = 2;
	b[0x1fe] = 0x55;
	b[0x1ff] = 0xaa;
	b[0x201] = 0x6a; /* the jump over the header: it ends at 0x26c (2.15) */
	memcpy(b + 0x202, "HdrS", 4);
	put16(b + 0x206, 0x20f);
	b[0x211] = 1; /* LOADED_HIGH */
	put32(b + 0x1f4, (uint32_t)((off + plen) / 16)); /* syssize */
	put32(b + 0x248, (uint32_t)off);
	put32(b + 0x24c, (uint32_t)plen);
	put32(b + 0x260, (uint32_t)(off + plen)); /* init_size */
	memcpy(b + pm + off, payload, plen);
	*len = pm + off + plen;
	return b;
}

/* Appends Linux's 4-byte decompressed size to a compressed payload. */
static uint8_t *with_size(uint8_t *c, size_t *clen, size_t raw)
{
	c = realloc(c, *clen + 4);
	assert_non_null(c);
	put32(c + *clen, (uint32_t)raw);
	*clen += 4;
	return c;
}

static uint8_t *gzip_of(const uint8_t *in, size_t len, size_t *out_len)
{
	z_stream s;
	size_t cap = len + 1024;
	uint8_t *out = malloc(cap);

	memset(&s, 0, sizeof(s));
	assert_int_equal(deflateInit2(&s, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
			 Z_OK);
	s.next_in = (Bytef *)in;
	s.avail_in = (uInt)len;
	s.next_out = out;
	s.avail_out = (uInt)cap;
	assert_int_equal(deflate(&s, Z_FINISH), Z_STREAM_END);
	*out_len = s.total_out;
	deflateEnd(&s);
	return with_size(out, out_len, len);
}

/* xz with the x86 BCJ filter, as Linux's scripts/xz_wrap.sh does. */
static uint8_t *xz_of(const uint8_t *in, size_t len, size_t *out_len)
{
	lzma_options_lzma opt;
	lzma_filter f[3];
	size_t cap = len + 4096, pos = 0;
	uint8_t *out = malloc(cap);

	lzma_lzma_preset(&opt, 6);
	f[0].id = LZMA_FILTER_X86;
	f[0].options = NULL;
	f[1].id = LZMA_FILTER_LZMA2;
	f[1].options = &opt;
	f[2].id = LZMA_VLI_UNKNOWN;
	assert_int_equal(lzma_stream_buffer_encode(f, LZMA_CHECK_CRC32, NULL, in, len, out, &pos,
						   cap), LZMA_OK);
	*out_len = pos;
	return with_size(out, out_len, len);
}

static uint8_t *lzma_alone_of(const uint8_t *in, size_t len, size_t *out_len)
{
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_options_lzma opt;
	size_t cap = len + 4096;
	uint8_t *out = malloc(cap);

	lzma_lzma_preset(&opt, 6);
	assert_int_equal(lzma_alone_encoder(&s, &opt), LZMA_OK);
	s.next_in = in;
	s.avail_in = len;
	s.next_out = out;
	s.avail_out = cap;
	assert_int_equal(lzma_code(&s, LZMA_FINISH), LZMA_STREAM_END);
	*out_len = cap - s.avail_out;
	lzma_end(&s);
	return with_size(out, out_len, len);
}

static uint8_t *zstd_of(const uint8_t *in, size_t len, size_t *out_len)
{
	size_t cap = ZSTD_compressBound(len);
	uint8_t *out = malloc(cap);

	*out_len = ZSTD_compress(out, cap, in, len, 19);
	assert_false(ZSTD_isError(*out_len));
	return with_size(out, out_len, len);
}

/* lz4 legacy format: magic, then [size][block] of at most 8 MiB each. */
static uint8_t *lz4_legacy_of(const uint8_t *in, size_t len, size_t *out_len)
{
	size_t cap = 8 + (size_t)LZ4_compressBound((int)len);
	uint8_t *out = malloc(cap);
	int n;

	put32(out, 0x184c2102);
	n = LZ4_compress_default((const char *)in, (char *)out + 8, (int)len, (int)(cap - 8));
	assert_true(n > 0);
	put32(out + 4, (uint32_t)n);
	*out_len = 8 + (size_t)n;
	return with_size(out, out_len, len);
}

static uint8_t *lz4_frame_of(const uint8_t *in, size_t len, size_t *out_len)
{
	size_t cap = LZ4F_compressFrameBound(len, NULL);
	uint8_t *out = malloc(cap);

	*out_len = LZ4F_compressFrame(out, cap, in, len, NULL);
	assert_false(LZ4F_isError(*out_len));
	return with_size(out, out_len, len);
}

static uint8_t *bzip2_of(const uint8_t *in, size_t len, size_t *out_len)
{
	unsigned cap = (unsigned)(len + len / 100 + 1024);
	uint8_t *out = malloc(cap);

	assert_int_equal(BZ2_bzBuffToBuffCompress((char *)out, &cap, (char *)in, (unsigned)len, 9,
						  0, 0), BZ_OK);
	*out_len = cap;
	return with_size(out, out_len, len);
}

static char err[512];

static void check_kernel(const struct dombuild_kernel *k, size_t code_len, size_t bss)
{
	assert_int_equal(k->elf.entry, ENTRY);
	assert_int_equal(k->elf.nr_segments, 1);
	assert_int_equal(k->elf.segment[0].paddr, PADDR);
	assert_int_equal(k->elf.segment[0].filesz, code_len);
	assert_int_equal(k->elf.segment[0].memsz, code_len + bss);
	assert_int_equal(k->elf.lowest, PADDR);
	assert_int_equal(k->elf.highest, PADDR + code_len + bss);
	for (size_t i = 0; i < code_len; i++)
		if (k->image[k->elf.segment[0].offset + i] != (uint8_t)(i * 7 + 3))
			fail_msg("segment byte %zu differs", i);
}

static void test_elf64_and_elf32(void **state)
{
	struct dombuild_kernel k;
	size_t len;
	uint8_t *e;

	(void)state;
	for (int is64 = 0; is64 < 2; is64++) {
		e = make_elf(is64, 1, 5000, 3000, &len);
		assert_int_equal(dombuild_kernel_parse(&k, e, len, err, sizeof(err)), 0);
		check_kernel(&k, 5000, 3000);
		assert_false(k.bzimage);
		dombuild_kernel_free(&k);
		free(e);
	}
}

static void test_elf_without_note(void **state)
{
	struct dombuild_kernel k;
	size_t len;
	uint8_t *e = make_elf(1, 0, 100, 0, &len);

	(void)state;
	assert_int_equal(dombuild_kernel_parse(&k, e, len, err, sizeof(err)), -ENOEXEC);
	assert_string_equal(err, "ELF kernel (4196 bytes): no PVH entry note: build it with CONFIG_PVH");
	free(e);
}

static void test_damaged_images(void **state)
{
	struct dombuild_kernel k;
	size_t len, blen;
	uint8_t *e = make_elf(1, 1, 8192, 0, &len), *b;

	(void)state;
	/* Cut inside the segment. */
	assert_int_equal(dombuild_kernel_parse(&k, e, len - 100, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "ELF kernel (12188 bytes): truncated: its headers point past the "
			    "end of the file");
	/* Cut inside the program headers. */
	assert_int_equal(dombuild_kernel_parse(&k, e, 100, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "ELF kernel (100 bytes): truncated: its headers point past the "
			    "end of the file");
	/* An entry the note puts below the only segment (64-bit: note at 64 + 2 * 56). */
	put64(e + 64 + 2 * 56 + 16, PADDR - 16);
	assert_int_equal(dombuild_kernel_parse(&k, e, len, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "ELF kernel (12288 bytes): the PVH entry lies outside its loadable "
			    "segments");
	put64(e + 64 + 2 * 56 + 16, ENTRY);
	/* Not a kernel at all. */
	assert_int_equal(dombuild_kernel_parse(&k, (const uint8_t *)"hello world", 11, err,
					       sizeof(err)), -ENOEXEC);
	assert_string_equal(err, "not a kernel: neither an ELF nor a bzImage");
	/* A gzip file is not a kernel, but say what it is. */
	b = gzip_of(e, len, &blen);
	assert_int_equal(dombuild_kernel_parse(&k, b, blen, err, sizeof(err)), -ENOEXEC);
	assert_string_equal(err, "a gzip-compressed file, not a kernel: decompress it first, or "
			    "give the bzImage or vmlinux");
	free(b);
	/* Truncated bzImage: the payload runs past the end. */
	{
		uint8_t *gz;
		size_t gzlen;

		gz = gzip_of(e, len, &gzlen);
		b = make_bzimage(gz, gzlen, &blen);
		assert_int_equal(dombuild_kernel_parse(&k, b, blen - 10, err, sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "truncated: its header points past the end of the file"));
		/* A flipped byte in the compressed data. */
		b[3 * 512 + 0x200 + gzlen / 2] ^= 0x55;
		assert_int_not_equal(dombuild_kernel_parse(&k, b, blen, err, sizeof(err)), 0);
		assert_string_equal(err, "bzImage: gzip payload: corrupt or truncated data");
		/* Unknown compression magic. */
		memcpy(b + 3 * 512 + 0x200, "\x11\x22\x33\x44", 4);
		assert_int_equal(dombuild_kernel_parse(&k, b, blen, err, sizeof(err)), -ENOTSUP);
		assert_string_equal(err, "bzImage payload: unknown compression (magic 11 22 33 44)");
		/* LZO is recognised, not supported. */
		memcpy(b + 3 * 512 + 0x200, "\x89LZO", 4);
		assert_int_equal(dombuild_kernel_parse(&k, b, blen, err, sizeof(err)), -ENOTSUP);
		assert_non_null(strstr(err, "lzo compression is not supported"));
		free(b);
		free(gz);
	}
	free(e);
}

typedef uint8_t *(*compressor)(const uint8_t *, size_t, size_t *);

static void test_bzimage_payloads(void **state)
{
	static const struct {
		const char *name;
		compressor fn;
		enum dombuild_comp comp;
	} kinds[] = {
		{ "gzip", gzip_of, DOMBUILD_COMP_GZIP }, { "xz", xz_of, DOMBUILD_COMP_XZ },
		{ "zstd", zstd_of, DOMBUILD_COMP_ZSTD }, { "lz4", lz4_legacy_of, DOMBUILD_COMP_LZ4 },
		{ "lz4", lz4_frame_of, DOMBUILD_COMP_LZ4 },
		{ "lzma", lzma_alone_of, DOMBUILD_COMP_LZMA },
		{ "bzip2", bzip2_of, DOMBUILD_COMP_BZIP2 },
	};
	size_t elen, clen, blen;
	uint8_t *e = make_elf(1, 1, 3 << 20, 1 << 20, &elen);

	(void)state;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		struct dombuild_kernel k;
		uint8_t *c = kinds[i].fn(e, elen, &clen), *b = make_bzimage(c, clen, &blen);
		int rc = dombuild_kernel_parse(&k, b, blen, err, sizeof(err));

		if (rc)
			fail_msg("%s: %s", kinds[i].name, err);
		assert_true(k.bzimage);
		assert_int_equal(k.comp, kinds[i].comp);
		assert_string_equal(dombuild_comp_name(k.comp), kinds[i].name);
		assert_int_equal(k.image_len, elen);
		check_kernel(&k, 3 << 20, 1 << 20);
		dombuild_kernel_free(&k);
		/* Truncated stream (but a bzImage whose header still fits). */
		put32(b + 0x24c, (uint32_t)(clen / 2));
		assert_int_not_equal(dombuild_kernel_parse(&k, b, blen, err, sizeof(err)), 0);
		free(b);
		free(c);
	}
	free(e);
}

/*
 * Debian's kernel: xz payload, PVH note. `make check-unit` fetches it first
 * and names it in TERN_REAL_KERNEL, and then the case must run; by hand,
 * without the variable, it is skipped if build/images/vmlinuz is absent.
 */
static void test_real_debian_kernel(void **state)
{
	const char *path = getenv("TERN_REAL_KERNEL");
	struct dombuild_kernel k;
	uint8_t *f;
	size_t len;

	(void)state;
	if (dombuild_read_file(path ? path : "build/images/vmlinuz", "kernel", &f, &len, err,
			       sizeof(err))) {
		if (path)
			fail_msg("TERN_REAL_KERNEL: %s", err);
		skip();
		return;
	}
	assert_int_equal(dombuild_kernel_parse(&k, f, len, err, sizeof(err)), 0);
	assert_true(k.bzimage);
	print_message("%s: %s payload, %zu-byte vmlinux, %u segments [0x%llx, 0x%llx), "
		      "PVH entry 0x%llx\n", path ? path : "build/images/vmlinuz", dombuild_comp_name(k.comp),
		      k.image_len, k.elf.nr_segments, (unsigned long long)k.elf.lowest,
		      (unsigned long long)k.elf.highest,
		      (unsigned long long)k.elf.entry);
	assert_int_equal(k.elf.lowest, 0x1000000); /* CONFIG_PHYSICAL_START */
	assert_true(k.elf.entry >= k.elf.lowest && k.elf.entry < k.elf.highest);
	dombuild_kernel_free(&k);
	free(f);
}

/* ---- the build on fake guest memory ---- */

struct fake {
	uint8_t *mem;
	uint64_t mem_size;     /* bytes backing [0, mem_size) */
	uint8_t *populated;    /* per 4K page */
	uint64_t limit_pages;  /* populate fails beyond this many pages */
	uint64_t pages;
	unsigned n2m, n4k;
	uint64_t params[HVM_NR_PARAMS];
	uint32_t next_port;
	struct tern_domctl_vcpu_start st;
	int started, destroyed, created;
	uint64_t max_kb;
	uint64_t affinity[8], soft[8];
	uint32_t affinity_flags;
	unsigned naffinity;
	uint32_t weight, cap;
	uint32_t max_evtchn_port;
	int create_rc;
};

static int f_create(void *priv, uint32_t max_vcpus, uint32_t max_evtchn_port,
		    const uint8_t uuid[16], uint16_t *domid)
{
	struct fake *f = priv;

	(void)uuid;
	assert_true(max_vcpus >= 1);
	f->max_evtchn_port = max_evtchn_port;
	if (f->create_rc)
		return f->create_rc;
	f->created = 1;
	*domid = 7;
	return 0;
}

static int f_max_mem(void *priv, uint16_t domid, uint64_t kb)
{
	assert_int_equal(domid, 7);
	((struct fake *)priv)->max_kb = kb;
	return 0;
}

static long f_populate(void *priv, uint16_t domid, unsigned order, const uint64_t *gfns,
		       unsigned n)
{
	struct fake *f = priv;

	assert_int_equal(domid, 7);
	assert_true(order == 0 || order == 9);
	for (unsigned i = 0; i < n; i++) {
		uint64_t np = 1ull << order;

		assert_int_equal(gfns[i] % np, 0);
		if (f->pages + np > f->limit_pages)
			return i;
		for (uint64_t p = 0; p < np; p++) {
			assert_false(f->populated[gfns[i] + p]);
			f->populated[gfns[i] + p] = 1;
		}
		f->pages += np;
		if (order)
			f->n2m++;
		else
			f->n4k++;
	}
	return n;
}

static void *f_map(void *priv, uint16_t domid, uint64_t gfn, unsigned n)
{
	struct fake *f = priv;

	assert_int_equal(domid, 7);
	for (unsigned i = 0; i < n; i++)
		assert_true(f->populated[gfn + i]);
	return f->mem + gfn * 4096;
}

static void f_unmap(void *priv, void *addr, unsigned n)
{
	(void)priv;
	(void)addr;
	(void)n;
}

static int f_set_param(void *priv, uint16_t domid, uint32_t index, uint64_t value)
{
	(void)domid;
	((struct fake *)priv)->params[index] = value;
	return 0;
}

static int f_alloc_unbound(void *priv, uint16_t domid, uint16_t remote, uint32_t *port)
{
	(void)domid;
	assert_int_equal(remote, 0);
	*port = ++((struct fake *)priv)->next_port;
	return 0;
}

static int f_vcpu_start(void *priv, uint16_t domid, const struct tern_domctl_vcpu_start *st)
{
	struct fake *f = priv;

	(void)domid;
	f->st = *st;
	f->started = 1;
	return 0;
}

static int f_set_affinity(void *priv, uint16_t domid, uint32_t vcpu, uint32_t flags,
			  uint64_t hard, uint64_t soft)
{
	struct fake *f = priv;

	(void)domid;
	assert_int_equal(vcpu, f->naffinity);
	f->affinity_flags = flags;
	f->soft[f->naffinity] = soft;
	f->affinity[f->naffinity++] = hard;
	return 0;
}

static int f_set_sched(void *priv, uint16_t domid, uint32_t weight, uint32_t cap)
{
	struct fake *f = priv;

	assert_int_equal(domid, 7);
	f->weight = weight;
	f->cap = cap;
	return 0;
}

static int f_destroy(void *priv, uint16_t domid)
{
	(void)domid;
	((struct fake *)priv)->destroyed = 1;
	return 0;
}

static void fake_init(struct fake *f, struct dombuild_ops *ops, uint64_t mib)
{
	memset(f, 0, sizeof(*f));
	f->mem_size = mib << 20;
	f->mem = calloc(1, f->mem_size);
	f->populated = calloc(1, f->mem_size / 4096);
	f->limit_pages = UINT64_MAX;
	assert_non_null(f->mem);
	assert_non_null(f->populated);
	ops->priv = f;
	ops->create = f_create;
	ops->max_mem = f_max_mem;
	ops->populate = f_populate;
	ops->map = f_map;
	ops->unmap = f_unmap;
	ops->set_param = f_set_param;
	ops->alloc_unbound = f_alloc_unbound;
	ops->vcpu_start = f_vcpu_start;
	ops->set_affinity = f_set_affinity;
	ops->set_sched = f_set_sched;
	ops->destroy = f_destroy;
}

static void fake_free(struct fake *f)
{
	free(f->mem);
	free(f->populated);
}

static void test_build(void **state)
{
	struct xlcfg_domain cfg;
	struct xlcfg_msgs m = { 0 };
	struct dombuild_kernel k;
	struct dombuild_result res;
	struct dombuild_ops ops;
	struct fake f;
	size_t len;
	uint8_t *e = make_elf(1, 1, 70000, 5000, &len), rd[10000], acpi[DOMBUILD_ACPI_SIZE];
	const char *cfgtext = "name='g'\nkernel='/k'\nmemory=33\nvcpus=2\ncpus=['1','2-3']\n"
			      "cpus_soft='2'\n"
			      "extra='console=hvc0 quiet'\ncpu_weight=512\ncap=150\n";
	const struct hvm_start_info *si;
	const struct hvm_memmap_table_entry *mm;
	const struct hvm_modlist_entry *mod;

	(void)state;
	assert_int_equal(xlcfg_load(&cfg, "g.cfg", cfgtext, strlen(cfgtext), NULL, 0, &m), 0);
	assert_int_equal(dombuild_kernel_parse(&k, e, len, err, sizeof(err)), 0);
	fake_init(&f, &ops, 33);
	/* Garbage where the bss and ring pages go: the builder must zero them. */
	memset(f.mem + PADDR + 70000, 0xee, 5000);
	memset(f.mem + (33 << 20) - 8192, 0xee, 8192);
	for (size_t i = 0; i < sizeof(rd); i++)
		rd[i] = (uint8_t)(i ^ 0x5a);
	assert_int_equal(dombuild_build(&ops, &cfg, &k, rd, sizeof(rd), &res, err, sizeof(err)), 0);
	assert_int_equal(res.domid, 7);
	assert_int_equal(f.max_kb, 33 * 1024);
	assert_int_equal(f.max_evtchn_port, 1023);
	/* All 33 MiB, in 16 2 MiB extents and 256 4 KiB ones. */
	assert_int_equal(f.pages, 33 * 256);
	assert_int_equal(f.n2m, 16);
	assert_int_equal(f.n4k, 256);
	/* The kernel at its physical address, bss zeroed. */
	assert_memory_equal(f.mem + PADDR, k.image + k.elf.segment[0].offset, 70000);
	for (int i = 0; i < 5000; i++)
		assert_int_equal(f.mem[PADDR + 70000 + i], 0);
	/* start_info right after the kernel, then the ramdisk. */
	assert_int_equal(res.layout.start_info, PADDR + 77824); /* 75000 rounded up */
	si = (const struct hvm_start_info *)(f.mem + res.layout.start_info);
	assert_int_equal(si->magic, XEN_HVM_START_MAGIC_VALUE);
	assert_int_equal(si->version, 1);
	assert_int_equal(si->flags, 0);
	/* The ACPI tables below 1 MiB, as dombuild_acpi_build makes them for 2 vCPUs. */
	assert_int_equal(res.layout.acpi, DOMBUILD_ACPI_BASE);
	assert_int_equal(si->rsdp_paddr, res.layout.acpi);
	assert_int_equal(dombuild_acpi_build(acpi, sizeof(acpi), res.layout.acpi, 2, err,
					     sizeof(err)), 0);
	assert_memory_equal(f.mem + si->rsdp_paddr, acpi, sizeof(acpi));
	assert_string_equal((const char *)f.mem + si->cmdline_paddr, "console=hvc0 quiet");
	assert_int_equal(si->nr_modules, 1);
	mod = (const struct hvm_modlist_entry *)(f.mem + si->modlist_paddr);
	assert_int_equal(mod->paddr, res.layout.start_info + 4096);
	assert_int_equal(mod->size, sizeof(rd));
	assert_memory_equal(f.mem + mod->paddr, rd, sizeof(rd));
	/*
	 * The memmap: RAM below 640K, the legacy hole with the ACPI tables' page
	 * at its top (type ACPI), RAM, the two ring pages.
	 */
	assert_int_equal(si->memmap_entries, 5);
	mm = (const struct hvm_memmap_table_entry *)(f.mem + si->memmap_paddr);
	assert_int_equal(mm[0].addr, 0);
	assert_int_equal(mm[0].size, 0xa0000);
	assert_int_equal(mm[0].type, 1);
	assert_int_equal(mm[1].addr, 0xa0000);
	assert_int_equal(mm[1].addr + mm[1].size, res.layout.acpi);
	assert_int_equal(mm[1].type, 2);
	assert_int_equal(mm[2].addr, res.layout.acpi);
	assert_int_equal(mm[2].size, DOMBUILD_ACPI_SIZE);
	assert_int_equal(mm[2].addr + mm[2].size, 0x100000);
	assert_int_equal(mm[2].type, 3);
	assert_int_equal(mm[3].addr, 0x100000);
	assert_int_equal(mm[3].addr + mm[3].size, (33 << 20) - 8192);
	assert_int_equal(mm[3].type, 1);
	assert_int_equal(mm[4].addr, (33 << 20) - 8192);
	assert_int_equal(mm[4].size, 8192);
	assert_int_equal(mm[4].type, 2);
	/* Ring pages zeroed, params and ports set. */
	for (int i = 0; i < 8192; i++)
		assert_int_equal(f.mem[(33 << 20) - 8192 + i], 0);
	assert_int_equal(f.params[HVM_PARAM_CONSOLE_PFN], (33 << 8) - 2);
	assert_int_equal(f.params[HVM_PARAM_STORE_PFN], (33 << 8) - 1);
	assert_int_equal(f.params[HVM_PARAM_CONSOLE_EVTCHN], res.console_port);
	assert_int_equal(f.params[HVM_PARAM_STORE_EVTCHN], res.store_port);
	assert_int_not_equal(res.console_port, res.store_port);
	/* vCPU 0 at the PVH entry, start_info in rbx; affinity per vCPU. */
	assert_true(f.started);
	assert_int_equal(f.st.vcpu, 0);
	assert_int_equal(f.st.rip, ENTRY);
	assert_int_equal(f.st.rbx, res.layout.start_info);
	assert_int_equal(f.st.cr0, 0x11);
	assert_int_equal(f.naffinity, 2);
	assert_int_equal(f.affinity[0], 2);
	assert_int_equal(f.affinity[1], 0xc);
	assert_int_equal(f.affinity_flags, TERN_VCPUAFFINITY_hard | TERN_VCPUAFFINITY_soft);
	assert_int_equal(f.soft[0], 4);
	assert_int_equal(f.soft[1], 4);
	/* cpu_weight and cap. */
	assert_int_equal(f.weight, 512);
	assert_int_equal(f.cap, 150);
	assert_false(f.destroyed);
	fake_free(&f);
	dombuild_kernel_free(&k);
	xlcfg_domain_free(&cfg);
	xlcfg_msgs_free(&m);
	free(e);
}

static void test_build_failures(void **state)
{
	struct xlcfg_domain cfg;
	struct xlcfg_msgs m = { 0 };
	struct dombuild_kernel k;
	struct dombuild_result res;
	struct dombuild_layout l;
	struct dombuild_ops ops;
	struct fake f;
	size_t len;
	uint8_t *e = make_elf(1, 1, 4096, 0, &len);
	const char *cfgtext = "name='g'\nkernel='/k'\nmemory=20\n";

	(void)state;
	assert_int_equal(xlcfg_load(&cfg, "g.cfg", cfgtext, strlen(cfgtext), NULL, 0, &m), 0);
	assert_int_equal(dombuild_kernel_parse(&k, e, len, err, sizeof(err)), 0);
	/* The heap runs out: the domain is destroyed, the message says how far it got. */
	fake_init(&f, &ops, 20);
	f.limit_pages = 10 * 256;
	assert_int_equal(dombuild_build(&ops, &cfg, &k, NULL, 0, &res, err, sizeof(err)), -ENOMEM);
	assert_true(f.destroyed);
	assert_string_equal(err, "could not give the domain its memory: 10 of 20 MiB populated "
			    "(Cannot allocate memory); is there enough free memory (xl info)?");
	fake_free(&f);
	/* Without defaults in the config: weight 256, no cap. */
	fake_init(&f, &ops, 20);
	assert_int_equal(dombuild_build(&ops, &cfg, &k, NULL, 0, &res, err, sizeof(err)), 0);
	assert_int_equal(f.weight, 256);
	assert_int_equal(f.cap, 0);
	fake_free(&f);
	/* dom0 owns every pCPU: the hypervisor refuses, the message says why. */
	fake_init(&f, &ops, 20);
	f.create_rc = -ENODEV;
	assert_int_equal(dombuild_build(&ops, &cfg, &k, NULL, 0, &res, err, sizeof(err)), -ENODEV);
	assert_false(f.created);
	assert_string_equal(err, "cannot create the domain (domctl createdomain): No such device "
			    "(dom0 owns every pCPU of this machine; tern runs guests only on pCPUs "
			    "dom0 does not own: see dom0_max_vcpus)");
	fake_free(&f);
	/* A ramdisk that does not fit. */
	assert_int_equal(dombuild_plan(&l, 20 << 20, &k, 8 << 20, 0, err, sizeof(err)), -ENOSPC);
	assert_string_equal(err, "the ramdisk (8192 KiB) does not fit in memory: 4080 KiB are "
			    "free after the kernel in 20 MiB; increase memory=");
	/* A kernel above the memory. */
	assert_int_equal(dombuild_plan(&l, 16 << 20, &k, 0, 0, err, sizeof(err)), -ENOSPC);
	assert_string_equal(err, "the kernel needs memory up to 17 MiB, but memory is 16 MiB: "
			    "increase memory=");
	/* A command line beyond PVH's limit. */
	assert_int_equal(dombuild_plan(&l, 20 << 20, &k, 0, 3000, err, sizeof(err)), -ENOSPC);
	assert_string_equal(err, "the command line is 3000 characters; PVH allows 2047");
	dombuild_kernel_free(&k);
	xlcfg_domain_free(&cfg);
	xlcfg_msgs_free(&m);
	free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_elf64_and_elf32),
		cmocka_unit_test(test_elf_without_note),
		cmocka_unit_test(test_damaged_images),
		cmocka_unit_test(test_bzimage_payloads),
		cmocka_unit_test(test_real_debian_kernel),
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_build_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
