/*
 * Kernel payload decompression: the formats Linux can compress its bzImage
 * payload with (CONFIG_KERNEL_*), through the distribution's libraries
 * (liblzma for xz and lzma, zlib, libzstd, liblz4, libbz2), statically linked.
 * Debian's kernels use xz with the x86 BCJ filter; liblzma's .xz decoder
 * applies the filters the stream header names.
 *
 * Each decoder stops at the end of the first stream: a bzImage payload ends
 * with 4 bytes of decompressed size that are not part of any stream.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bzlib.h>
#include <lz4.h>
#include <lz4frame.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include "dombuild.h"

enum dombuild_comp dombuild_comp_detect(const uint8_t *p, size_t len)
{
	static const struct {
		enum dombuild_comp c;
		uint8_t n;
		uint8_t magic[6];
	} magics[] = {
		{ DOMBUILD_COMP_NONE, 4, { 0x7f, 'E', 'L', 'F' } },
		{ DOMBUILD_COMP_GZIP, 2, { 0x1f, 0x8b } },
		{ DOMBUILD_COMP_XZ, 6, { 0xfd, '7', 'z', 'X', 'Z', 0x00 } },
		{ DOMBUILD_COMP_ZSTD, 4, { 0x28, 0xb5, 0x2f, 0xfd } },
		{ DOMBUILD_COMP_LZ4, 4, { 0x02, 0x21, 0x4c, 0x18 } },
		{ DOMBUILD_COMP_LZ4, 4, { 0x04, 0x22, 0x4d, 0x18 } },
		{ DOMBUILD_COMP_LZMA, 3, { 0x5d, 0x00, 0x00 } },
		{ DOMBUILD_COMP_BZIP2, 3, { 'B', 'Z', 'h' } },
		{ DOMBUILD_COMP_LZO, 4, { 0x89, 'L', 'Z', 'O' } },
	};

	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
		if (len >= magics[i].n && memcmp(p, magics[i].magic, magics[i].n) == 0)
			return magics[i].c;
	return DOMBUILD_COMP_UNKNOWN;
}

const char *dombuild_comp_name(enum dombuild_comp c)
{
	static const char *const names[] = {
		"none", "gzip", "xz", "zstd", "lz4", "lzma", "bzip2", "lzo", "unknown",
	};

	return (unsigned)c < sizeof(names) / sizeof(names[0]) ? names[c] : "unknown";
}

/* A growing output buffer, bounded by max. */
struct outbuf {
	uint8_t *p;
	size_t len, cap, max;
};

static int out_reserve(struct outbuf *o, size_t more)
{
	size_t cap;
	uint8_t *t;

	if (o->len + more <= o->cap)
		return 0;
	if (o->len + more > o->max)
		return -EFBIG;
	cap = o->cap ? o->cap : 1 << 20;
	while (cap < o->len + more)
		cap *= 2;
	if (cap > o->max)
		cap = o->max;
	t = realloc(o->p, cap);
	if (!t)
		return -ENOMEM;
	o->p = t;
	o->cap = cap;
	return 0;
}

/* Room for at least one more MiB (or up to max). */
static int out_grow(struct outbuf *o)
{
	if (o->len == o->max)
		return -EFBIG;
	return out_reserve(o, o->cap - o->len >= 4096 ? 0 :
			   (o->max - o->len < (1u << 20) ? o->max - o->len : 1u << 20));
}

static int decode_xz_lzma(int alone, const uint8_t *in, size_t len, struct outbuf *o)
{
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_ret r = alone ? lzma_alone_decoder(&s, UINT64_MAX)
			   : lzma_stream_decoder(&s, UINT64_MAX, 0);
	int rc = 0;

	if (r != LZMA_OK)
		return -ENOMEM;
	s.next_in = in;
	s.avail_in = len;
	for (;;) {
		rc = out_grow(o);
		if (rc)
			break;
		s.next_out = o->p + o->len;
		s.avail_out = o->cap - o->len;
		r = lzma_code(&s, LZMA_FINISH);
		o->len = o->cap - s.avail_out;
		if (r == LZMA_STREAM_END)
			break;
		if (r == LZMA_OK && s.avail_out == 0)
			continue;
		rc = r == LZMA_MEM_ERROR ? -ENOMEM : -EINVAL;
		break;
	}
	lzma_end(&s);
	return rc;
}

static int decode_gzip(const uint8_t *in, size_t len, struct outbuf *o)
{
	z_stream s;
	int r, rc = 0;

	memset(&s, 0, sizeof(s));
	if (inflateInit2(&s, 16 + MAX_WBITS) != Z_OK) /* 16: gzip header */
		return -ENOMEM;
	s.next_in = (Bytef *)in;
	for (;;) {
		rc = out_grow(o);
		if (rc)
			break;
		/* zlib counts in uInt: feed and drain at most 1 GiB at a time. */
		s.avail_in = (uInt)((size_t)(in + len - s.next_in) > (1u << 30) ? 1u << 30 :
				    (size_t)(in + len - s.next_in));
		s.next_out = o->p + o->len;
		s.avail_out = (uInt)(o->cap - o->len > (1u << 30) ? 1u << 30 : o->cap - o->len);
		{
			uInt before = s.avail_out;

			r = inflate(&s, Z_NO_FLUSH);
			o->len += before - s.avail_out;
		}
		if (r == Z_STREAM_END)
			break;
		if (r == Z_OK && (s.avail_out == 0 || s.avail_in != 0))
			continue;
		if (r == Z_BUF_ERROR && s.avail_out == 0)
			continue;
		rc = r == Z_MEM_ERROR ? -ENOMEM : -EINVAL; /* corrupt, or input ran out */
		break;
	}
	inflateEnd(&s);
	return rc;
}

static int decode_zstd(const uint8_t *in, size_t len, struct outbuf *o)
{
	ZSTD_DStream *s = ZSTD_createDStream();
	ZSTD_inBuffer ib = { in, len, 0 };
	size_t r;
	int rc = 0;

	if (!s)
		return -ENOMEM;
	ZSTD_initDStream(s);
	for (;;) {
		ZSTD_outBuffer ob;

		rc = out_grow(o);
		if (rc)
			break;
		ob.dst = o->p;
		ob.size = o->cap;
		ob.pos = o->len;
		r = ZSTD_decompressStream(s, &ob, &ib);
		o->len = ob.pos;
		if (ZSTD_isError(r)) {
			rc = -EINVAL;
			break;
		}
		if (r == 0)
			break; /* end of the frame */
		if (ib.pos == ib.size && ob.pos < ob.size) {
			rc = -EINVAL; /* truncated */
			break;
		}
	}
	ZSTD_freeDStream(s);
	return rc;
}

/*
 * LZ4 legacy format (what `lz4 -l` writes and Linux uses): the magic, then
 * blocks of [u32 compressed size][data], each at most 8 MiB decompressed.
 */
static int decode_lz4_legacy(const uint8_t *in, size_t len, struct outbuf *o)
{
	const size_t block_max = 8u << 20;
	size_t pos = 4;

	while (len - pos >= 4) {
		uint32_t n = (uint32_t)in[pos] | (uint32_t)in[pos + 1] << 8 |
			     (uint32_t)in[pos + 2] << 16 | (uint32_t)in[pos + 3] << 24;
		int got, rc;

		if (n == 0x184c2102u) { /* another legacy stream: carry on */
			pos += 4;
			continue;
		}
		if (n > len - pos - 4) {
			/* Linux's trailing size: the last 4 bytes, after a block. */
			if (len - pos == 4 && o->len > 0)
				break;
			return -EINVAL;
		}
		pos += 4;
		rc = out_reserve(o, block_max);
		if (rc == -EFBIG && o->max - o->len > 0)
			rc = out_reserve(o, o->max - o->len);
		if (rc)
			return rc;
		got = LZ4_decompress_safe((const char *)in + pos, (char *)o->p + o->len, (int)n,
					  (int)(o->cap - o->len > block_max ? block_max :
						o->cap - o->len));
		if (got < 0)
			return -EINVAL;
		o->len += (size_t)got;
		pos += n;
	}
	return o->len ? 0 : -EINVAL;
}

static int decode_lz4_frame(const uint8_t *in, size_t len, struct outbuf *o)
{
	LZ4F_dctx *d;
	size_t pos = 0, r = 1;
	int rc = 0;

	if (LZ4F_isError(LZ4F_createDecompressionContext(&d, LZ4F_VERSION)))
		return -ENOMEM;
	while (r != 0) {
		size_t ilen = len - pos, olen;

		rc = out_grow(o);
		if (rc)
			break;
		olen = o->cap - o->len;
		r = LZ4F_decompress(d, o->p + o->len, &olen, in + pos, &ilen, NULL);
		if (LZ4F_isError(r)) {
			rc = -EINVAL;
			break;
		}
		o->len += olen;
		pos += ilen;
		if (r != 0 && pos == len && olen == 0) {
			rc = -EINVAL; /* truncated */
			break;
		}
	}
	LZ4F_freeDecompressionContext(d);
	return rc;
}

static int decode_bzip2(const uint8_t *in, size_t len, struct outbuf *o)
{
	bz_stream s;
	int r, rc = 0;

	memset(&s, 0, sizeof(s));
	if (BZ2_bzDecompressInit(&s, 0, 0) != BZ_OK)
		return -ENOMEM;
	s.next_in = (char *)in;
	s.avail_in = len > (1u << 30) ? 1u << 30 : (unsigned)len;
	for (;;) {
		unsigned before;

		rc = out_grow(o);
		if (rc)
			break;
		s.next_out = (char *)o->p + o->len;
		s.avail_out = o->cap - o->len > (1u << 30) ? 1u << 30 : (unsigned)(o->cap - o->len);
		before = s.avail_out;
		r = BZ2_bzDecompress(&s);
		o->len += before - s.avail_out;
		if (r == BZ_STREAM_END)
			break;
		if (r == BZ_OK && s.avail_out == 0)
			continue;
		if (r == BZ_OK && s.avail_in == 0) {
			rc = -EINVAL; /* truncated */
			break;
		}
		if (r == BZ_OK)
			continue;
		rc = r == BZ_MEM_ERROR ? -ENOMEM : -EINVAL;
		break;
	}
	BZ2_bzDecompressEnd(&s);
	return rc;
}

int dombuild_decompress(enum dombuild_comp c, const uint8_t *in, size_t len, size_t size_hint,
			size_t max_out, uint8_t **out, size_t *outlen, char *err, size_t errlen)
{
	struct outbuf o = { NULL, 0, 0, max_out };
	int rc;

	*out = NULL;
	*outlen = 0;
	if (size_hint && size_hint <= max_out && out_reserve(&o, size_hint) != 0)
		o.cap = 0;
	switch (c) {
	case DOMBUILD_COMP_GZIP:
		rc = decode_gzip(in, len, &o);
		break;
	case DOMBUILD_COMP_XZ:
		rc = decode_xz_lzma(0, in, len, &o);
		break;
	case DOMBUILD_COMP_LZMA:
		rc = decode_xz_lzma(1, in, len, &o);
		break;
	case DOMBUILD_COMP_ZSTD:
		rc = decode_zstd(in, len, &o);
		break;
	case DOMBUILD_COMP_LZ4:
		rc = len >= 4 && in[0] == 0x02 ? decode_lz4_legacy(in, len, &o)
					       : decode_lz4_frame(in, len, &o);
		break;
	case DOMBUILD_COMP_BZIP2:
		rc = decode_bzip2(in, len, &o);
		break;
	default:
		snprintf(err, errlen, "%s compression is not supported (supported: gzip, xz, "
			 "zstd, lz4, lzma, bzip2)", dombuild_comp_name(c));
		free(o.p);
		return -ENOTSUP;
	}
	if (rc) {
		snprintf(err, errlen, "%s payload: %s", dombuild_comp_name(c),
			 rc == -EFBIG ? "decompresses to more than the limit" :
			 rc == -ENOMEM ? "out of memory" : "corrupt or truncated data");
		free(o.p);
		return rc;
	}
	*out = o.p;
	*outlen = o.len;
	return 0;
}
