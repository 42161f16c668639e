/* core/segment.c: UAX #29 extended grapheme clusters and paragraphs.
 *
 * Word boundaries live in core/wordbreak.c, sentence boundaries in
 * core/sentbreak.c and the news rules on top of them in core/sentences.c;
 * segment.h declares them all. */
#include "segment.h"

#include <stdint.h>
#include <string.h>

#include "bytemask.h"
#include "segprops.h"
#include "utf8.h"
#include "wordscan.h" /* stet_have_avx2 */

/* The grapheme property byte of the character at s[i], its length in *len. */
static inline unsigned gcb_at(const unsigned char *s, size_t n, size_t i, size_t *len) {
  if (s[i] < 0x80) {
    *len = 1;
    return stet_gcb_stage2[s[i]];
  }
  int32_t cp;
  *len = stet_utf8_decode(s + i, n - i, &cp);
  return stet_gcb((uint32_t)cp);
}

/* Rules GB3..GB13 between prev and cur; emoji is 2 after ExtPict Extend*
 * ZWJ, ri the number of Regional_Indicators ending at prev. 1 = break. */
static int gcb_breaks(unsigned prev, unsigned cur, unsigned curflags, int emoji, size_t ri) {
  if (prev == STET_GCB_CR) return cur != STET_GCB_LF;                       /* GB3, GB4 */
  if (prev == STET_GCB_LF || prev == STET_GCB_CONTROL) return 1;            /* GB4 */
  if (cur == STET_GCB_CR || cur == STET_GCB_LF || cur == STET_GCB_CONTROL) return 1; /* GB5 */
  if (prev == STET_GCB_L && (cur == STET_GCB_L || cur == STET_GCB_V ||
                             cur == STET_GCB_LV || cur == STET_GCB_LVT)) return 0; /* GB6 */
  if ((prev == STET_GCB_LV || prev == STET_GCB_V) &&
      (cur == STET_GCB_V || cur == STET_GCB_T)) return 0;                   /* GB7 */
  if ((prev == STET_GCB_LVT || prev == STET_GCB_T) && cur == STET_GCB_T) return 0; /* GB8 */
  if (cur == STET_GCB_EXTEND || cur == STET_GCB_ZWJ) return 0;              /* GB9 */
  if (cur == STET_GCB_SPACINGMARK) return 0;                                /* GB9a */
  if (prev == STET_GCB_PREPEND) return 0;                                   /* GB9b */
  if (emoji == 2 && (curflags & STET_GCB_EXTPICT)) return 0;                /* GB11 */
  if (prev == STET_GCB_REGIONAL_INDICATOR && cur == STET_GCB_REGIONAL_INDICATOR &&
      (ri & 1)) return 0;                                                   /* GB12, GB13 */
  return 1;                                                                 /* GB999 */
}

size_t stet_grapheme_next(const char *str, size_t n, size_t pos) {
  const unsigned char *s = (const unsigned char *)str;
  size_t len;
  unsigned v = gcb_at(s, n, pos, &len);
  unsigned prev = v & STET_GCB_MASK;
  int emoji = (v & STET_GCB_EXTPICT) ? 1 : 0;
  size_t ri = prev == STET_GCB_REGIONAL_INDICATOR;
  size_t i = pos + len;
  while (i < n) {
    /* Two ASCII characters other than CR LF always break (GB4, GB999). */
    if (s[i] < 0x80 && s[i - 1] < 0x80 && s[i - 1] != '\r') return i;
    v = gcb_at(s, n, i, &len);
    unsigned cur = v & STET_GCB_MASK;
    if (gcb_breaks(prev, cur, v, emoji, ri)) return i;
    if (v & STET_GCB_EXTPICT) emoji = 1;
    else if (emoji == 1 && cur == STET_GCB_ZWJ) emoji = 2;
    else if (!(emoji == 1 && cur == STET_GCB_EXTEND)) emoji = 0;
    ri = cur == STET_GCB_REGIONAL_INDICATOR ? ri + 1 : 0;
    prev = cur;
    i += len;
  }
  return n;
}

/* For each bit of from, the first bit of stops after it: the bit after it
 * (bit 0 of the block when *carry is set) is added to ~stops, and its carry
 * runs up to the next bit of stops. *carry is set for the next block when
 * from has bit 63 or the sum carries out. Needs at most one bit of from in
 * each run of bits of ~stops and the bit of stops before it; the callers'
 * from bits are one per line. */
static inline uint64_t reach(uint64_t stops, uint64_t from, uint64_t *carry) {
  uint64_t sum;
  uint64_t over = __builtin_add_overflow(~stops, (from << 1) | *carry, &sum);
  *carry = (from >> 63) | over;
  return sum & stops;
}

/* Blocks per batch of stet_paragraphs_each. */
#define PAR_BATCH 16

/* Paragraphs by "landings": starting after each "\n" (and at offset 0),
 * skip blank bytes other than "\n"; where that stops is a landing. A
 * landing on a "\n" ends a blank line, a landing on a non-blank byte starts
 * a non-blank line. A paragraph runs from a line start whose previous
 * landing ended a blank line (or is the text start) to the next landing
 * that ends a blank line, trimmed; with lines set, from each line start to
 * the next "\n". With the block masks of bytemask.h those points for 64
 * bytes come from three sums (reach), whose carries cross blocks. Starts
 * and ends alternate, so the offsets of a batch of blocks are written to an
 * array, four at a time whatever their number, and then visited in turn:
 * the loops have no exit that depends on the data of one block. */
typedef void (*line_block_fn)(const unsigned char *p, stet_line_masks *m);
typedef int (*has_nl_fn)(const unsigned char *p);

/* stet_paragraphs_each with the block masks of block and has_nl (constants
 * where it is expanded: it is always inlined). */
static inline __attribute__((always_inline)) int
paragraphs_scan(const char *str, size_t n, int lines, stet_span_fn fn, void *ud,
                line_block_fn block, has_nl_fn has_nl) {
  const unsigned char *s = (const unsigned char *)str;
  uint64_t c_land = 1, c_start = 1, c_end = 0;
  int in_par = 0;   /* between a start and its end */
  size_t start = 0; /* that start */
  uint32_t at[64 * PAR_BATCH + 4]; /* offsets from batch */
  for (size_t batch = 0; batch < n; batch += 64 * PAR_BATCH) {
    size_t count = 0;
    for (size_t base = batch; base < n && base < batch + 64 * PAR_BATCH; base += 64) {
      /* No "\n" and no landing search under way: no point here, and the
       * carries of the sums pass through unchanged (a long line). */
      if (!c_land && n - base >= 64 && !has_nl(s + base)) continue;
      unsigned char tail[64];
      stet_line_masks m;
      block(stet_block_at(s, n, base, tail), &m);
      uint64_t land = reach(m.nl | m.nonblank, m.nl, &c_land);
      uint64_t blank_end = land & m.nl, line_start = land & ~m.nl, ev;
      if (lines)
        ev = line_start | reach(m.nl, line_start, &c_end);
      else
        ev = (reach(land, blank_end, &c_start) & line_start) |
             (reach(land, line_start, &c_end) & blank_end);
      if (n - base < 64) ev &= (1ull << (n - base)) - 1;
      uint32_t off = (uint32_t)(base - batch);
      for (int k = 0; k < 4; k++) {
        at[count] = off + (uint32_t)__builtin_ctzll(ev | (1ull << 63));
        count += ev != 0;
        ev &= ev - 1;
      }
      for (; ev; ev &= ev - 1) at[count++] = off + (uint32_t)__builtin_ctzll(ev);
    }
    size_t k = 0;
    if (in_par && count > 0) {
      int r = stet_par_emit(str, start, batch + at[k++], fn, ud);
      if (r) return r;
      in_par = 0;
    }
    for (; k + 1 < count; k += 2) {
      int r = stet_par_emit(str, batch + at[k], batch + at[k + 1], fn, ud);
      if (r) return r;
    }
    if (k < count) {
      start = batch + at[k];
      in_par = 1;
    }
  }
  return in_par ? stet_par_emit(str, start, n, fn, ud) : 0;
}

static int paragraphs_base(const char *str, size_t n, int lines, stet_span_fn fn, void *ud) {
  return paragraphs_scan(str, n, lines, fn, ud, stet_line_block, stet_has_nl64);
}

#ifdef STET_BYTEMASK_AVX2
/* stet_line_block and stet_has_nl64, 32 bytes at a time. */
STET_AVX2_INLINE void line_block_avx2(const unsigned char *p, stet_line_masks *m) {
  const __m256i lf = _mm256_set1_epi8('\n'), sp = _mm256_set1_epi8(' ');
  const __m256i tab = _mm256_set1_epi8('\t'), four = _mm256_set1_epi8(4);
  uint64_t nl = 0, blank = 0;
  for (int k = 0; k < 2; k++) {
    __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(p + 32 * k));
    __m256i d = _mm256_sub_epi8(v, tab); /* "\t".."\r": 0..4 */
    __m256i b = _mm256_or_si256(_mm256_cmpeq_epi8(v, sp),
                                _mm256_cmpeq_epi8(_mm256_min_epu8(d, four), d));
    nl |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, lf)) << (32 * k);
    blank |= (uint64_t)(uint32_t)_mm256_movemask_epi8(b) << (32 * k);
  }
  m->nl = nl;
  m->nonblank = ~blank;
}

STET_AVX2_INLINE int has_nl64_avx2(const unsigned char *p) {
  const __m256i lf = _mm256_set1_epi8('\n');
  __m256i a = _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(const void *)p), lf);
  __m256i b = _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(const void *)(p + 32)), lf);
  return !_mm256_testz_si256(_mm256_or_si256(a, b), _mm256_or_si256(a, b));
}

STET_TARGET_AVX2 static int paragraphs_avx2(const char *str, size_t n, int lines, stet_span_fn fn,
                                            void *ud) {
  return paragraphs_scan(str, n, lines, fn, ud, line_block_avx2, has_nl64_avx2);
}
#endif

int stet_paragraphs_at(const char *str, size_t n, const uint32_t *nl, size_t k, stet_span_fn fn,
                       void *ud) {
  return stet_paragraphs_at_inline(str, n, nl, k, fn, ud);
}

int stet_paragraphs_each_simd(const char *str, size_t n, int lines, stet_span_fn fn, void *ud,
                              int simd) {
#ifdef STET_BYTEMASK_AVX2
  if (simd != 0 && stet_have_avx2()) return paragraphs_avx2(str, n, lines, fn, ud);
#else
  (void)simd;
#endif
  return paragraphs_base(str, n, lines, fn, ud);
}

int stet_paragraphs_each(const char *str, size_t n, int lines, stet_span_fn fn, void *ud) {
  return stet_paragraphs_each_simd(str, n, lines, fn, ud, -1);
}
