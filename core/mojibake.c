/* core/mojibake.c: repair of UTF-8 that was decoded as Windows-1252 or
 * Latin-1 and encoded again ("cafÃ©" for "café", "â€™" for "’").
 *
 * How it decides. Every character of Windows-1252 or Latin-1 stands for one
 * byte (U+0080..U+00FF for itself, the cp1252 punctuation such as U+20AC or
 * U+2019 for its byte 0x80..0x9F). A candidate is a run of such characters
 * whose bytes form exactly one well-formed multi-byte UTF-8 sequence: a lead
 * byte C2..F4 followed by the number of continuation bytes (80..BF) that the
 * lead announces, within the ranges of the Unicode Standard's table 3-7. A
 * candidate is replaced by the character its bytes encode. Correct text is
 * left alone because real words almost never put a capital accented letter
 * (the lead bytes C2..DF are "Â".."ß") right before a symbol, a C1 control or
 * one of the cp1252 punctuation marks, nor a lower-case accented letter
 * (E0..F4, "à".."ô") before two or three of them. One pair that does occur in
 * real text, a capital letter before a no-break space (French "É\u00A0!"),
 * is repaired only after "Â" and "Ã", the two leads mojibake of U+00A0 and
 * U+00E0 produce. "Ã" alone, or before a letter or an ASCII character, is
 * never touched. Text encoded wrongly twice is repaired in up to three
 * rounds, each on the result of the last. */
#include <stdint.h>
#include <string.h>

#include "normalize.h"
#include "utf8.h"

/* Code points of cp1252 bytes 0x80..0x9F; 0 where cp1252 leaves the byte
 * undefined (those bytes appear as the C1 control of the same value). */
static const uint16_t cp1252_high[32] = {
  0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
  0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
  0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
  0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

/* The byte that cp stands for in cp1252 or Latin-1, or -1. */
static int byte_of(int32_t cp) {
  if (cp >= 0x80 && cp <= 0xFF) return (int)cp;
  if (cp < 0x100) return -1;
  for (int i = 0; i < 32; i++)
    if (cp1252_high[i] == cp) return 0x80 + i;
  return -1;
}

/* Tries a candidate at s[i]. On success stores the repaired bytes in seq,
 * their count in *seqlen, and returns the input bytes it spans; else 0. */
static size_t candidate(const unsigned char *s, size_t n, size_t i,
                        unsigned char seq[4], size_t *seqlen) {
  int32_t cp;
  size_t k = stet_utf8_decode(s + i, n - i, &cp);
  int b0 = cp == STET_UTF8_INVALID ? -1 : byte_of(cp);
  if (b0 < 0xC2 || b0 > 0xF4) return 0;
  size_t need = b0 < 0xE0 ? 2 : b0 < 0xF0 ? 3 : 4;
  size_t pos = i + k;
  seq[0] = (unsigned char)b0;
  int32_t first_cont = 0;
  for (size_t j = 1; j < need; j++) {
    if (pos >= n) return 0;
    size_t kk = stet_utf8_decode(s + pos, n - pos, &cp);
    int b = cp == STET_UTF8_INVALID ? -1 : byte_of(cp);
    if (b < 0x80 || b > 0xBF) return 0;
    if (j == 1) first_cont = cp;
    seq[j] = (unsigned char)b;
    pos += kk;
  }
  int32_t decoded;
  if (stet_utf8_decode(seq, need, &decoded) != need || decoded == STET_UTF8_INVALID)
    return 0;
  if (need == 2 && first_cont == 0xA0 && b0 != 0xC2 && b0 != 0xC3) return 0;
  *seqlen = need;
  return pos - i;
}

/* One round; same return convention as stet_mojibake_repair. */
static int repair_round(const unsigned char *s, size_t n, stet_buf *out, size_t *fixed) {
  size_t i = 0, pend = 0;
  int changed = 0;
  while (i < n) {
    /* a candidate starts with U+00C2..U+00F4 (byte_of must give a lead
     * byte C2..F4), which UTF-8 writes C3 82..C3 B4; 0xC3 is never a
     * continuation byte, so the next one is where the next candidate may
     * start */
    const unsigned char *c3 = memchr(s + i, 0xC3, n - i);
    if (!c3) break;
    i = (size_t)(c3 - s);
    unsigned char seq[4];
    size_t seqlen = 0, span = candidate(s, n, i, seq, &seqlen);
    if (span) {
      if (stet_buf_append(out, s + pend, i - pend) || stet_buf_append(out, seq, seqlen))
        return -1;
      changed = 1;
      (*fixed)++;
      i += span;
      pend = i;
    } else {
      int32_t cp;
      i += stet_utf8_decode(s + i, n - i, &cp);
    }
  }
  if (changed && stet_buf_append(out, s + pend, n - pend)) return -1;
  return changed;
}

int stet_mojibake_repair(const char *in, size_t n, stet_buf *out, size_t *fixed) {
  stet_buf a = STET_BUF_INIT, b = STET_BUF_INIT;
  const unsigned char *cur = (const unsigned char *)in;
  size_t len = n;
  int any = 0, rc = 0;
  for (int round = 0; round < 3; round++) {
    b.len = 0;
    int r = repair_round(cur, len, &b, fixed);
    if (r < 0) { rc = -1; break; }
    if (r == 0) break;
    any = 1;
    stet_buf t = a; a = b; b = t;
    cur = (const unsigned char *)a.data;
    len = a.len;
  }
  if (rc == 0 && any && stet_buf_append(out, a.data, a.len)) rc = -1;
  stet_buf_free(&a);
  stet_buf_free(&b);
  return rc < 0 ? -1 : any;
}
