/* core/wordbreak.c: UAX #29 word boundaries (rules WB1..WB999) and the
 * word-like segments that stet_words_each reports.
 *
 * stet_word_next scans forward from a boundary keeping only the context the
 * rules look back at: the last two characters after WB4 (Extend, Format and
 * ZWJ attach to what precedes them), the raw previous character (WB3c, WB3d)
 * and the length of the Regional_Indicator run. Look-ahead (WB6, WB7b, WB12)
 * peeks at the next character that WB4 does not absorb. Runs of ASCII
 * letters and digits inside a word take a fast path. */
#include <stdint.h>
#include <string.h>

#include "segment.h"
#include "segprops.h"
#include "utf8.h"

#define NONE 0xFFu

/* The word property byte of the character at s[i], its length in *len. */
static inline unsigned wb_at(const unsigned char *s, size_t n, size_t i, size_t *len) {
  if (s[i] < 0x80) {
    *len = 1;
    return stet_wb_stage2[s[i]];
  }
  int32_t cp;
  *len = stet_utf8_decode(s + i, n - i, &cp);
  return stet_wb((uint32_t)cp);
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

#define REP8(x) ((uint64_t)(x) * 0x0101010101010101ull)

/* Eight bytes from p (any alignment). */
static inline uint64_t load8(const unsigned char *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}

/* Bit 7 of each byte of v set where that byte is an ASCII letter, digit or
 * "_". Bytes are first cut to 7 bits so no sum carries into its neighbour. */
static inline uint64_t word_bytes(uint64_t v) {
  uint64_t v7 = v & REP8(0x7F), lo = v7 | REP8(0x20);
  uint64_t letter = (lo + REP8(0x80 - 'a')) & ~(lo + REP8(0x7F - 'z'));
  uint64_t digit = (v7 + REP8(0x80 - '0')) & ~(v7 + REP8(0x7F - '9'));
  uint64_t under = ~((v7 ^ REP8('_')) + REP8(0x7F));
  return (letter | digit | under) & ~v & REP8(0x80);
}

/* The first offset >= j where stet_wb_ascii[s[j]] & 1 is 0 (want_word) or
 * where a letter, digit, "_" or non-ASCII byte starts (!want_word), or n.
 * Eight bytes at a time on little-endian machines. */
static inline __attribute__((always_inline)) size_t scan_run(const unsigned char *s, size_t n, size_t j, int want_word) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  while (j + 8 <= n) {
    uint64_t v = load8(s + j);
    uint64_t w = word_bytes(v);
    uint64_t stop = want_word ? ~w & REP8(0x80) : w | (v & REP8(0x80));
    if (stop) return j + ((size_t)__builtin_ctzll(stop) >> 3);
    j += 8;
  }
#endif
  if (want_word) {
    while (j < n && (stet_wb_ascii[s[j]] & 1)) j++;
  } else {
    while (j < n && s[j] < 0x80 && !(stet_wb_ascii[s[j]] & 1)) j++;
  }
  return j;
}

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#define WORD_WINDOWS 1

/* Bit masks over the 64 bytes s[base .. base + 64): `run` has a bit for
 * each ASCII letter, digit or "_" (stet_wb_ascii & 1), `stop` for those and
 * every non-ASCII byte. Bytes past the end of the text count as neither. */
typedef struct word_window {
  size_t base;
  uint64_t run, stop;
} word_window;

/* Loads the window at base (< n). */
static void window_load(word_window *w, const unsigned char *s, size_t n, size_t base) {
  unsigned char pad[64];
  const unsigned char *p = s + base;
  if (n - base < 64) {
    memset(pad, 0, sizeof pad);
    memcpy(pad, p, n - base);
    p = pad;
  }
  const __m128i bit20 = _mm_set1_epi8(0x20), a1 = _mm_set1_epi8('a' - 1),
                z1 = _mm_set1_epi8('z' + 1), d1 = _mm_set1_epi8('0' - 1),
                d9 = _mm_set1_epi8('9' + 1), under = _mm_set1_epi8('_');
  uint64_t run = 0, high = 0;
  for (int k = 0; k < 4; k++) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
    __m128i low = _mm_or_si128(v, bit20);
    __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(low, a1), _mm_cmpgt_epi8(z1, low));
    __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, d1), _mm_cmpgt_epi8(d9, v));
    __m128i r = _mm_or_si128(_mm_or_si128(letter, digit), _mm_cmpeq_epi8(v, under));
    run |= (uint64_t)(unsigned)_mm_movemask_epi8(r) << (16 * k);
    high |= (uint64_t)(unsigned)_mm_movemask_epi8(v) << (16 * k);
  }
  w->base = base;
  w->run = run;
  w->stop = run | high;
}

/* scan_run with the windows: the first offset >= j whose byte is not in a
 * run (want_word) or is in a run or non-ASCII (!want_word), or n. */
static inline size_t window_scan(word_window *w, const unsigned char *s, size_t n, size_t j,
                                 int want_word) {
  while (j < n) {
    if (j < w->base || j - w->base >= 64) window_load(w, s, n, j);
    size_t off = j - w->base;
    uint64_t bits = (want_word ? ~w->run : w->stop) >> off;
    if (bits) {
      size_t k = j + (size_t)__builtin_ctzll(bits);
      return k < n ? k : n;
    }
    j = w->base + 64;
  }
  return n;
}
#endif

/* The fast path: at a boundary pos, a run of ASCII letters, digits and "_"
 * is a whole segment unless what follows may extend it (a non-ASCII
 * character, or a mid-word mark before a letter or digit); in those cases
 * the general rules decide. An ASCII byte outside such runs that is followed
 * by ASCII is never part of a word-like segment. stet_wb_ascii (generated)
 * classifies bytes: 1 run, 2 word-like, 4 mid-word mark. */
int stet_words_each(const char *str, size_t n, stet_span_fn fn, void *ud) {
  const unsigned char *s = (const unsigned char *)str;
  size_t pos = 0;
#ifdef WORD_WINDOWS
  word_window win = {(size_t)-1, 0, 0};
#define SCAN(j, want) window_scan(&win, s, n, (j), (want))
#else
#define SCAN(j, want) scan_run(s, n, (j), (want))
#endif
  while (pos < n) {
    unsigned char c = s[pos];
    if (stet_wb_ascii[c] & 1) {
      size_t j = SCAN(pos + 1, 1);
      if (j == n || (s[j] < 0x80 &&
                     (!(stet_wb_ascii[s[j]] & 4) || j + 1 == n ||
                      (s[j + 1] < 0x80 && !(stet_wb_ascii[s[j + 1]] & 2))))) {
        int wl = c != '_';
        for (size_t k = pos + 1; !wl && k < j; k++) wl = s[k] != '_';
        if (wl) {
          int r = fn(ud, pos, j);
          if (r) return r;
        }
        pos = j;
        continue;
      }
    } else if (c < 0x80) {
      size_t q = SCAN(pos + 1, 0);
      if (q == n) return 0;
      if (s[q] < 0x80) {
        pos = q;
        continue;
      }
      pos = q - 1;
    }
    int wl;
    size_t end = stet_word_next(str, n, pos, &wl);
    if (wl) {
      int r = fn(ud, pos, end);
      if (r) return r;
    }
    pos = end;
  }
#undef SCAN
  return 0;
}
