/* core/utf8.c: the out-of-line parts of utf8.h (ASCII scan, validation). */
#include "utf8.h"

#include <string.h>

size_t stet_ascii_span(const unsigned char *s, size_t n) {
  size_t i = 0;
  while (i + 16 <= n) {
    uint64_t a, b;
    memcpy(&a, s + i, 8);
    memcpy(&b, s + i + 8, 8);
    if ((a | b) & 0x8080808080808080ULL) break;
    i += 16;
  }
  while (i < n && s[i] < 0x80) i++;
  return i;
}

size_t stet_utf8_validate(const unsigned char *s, size_t n, size_t *first_bad) {
  size_t i = 0, bad = 0;
  *first_bad = n;
  while (i < n) {
    i += stet_ascii_span(s + i, n - i);
    if (i >= n) break;
    int32_t cp;
    size_t k = stet_utf8_decode(s + i, n - i, &cp);
    if (cp == STET_UTF8_INVALID) {
      if (bad == 0) *first_bad = i;
      bad++;
    }
    i += k;
  }
  return bad;
}
