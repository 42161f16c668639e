/* core/le.h: little-endian integers in byte buffers, for the file and
 * signature formats: one memcpy on little-endian machines (the compiler
 * does not merge the byte loops: it takes each byte out and puts the word
 * back together), byte by byte elsewhere. Internal header. */
#ifndef STET_LE_H
#define STET_LE_H

#include <stdint.h>
#include <string.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define STET_LE 1
#endif

static inline void stet_put_le32(unsigned char *p, uint32_t v) {
#ifdef STET_LE
  memcpy(p, &v, 4);
#else
  for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
#endif
}

static inline void stet_put_le64(unsigned char *p, uint64_t v) {
  stet_put_le32(p, (uint32_t)v);
  stet_put_le32(p + 4, (uint32_t)(v >> 32));
}

static inline uint32_t stet_get_le32(const unsigned char *p) {
  uint32_t v = 0;
#ifdef STET_LE
  memcpy(&v, p, 4);
#else
  for (int i = 3; i >= 0; i--) v = (v << 8) | p[i];
#endif
  return v;
}

static inline uint64_t stet_get_le64(const unsigned char *p) {
  return (uint64_t)stet_get_le32(p) | (uint64_t)stet_get_le32(p + 4) << 32;
}

#endif
