/* crc32.h - CRC-32 (ISO-HDLC, the zip / zlib one) of stored archive records, at memory speed.
 *
 * pts_crc32(crc, p, n) is zlib's crc32(crc, p, n): start with 0, feed buffers in order.  On
 * x86-64 CPUs with AVX-512 and VPCLMULQDQ it folds 256 bytes per step with carry-less
 * multiplies (four 512-bit registers), with PCLMULQDQ alone 64 bytes (four 128-bit lanes),
 * and finishes the last 16 folded bytes and the tail with zlib; elsewhere, and for short
 * buffers, it is zlib's crc32.  The choice is made once, at the first call, from the CPU's
 * features (PYTS_CRC_ISA=clmul keeps the 128-bit fold).  Buffers of 4 MB or more are cut into
 * 1 MB pieces that the thread pool's threads claim one by one; zlib's crc32_combine joins the
 * pieces' CRCs.  tests/c/test_archive.c compares all paths with zlib. */
#ifndef PTS_CONTAINER_CRC32_H
#define PTS_CONTAINER_CRC32_H

#include <stddef.h>
#include <stdint.h>

uint32_t pts_crc32(uint32_t crc, const void *p, size_t n);
/* The portable path alone (zlib), for tests. */
uint32_t pts_crc32_portable(uint32_t crc, const void *p, size_t n);
/* Whether pts_crc32 uses the carry-less-multiply path on this CPU. */
int pts_crc32_accelerated(void);

#endif
