/* Bitwise-reflected CRC-32 with a table built on first use. */
#include "crc32.h"

static uint32_t xs_crc32_table[256];

static void xs_crc32_init(void)
{
	uint32_t i, j, c;

	for (i = 0; i < 256; i++) {
		c = i;
		for (j = 0; j < 8; j++)
			c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
		xs_crc32_table[i] = c;
	}
}

uint32_t xs_crc32(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	uint32_t c = 0xffffffffu;

	if (!xs_crc32_table[1])
		xs_crc32_init();
	while (len--)
		c = xs_crc32_table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}
