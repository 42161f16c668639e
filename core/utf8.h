/* core/utf8.h: UTF-8 decoding with validation, encoding, and ASCII scans.
 *
 * Decoding follows the Unicode Standard, table 3-7 (well-formed byte
 * sequences). An ill-formed sequence is reported together with the length of
 * its "maximal subpart", so that every caller replaces it by exactly one
 * U+FFFD the way the Standard recommends (section 3.9, U+FFFD substitution). */
#ifndef STET_UTF8_H
#define STET_UTF8_H

#include <stddef.h>
#include <stdint.h>

#define STET_UTF8_INVALID (-1)
#define STET_REPLACEMENT 0xFFFD

/* Decodes the code point at s[0..n), n >= 1. Returns the bytes consumed
 * (1..4) and stores the code point in *cp; for an ill-formed sequence stores
 * STET_UTF8_INVALID and returns the length of its maximal subpart (1..3). */
static inline size_t stet_utf8_decode(const unsigned char *s, size_t n, int32_t *cp) {
  unsigned c = s[0];
  if (c < 0x80) { *cp = (int32_t)c; return 1; }
  *cp = STET_UTF8_INVALID;
  if (c < 0xC2 || c > 0xF4) return 1;
  if (n < 2) return 1;
  unsigned c1 = s[1];
  if (c < 0xE0) {
    if ((c1 & 0xC0) != 0x80) return 1;
    *cp = (int32_t)(((c & 0x1F) << 6) | (c1 & 0x3F));
    return 2;
  }
  unsigned lo = 0x80, hi = 0xBF;
  if (c == 0xE0) lo = 0xA0;
  else if (c == 0xED) hi = 0x9F;
  else if (c == 0xF0) lo = 0x90;
  else if (c == 0xF4) hi = 0x8F;
  if (c1 < lo || c1 > hi) return 1;
  if (n < 3 || (s[2] & 0xC0) != 0x80) return 2;
  if (c < 0xF0) {
    *cp = (int32_t)(((c & 0x0F) << 12) | ((c1 & 0x3F) << 6) | (s[2] & 0x3F));
    return 3;
  }
  if (n < 4 || (s[3] & 0xC0) != 0x80) return 3;
  *cp = (int32_t)(((c & 0x07) << 18) | ((c1 & 0x3F) << 12) |
                  ((unsigned)(s[2] & 0x3F) << 6) | (s[3] & 0x3F));
  return 4;
}

/* Encodes cp (a Unicode scalar value) into out; returns 1..4 bytes. */
static inline size_t stet_utf8_encode(uint32_t cp, char out[4]) {
  if (cp < 0x80) { out[0] = (char)cp; return 1; }
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | (cp >> 18));
  out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  out[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/* Index of the first byte >= 0x80 in s[0..n), or n. Word at a time. */
size_t stet_ascii_span(const unsigned char *s, size_t n);

/* Validates s[0..n). Returns the number of ill-formed sequences (each
 * maximal subpart counts once) and stores the offset of the first one in
 * *first_bad (n when there is none). */
size_t stet_utf8_validate(const unsigned char *s, size_t n, size_t *first_bad);

#endif
