/* core/wordbreak.c: UAX #29 word boundaries (rules WB1..WB999) and the
 * word-like segments that stet_words_each reports.
 *
 * stet_word_next scans forward from a boundary keeping only the context the
 * rules look back at: the last two characters after WB4 (Extend, Format and
 * ZWJ attach to what precedes them), the raw previous character (WB3c, WB3d)
 * and the length of the Regional_Indicator run. Look-ahead (WB6, WB7b, WB12)
 * peeks at the next character that WB4 does not absorb. Runs of ASCII
 * letters and digits inside a word take a fast path.
 *
 * stet_words_each finds most words without those rules, with the block
 * finder of core/wordscan.h (ASCII runs and their ends from the 64-byte
 * block masks of core/bytemask.h, SSE2 or AVX2 chosen at run time); here,
 * word_walk and lone_end (through stet_wb_run_on and stet_wb_high) decide
 * the common cases around non-ASCII characters (accented letters, curly
 * apostrophes, quotes, dashes) from their classes alone.
 * stet_words_each_reference is the slow reference: the general rules at
 * every boundary. */
#include <stdint.h>
#include <string.h>

#include "bytemask.h"
#include "segment.h"
#include "segprops.h"
#include "utf8.h"
#include "wordscan.h"

#define NONE 0xFFu

/* The word property byte of the non-ASCII character at s[i], its length
 * in *len. */
static unsigned wb_at_multi(const unsigned char *s, size_t n, size_t i, size_t *len) {
  int32_t cp;
  *len = stet_utf8_decode(s + i, n - i, &cp);
  return stet_wb((uint32_t)cp);
}

/* The word property byte of the character at s[i], its length in *len. */
static inline unsigned wb_at(const unsigned char *s, size_t n, size_t i, size_t *len) {
  if (s[i] < 0x80) {
    *len = 1;
    return stet_wb_stage2[s[i]];
  }
  return wb_at_multi(s, n, i, len);
}

static inline int ignorable(unsigned c) {
  return c == STET_WB_EXTEND || c == STET_WB_FORMAT || c == STET_WB_ZWJ;
}
static inline int ahletter(unsigned c) {
  return c == STET_WB_ALETTER || c == STET_WB_HEBREW_LETTER;
}
static inline int midletter_q(unsigned c) {
  return c == STET_WB_MIDLETTER || c == STET_WB_MIDNUMLET || c == STET_WB_SINGLE_QUOTE;
}
static inline int midnum_q(unsigned c) {
  return c == STET_WB_MIDNUM || c == STET_WB_MIDNUMLET || c == STET_WB_SINGLE_QUOTE;
}
/* An ASCII letter or digit (its class is ALetter or Numeric). */
static inline int ascii_alnum(unsigned char c) {
  return (unsigned char)((c | 0x20) - 'a') < 26 || (unsigned char)(c - '0') < 10;
}

/* The class of the first character at or after j that WB4 does not absorb. */
static unsigned wb_peek(const unsigned char *s, size_t n, size_t j) {
  while (j < n) {
    size_t len;
    unsigned c = wb_at(s, n, j, &len) & STET_WB_MASK;
    if (!ignorable(c)) return c;
    j += len;
  }
  return NONE;
}

/* Whether the rules WB5..WB16 keep prev and cur together (pp: the class
 * before prev; i: offset after cur, for look-ahead). */
static int wb_joins(const unsigned char *s, size_t n, size_t after, unsigned pp,
                    unsigned prev, unsigned cur, size_t ri) {
  if (ahletter(prev)) {
    if (ahletter(cur) || cur == STET_WB_NUMERIC) return 1;                  /* WB5, WB9 */
    if (prev == STET_WB_HEBREW_LETTER) {
      if (cur == STET_WB_SINGLE_QUOTE) return 1;                            /* WB7a */
      if (cur == STET_WB_DOUBLE_QUOTE &&
          wb_peek(s, n, after) == STET_WB_HEBREW_LETTER) return 1;          /* WB7b */
    }
    if (midletter_q(cur) && ahletter(wb_peek(s, n, after))) return 1;       /* WB6 */
  }
  if (ahletter(cur) && ahletter(pp) && midletter_q(prev)) return 1;         /* WB7 */
  if (cur == STET_WB_HEBREW_LETTER && pp == STET_WB_HEBREW_LETTER &&
      prev == STET_WB_DOUBLE_QUOTE) return 1;                               /* WB7c */
  if (prev == STET_WB_NUMERIC) {
    if (cur == STET_WB_NUMERIC || ahletter(cur)) return 1;                  /* WB8, WB10 */
    if (midnum_q(cur) && wb_peek(s, n, after) == STET_WB_NUMERIC) return 1; /* WB12 */
  }
  if (cur == STET_WB_NUMERIC && pp == STET_WB_NUMERIC && midnum_q(prev)) return 1; /* WB11 */
  if (prev == STET_WB_KATAKANA && cur == STET_WB_KATAKANA) return 1;        /* WB13 */
  if (cur == STET_WB_EXTENDNUMLET &&
      (ahletter(prev) || prev == STET_WB_NUMERIC || prev == STET_WB_KATAKANA ||
       prev == STET_WB_EXTENDNUMLET)) return 1;                             /* WB13a */
  if (prev == STET_WB_EXTENDNUMLET &&
      (ahletter(cur) || cur == STET_WB_NUMERIC || cur == STET_WB_KATAKANA)) return 1; /* WB13b */
  if (prev == STET_WB_REGIONAL_INDICATOR && cur == STET_WB_REGIONAL_INDICATOR &&
      (ri & 1)) return 1;                                                   /* WB15, WB16 */
  return 0;                                                                 /* WB999 */
}

size_t stet_word_next(const char *str, size_t n, size_t pos, int *wordlike) {
  const unsigned char *s = (const unsigned char *)str;
  size_t len;
  unsigned v = wb_at(s, n, pos, &len);
  unsigned prev = v & STET_WB_MASK;
  unsigned wl = v & STET_WB_WORDLIKE;
  size_t i = pos + len;
  if (prev == STET_WB_CR) {                                                 /* WB3, WB3a */
    if (i < n && s[i] == '\n') i++;
    goto done;
  }
  if (prev == STET_WB_LF || prev == STET_WB_NEWLINE) goto done;             /* WB3a */
  unsigned raw = prev, pp = NONE;
  size_t ri = prev == STET_WB_REGIONAL_INDICATOR;
  while (i < n) {
    if ((prev == STET_WB_ALETTER || prev == STET_WB_NUMERIC) && ascii_alnum(s[i])) {
      size_t j = i + 1;
      while (j < n && ascii_alnum(s[j])) j++;
      pp = j - i >= 2 ? stet_wb_stage2[s[j - 2]] & STET_WB_MASK : prev;
      prev = raw = stet_wb_stage2[s[j - 1]] & STET_WB_MASK;
      wl = STET_WB_WORDLIKE;
      ri = 0;
      i = j;
      continue;
    }
    v = wb_at(s, n, i, &len);
    unsigned cur = v & STET_WB_MASK;
    if (cur == STET_WB_CR || cur == STET_WB_LF || cur == STET_WB_NEWLINE) break; /* WB3b */
    if (ignorable(cur)) {                                                   /* WB4 */
      raw = cur;
      i += len;
      continue;
    }
    if (!(raw == STET_WB_ZWJ && (v & STET_WB_EXTPICT)) &&                  /* WB3c */
        !(raw == STET_WB_WSEGSPACE && cur == STET_WB_WSEGSPACE) &&        /* WB3d */
        !wb_joins(s, n, i + len, pp, prev, cur, ri))
      break;
    wl |= v & STET_WB_WORDLIKE;
    ri = cur == STET_WB_REGIONAL_INDICATOR ? ri + 1 : 0;
    pp = prev;
    prev = raw = cur;
    i += len;
  }
done:
  if (wordlike) *wordlike = wl != 0;
  return i;
}

/* The classes word_walk joins among themselves: WB5, WB8..WB10, WB13a and
 * WB13b keep any two of them together. */
static inline int walk_word(unsigned c) {
  return c == STET_WB_ALETTER || c == STET_WB_NUMERIC || c == STET_WB_EXTENDNUMLET;
}
/* The classes after which nothing joins when the class before is a
 * walk_word one (or a lone_end character): WB999 applies. */
static inline int walk_stop(unsigned c) {
  return c == STET_WB_OTHER || c == STET_WB_WSEGSPACE || c == STET_WB_DOUBLE_QUOTE ||
         c == STET_WB_CR || c == STET_WB_LF || c == STET_WB_NEWLINE ||
         c == STET_WB_REGIONAL_INDICATOR;
}
static inline int walk_mid(unsigned c) {
  return c == STET_WB_MIDLETTER || c == STET_WB_MIDNUM || c == STET_WB_MIDNUMLET ||
         c == STET_WB_SINGLE_QUOTE;
}

#define WALK_FAIL SIZE_MAX

/* The end of the word segment whose characters before i all belong to
 * walk_word classes, the last one of class prev, with no character that
 * WB4 ignores (so each rule sees plain neighbours). Goes on over walk_word
 * characters and over a mid-word mark between two letters (WB6, WB7) or
 * two digits (WB11, WB12); stops before a walk_stop character or a mark
 * that does not join. Returns WALK_FAIL when it meets a character whose
 * rules need more context (WB4 ignorables, Hebrew letters, Katakana): the
 * caller then runs the general rules from the segment's start. ORs the
 * property bytes of the characters it takes into *v. */
static size_t word_walk(const unsigned char *s, size_t n, size_t i, unsigned prev, unsigned *v) {
  while (i < n) {
    size_t len;
    unsigned pc = wb_at(s, n, i, &len), cur = pc & STET_WB_MASK;
    if (walk_word(cur)) {
      *v |= pc;
      prev = cur;
      i += len;
      continue;
    }
    if (walk_stop(cur)) return i;                                          /* WB999 */
    if (!walk_mid(cur)) return WALK_FAIL;
    if (i + len >= n) return i;
    size_t len2;
    unsigned pd = wb_at(s, n, i + len, &len2), next = pd & STET_WB_MASK;
    if (!walk_word(next)) return walk_stop(next) || walk_mid(next) ? i : WALK_FAIL;
    if (!((prev == STET_WB_ALETTER && midletter_q(cur) && next == STET_WB_ALETTER) || /* WB6, WB7 */
          (prev == STET_WB_NUMERIC && midnum_q(cur) && next == STET_WB_NUMERIC)))     /* WB11, WB12 */
      return i;
    *v |= pd;
    prev = next;
    i += len + len2;
  }
  return n;
}

/* The end of the segment at a boundary a whose first character (len bytes)
 * is of class Other or a mid-word mark: it joins nothing after it but WB4
 * ignorables (then WALK_FAIL). A mark would join a letter or digit after it
 * only by WB7 or WB11, whose conditions are those of WB6 and WB12 that did
 * not join it to the character before, as a is a boundary. */
static size_t lone_end(const unsigned char *s, size_t n, size_t a, size_t len) {
  size_t e = a + len, len2;
  if (e < n && ignorable(wb_at(s, n, e, &len2) & STET_WB_MASK)) return WALK_FAIL;
  return e;
}

/* The end of a run of run bytes that goes on up to p at least: the first
 * offset >= p whose byte is not a run byte, or n. */
size_t stet_wb_long_run_end(const unsigned char *s, size_t n, size_t p) {
  for (; p < n; p += 64) {
    unsigned char tail[64];
    stet_word_masks m;
    stet_word_block(stet_block_at(s, n, p, tail), &m);
    if (~m.run) {
      size_t j = p + (size_t)__builtin_ctzll(~m.run);
      return j < n ? j : n;
    }
  }
  return n;
}

/* word_walk from the end b of an ASCII run (core/wordscan.h). */
size_t stet_wb_run_on(const unsigned char *s, size_t n, size_t b, int *wl) {
  unsigned v = *wl ? STET_WB_WORDLIKE : 0;
  size_t e = word_walk(s, n, b, stet_wb_stage2[s[b - 1]] & STET_WB_MASK, &v);
  *wl = (v & STET_WB_WORDLIKE) != 0;
  return e == WALK_FAIL ? STET_WB_FAIL : e;
}

/* word_walk or lone_end from a non-ASCII character at a boundary a. */
size_t stet_wb_high(const unsigned char *s, size_t n, size_t a, int *wl) {
  size_t len, e;
  unsigned v = wb_at(s, n, a, &len), c = v & STET_WB_MASK;
  if (walk_word(c))
    e = word_walk(s, n, a + len, c, &v);
  else if (c == STET_WB_OTHER || walk_mid(c))
    e = lone_end(s, n, a, len);
  else
    e = WALK_FAIL;
  *wl = (v & STET_WB_WORDLIKE) != 0;
  return e == WALK_FAIL ? STET_WB_FAIL : e;
}

/* The instances of the word finder (core/wordscan.h): with the baseline
 * masks, and, on x86_64, with the AVX2 ones in a function built for AVX2. */
static int words_each_base(const char *s, size_t n, stet_span_fn fn, void *ud) {
  return stet_words_scan(s, n, fn, ud, stet_word_block);
}

#ifdef STET_BYTEMASK_AVX2
STET_TARGET_AVX2 static int words_each_avx2(const char *s, size_t n, stet_span_fn fn, void *ud) {
  return stet_words_scan(s, n, fn, ud, stet_word_block_avx2);
}
#endif

/* Whether the CPU has what STET_TARGET_AVX2 code uses. */
int stet_have_avx2(void) {
#ifdef STET_BYTEMASK_AVX2
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2") &&
         __builtin_cpu_supports("popcnt");
#else
  return 0;
#endif
}

/* stet_words_each with the masks chosen (wordscan.h). */
int stet_words_each_simd(const char *s, size_t n, stet_span_fn fn, void *ud, int simd) {
#ifdef STET_BYTEMASK_AVX2
  if (simd != 0 && stet_have_avx2()) return words_each_avx2(s, n, fn, ud);
#else
  (void)simd;
#endif
  return words_each_base(s, n, fn, ud);
}

/* The fast path: core/wordscan.h with the best masks this CPU has. */
int stet_words_each(const char *s, size_t n, stet_span_fn fn, void *ud) {
  return stet_words_each_simd(s, n, fn, ud, -1);
}

/* The reference: every segment of stet_word_next, the word-like ones
 * reported. */
int stet_words_each_reference(const char *s, size_t n, stet_span_fn fn, void *ud) {
  size_t pos = 0;
  while (pos < n) {
    int wl;
    size_t end = stet_word_next(s, n, pos, &wl);
    if (wl) {
      int r = fn(ud, pos, end);
      if (r) return r;
    }
    pos = end;
  }
  return 0;
}
