/* CRC-32 (IEEE 802.3 polynomial), guarding each journal record. */
#ifndef XS_CRC32_H
#define XS_CRC32_H

#include <stddef.h>
#include <stdint.h>

uint32_t xs_crc32(const void *buf, size_t len);

#endif
