/* core/segment_stub.c: TEMPORARY stand-in for stet_words_each (see
 * core/segment.h): words are runs of ASCII letters and digits, bytes
 * >= 0x80 counting as letters. Not UAX #29; replaced by the real module. */
#include "segment.h"

static int word_byte(unsigned char c) {
  return c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

int stet_words_each(const char *str, size_t n, stet_span_fn fn, void *ud) {
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0;
  while (i < n) {
    while (i < n && !word_byte(s[i])) i++;
    size_t start = i;
    while (i < n && word_byte(s[i])) i++;
    if (i > start) {
      int r = fn(ud, start, i);
      if (r) return r;
    }
  }
  return 0;
}
