/* core/wordscan.h: the block-wise word finder behind stet_words_each, as a
 * template that other files instantiate with their own span handler, so
 * that a caller such as MinHash (core/minhash.c) gets each word without a
 * call through a pointer. Internal header: static inline functions, no
 * state.
 *
 * stet_words_scan(s, n, fn, ud, block) reports the word-like UAX #29 word
 * segments of s[0..n) exactly as stet_words_each does. fn and block must
 * be constants where it is expanded (it is always inlined): fn is the span
 * handler, block computes the masks of one 64-byte block (stet_word_block,
 * or stet_word_block_avx2 inside a function built for AVX2). The general
 * rules and the walks around non-ASCII characters stay in
 * core/wordbreak.c (the stet_wb_* functions below). */
#ifndef STET_WORDSCAN_H
#define STET_WORDSCAN_H

#include <stddef.h>
#include <stdint.h>

#include "bytemask.h"
#include "segment.h"

/* What the stet_wb_* walks return when the general rules must decide. */
#define STET_WB_FAIL SIZE_MAX

/* From the end b of a run of ASCII letters, digits and "_" that may go on
 * (a non-ASCII byte or a mid-word mark follows it): the end of the segment
 * by the walks of core/wordbreak.c, or STET_WB_FAIL. *wl is in/out: whether
 * the segment is word-like. */
size_t stet_wb_run_on(const unsigned char *s, size_t n, size_t b, int *wl);

/* The end of the segment that starts at the boundary a with a non-ASCII
 * byte, or STET_WB_FAIL; *wl: whether it is word-like. */
size_t stet_wb_high(const unsigned char *s, size_t n, size_t a, int *wl);

/* The first offset >= p whose byte is not a run byte, or n. */
size_t stet_wb_long_run_end(const unsigned char *s, size_t n, size_t p);

/* Selects the mask code of stet_words_each for tests: 0 the baseline
 * (SSE2 on x86_64), 1 AVX2 when the CPU has it (else the baseline), -1 the
 * best the CPU has (what stet_words_each does). */
int stet_words_each_simd(const char *s, size_t n, stet_span_fn fn, void *ud, int simd);

/* Whether this CPU runs the AVX2 code (checked at run time). */
int stet_have_avx2(void);

/* The masks of one block that the word finder uses. */
typedef struct stet_wscan_block {
  uint64_t run;  /* stet_is_wordrun */
  uint64_t high; /* byte >= 0x80 */
  uint64_t cont; /* bytes after which a run may go on (stet_wscan_may_continue) */
  uint64_t und;  /* "_" */
} stet_wscan_block;

typedef void (*stet_block_fn)(const unsigned char *p, stet_word_masks *m);

/* Whether a run of run bytes ending at j (s[j] is not a run byte, j < n)
 * may go on past j under the general rules: s[j] is not ASCII, or it is a
 * mid-word mark followed by an ASCII letter or digit or a non-ASCII byte. */
static inline int stet_wscan_may_continue(const unsigned char *s, size_t n, size_t j) {
  return s[j] >= 0x80 ||
         (stet_is_midmark(s[j]) && j + 1 < n && (s[j + 1] >= 0x80 || stet_is_wordchar(s[j + 1])));
}

/* Whether s[i..n) starts with one of the punctuation characters of news
 * text – — “ ” … (U+2013, U+2014, U+201C, U+201D, U+2026: E2 80 93, 94,
 * 9C, 9D, A6), all of class Other, which join nothing before them and,
 * unless WB4 characters follow, nothing after them. */
static inline int stet_wscan_punct(const unsigned char *s, size_t n, size_t i) {
  if (n - i < 3 || s[i] != 0xE2 || s[i + 1] != 0x80) return 0;
  unsigned d = (unsigned)s[i + 2] - 0x93;
  return d < 20 && ((0x80603u >> d) & 1);
}

/* The end of the run of run bytes that goes on from p, p at or after base,
 * the masks of the run bytes of the blocks at base and base + 64 in run0
 * and run1. */
static inline size_t stet_wscan_run_end(const unsigned char *s, size_t n, size_t base,
                                        uint64_t run0, uint64_t run1, size_t p) {
  size_t j = p - base;
  if (j < 64) {
    uint64_t r = ~run0 >> j;
    if (r) return p + (size_t)__builtin_ctzll(r);
    j = 64;
  }
  if (j < 128) {
    uint64_t r = ~run1 >> (j - 64);
    if (r) return base + j + (size_t)__builtin_ctzll(r);
    j = 128;
  }
  return stet_wb_long_run_end(s, n, base + j);
}

/* Whether a run that ends at b may go on (stet_wscan_may_continue), from
 * the cont masks of the blocks at base and base + 64 when b is in them. */
static inline int stet_wscan_cont(const unsigned char *s, size_t n, size_t base, uint64_t cont0,
                                  uint64_t cont1, size_t b) {
  size_t j = b - base;
  if (j < 128) return (int)(((j < 64 ? cont0 : cont1) >> (j & 63)) & 1);
  return b < n && stet_wscan_may_continue(s, n, b);
}

/* Whether the mid-word mark m (ASCII, or "." for U+2019, which is
 * MidNumLet as "." is) keeps the ASCII characters p before it and c after
 * it in one word: WB6 and WB7 between letters (":", ".", "'"), WB11 and
 * WB12 between digits (",", ";", ".", "'"). */
static inline int stet_wscan_mark_joins(unsigned char p, unsigned char m, unsigned char c) {
  if ((unsigned char)((p | 0x20) - 'a') < 26 && (unsigned char)((c | 0x20) - 'a') < 26)
    return m == ':' || m == '.' || m == '\'';
  if ((unsigned char)(p - '0') < 10 && (unsigned char)(c - '0') < 10)
    return m == ',' || m == ';' || m == '.' || m == '\'';
  return 0;
}

/* Whether s[i..n) (i < n) starts with a Latin-1 letter, U+00C0..U+00FF
 * but for U+00D7 and U+00F7 (C3 80..BF but 97 and B7): ALetter and
 * word-like. */
static inline int stet_wscan_latin1(const unsigned char *s, size_t n, size_t i) {
  return s[i] == 0xC3 && n - i >= 2 && s[i + 1] >= 0x80 && s[i + 1] <= 0xBF &&
         (s[i + 1] & 0xDF) != 0x97;
}

/* The end of a word segment that has reached b, or STET_WB_FAIL when the
 * general rules must decide from its start. The character before b is an
 * ASCII letter, digit or "_" (latin 0) or a Latin-1 letter (latin 1), and
 * all characters of the segment so far are plain: no WB4 characters, no
 * Hebrew letters. While the segment may go on: a run of ASCII letters,
 * digits and "_" or a Latin-1 letter after a letter joins it (WB5, WB9,
 * WB10, WB13a, WB13b); an ASCII mark or U+2019 between ASCII letters or
 * digits joins the next run (WB6, WB7, WB11, WB12); a dash, double quote
 * or ellipsis ends it; the walks of core/wordbreak.c decide the rest
 * after an ASCII character, the general rules after a Latin-1 letter.
 * Sets *wl when a Latin-1 letter joins. */
static inline __attribute__((always_inline)) size_t
stet_wscan_extend(const unsigned char *s, size_t n, size_t base, const stet_wscan_block *cur,
                  const stet_wscan_block *nx, size_t b, int latin, int *wl) {
  for (;;) {
    if (latin) {
      if (b == n) return b;
      if (stet_is_wordrun(s[b])) {
        b = stet_wscan_run_end(s, n, base, cur->run, nx->run, b);
        latin = 0;
        continue;
      }
      if (stet_wscan_latin1(s, n, b)) {
        b += 2;
        continue;
      }
      if (s[b] < 0x80 ? !stet_is_midmark(s[b]) : stet_wscan_punct(s, n, b)) return b;
      return STET_WB_FAIL;
    }
    if (!stet_wscan_cont(s, n, base, cur->cont, nx->cont, b)) return b;
    size_t next;
    unsigned char m = s[b];
    if (m < 0x80 && s[b + 1] < 0x80) {
      next = b + 1;
    } else if (m == 0xE2 && n - b >= 4 && s[b + 1] == 0x80 && s[b + 2] == 0x99 &&
               s[b + 3] < 0x80) {
      next = b + 3, m = '.';
    } else if (stet_wscan_latin1(s, n, b)) {
      *wl = 1;
      b += 2;
      latin = 1;
      continue;
    } else if (stet_wscan_punct(s, n, b)) {
      return b;
    } else {
      return stet_wb_run_on(s, n, b, wl);
    }
    if (!stet_wscan_mark_joins(s[b - 1], m, s[next])) return b;
    b = stet_wscan_run_end(s, n, base, cur->run, nx->run, next);
  }
}

/* Fills *w with the masks of the block of s[0..n) at base; all zero when
 * base >= n. The bytes of a short last block past n are zero (bytemask.h),
 * so they are in no mask: no run goes on past n and no event lies there. */
static inline __attribute__((always_inline)) void
stet_wscan_block_at(const unsigned char *s, size_t n, size_t base, stet_wscan_block *w,
                    stet_block_fn block) {
  if (base >= n) {
    w->run = w->high = w->cont = w->und = 0;
    return;
  }
  unsigned char tail[64];
  stet_word_masks m;
  block(stet_block_at(s, n, base, tail), &m);
  /* Bytes followed by a letter, digit or non-ASCII byte; bit 63 looks at
   * s[base + 64]. */
  uint64_t next = (m.word | m.high) >> 1;
  if (base + 64 < n && (s[base + 64] >= 0x80 || stet_is_wordchar(s[base + 64])))
    next |= 1ull << 63;
  w->run = m.run;
  w->high = m.high;
  w->cont = m.high | (m.mid & next);
  w->und = m.run & ~m.word;
}

/* The word finder (see stet_words_each in core/wordbreak.c for how it
 * works). From a boundary, a run of ASCII letters, digits and "_" is a
 * whole segment unless stet_wscan_may_continue says what follows may
 * extend it; ASCII bytes outside runs are never part of a word-like
 * segment unless a non-ASCII character follows them, and no segment ends
 * inside a run. So each block's plain runs up to the next byte that needs
 * a closer look (a non-ASCII byte, the end of a run that may go on, the
 * start of a run that starts with "_") are reported by pairing the bits
 * of their starts and ends, and that byte is handled by the stet_wb_*
 * walks or by the general rules (stet_word_next). */
static inline __attribute__((always_inline)) int
stet_words_scan(const char *str, size_t n, stet_span_fn fn, void *ud, stet_block_fn block) {
  const unsigned char *s = (const unsigned char *)str;
  size_t pos = 0;  /* the boundary up to which segments were found */
  size_t base = 0; /* the block: s[base..base+64) */
  int r;
  stet_wscan_block cur, nx;
  stet_wscan_block_at(s, n, 0, &cur, block);
#define STET_WSCAN_EMIT(a, b)                  \
  do {                                         \
    if ((r = fn(ud, (a), (b))) != 0) return r; \
  } while (0)
  while (base < n) {
    stet_wscan_block_at(s, n, base + 64, &nx, block);
    uint64_t before = base > 0 && stet_is_wordrun(s[base - 1]);
    uint64_t starts = cur.run & ~((cur.run << 1) | before);
    uint64_t ends = cur.run & ~((cur.run >> 1) | (nx.run << 63));
    /* What needs a closer look: non-ASCII bytes, the ends of runs that may
     * go on, the starts of runs that start with "_". */
    uint64_t look = cur.high | (ends & ((cur.cont >> 1) | (nx.cont << 63))) | (starts & cur.und);
    for (;;) {
      uint64_t from = pos > base ? ~0ull << (pos - base) : ~0ull;
      starts &= from;
      /* The runs that end in the block before the next closer look are
       * whole word-like segments: pair their starts and ends. */
      uint64_t la = look & from, plain = ends & from & ((la & -la) - 1);
      if (plain) {
        size_t j;
        do {
          size_t k = (size_t)__builtin_ctzll(starts);
          j = (size_t)__builtin_ctzll(plain);
          starts &= starts - 1;
          plain &= plain - 1;
          if ((r = fn(ud, base + k, base + j + 1)) != 0) return r;
        } while (plain);
        pos = base + j + 1;
      }
      /* Then the next event, a run start or a non-ASCII byte. */
      uint64_t ev = starts | (cur.high & from);
      if (!ev) break;
      size_t k = (size_t)__builtin_ctzll(ev), a = base + k;
      size_t start = a;
      if (!((cur.high >> k) & 1)) {
        /* Bytes a..a+63 that end the run, from this block and the next
         * (the second shift is by 64 - k, 0 when k is 0). */
        uint64_t rest = (~cur.run >> k) | ((~nx.run << 1) << (63 - k));
        size_t b = rest ? a + (size_t)__builtin_ctzll(rest) : stet_wb_long_run_end(s, n, a + 64);
        int wl = 1;
        if ((cur.und >> k) & 1) {
          wl = 0;
          for (size_t t = a + 1; !wl && t < b; t++) wl = s[t] != '_';
        }
        b = stet_wscan_extend(s, n, base, &cur, &nx, b, 0, &wl);
        if (b == STET_WB_FAIL) goto general;
        if (wl) STET_WSCAN_EMIT(a, b);
        pos = b;
        goto next_event;
      } else {
        /* a is a boundary: either pos == a, or the bytes from pos to a
         * are ASCII bytes that are not run bytes, and none of those joins
         * a letter, digit, mark or Other after it (by WB7 or WB11 only
         * with a letter or digit before it, and that would have joined). */
        if (stet_wscan_punct(s, n, a) && (n - a == 3 || s[a + 3] < 0x80)) {
          pos = a + 3; /* a segment of its own, not word-like */
          goto next_event;
        }
        int wl = 1;
        size_t e = stet_wscan_latin1(s, n, a)
                       ? stet_wscan_extend(s, n, base, &cur, &nx, a + 2, 1, &wl)
                       : stet_wb_high(s, n, a, &wl);
        if (e != STET_WB_FAIL) {
          if (wl) STET_WSCAN_EMIT(a, e);
          pos = e;
          goto next_event;
        }
        if (pos < a) start = a - 1;
      }
    general:
      {
        int wl;
        size_t end = stet_word_next(str, n, start, &wl);
        if (wl) STET_WSCAN_EMIT(start, end);
        pos = end;
      }
    next_event:
      if (pos >= base + 64) break;
    }
    if (pos < base + 128) {
      base += 64;
      cur = nx;
    } else {
      base = pos & ~(size_t)63;
      stet_wscan_block_at(s, n, base, &cur, block);
    }
  }
#undef STET_WSCAN_EMIT
  return 0;
}

#endif
