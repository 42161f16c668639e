/* core/bytemask.h: bitmasks of byte classes over 64-byte blocks, for the
 * fast paths of the word and paragraph segmenters (core/wordbreak.c,
 * core/segment.c), and over 16 bytes for the line writer of `stet segment`
 * (core/lua_segment.c). Internal header: static inline functions, no state.
 *
 * Bit k of a mask describes byte p[k] of the block. Each class is defined
 * by a plain predicate below (stet_is_wordrun ...), and there are three
 * ways to compute the masks, which must give the same bits:
 *   - SSE2 (baseline on x86_64): four 16-byte loads and a few compares,
 *     or two 32-byte ones with AVX2 (stet_word_block_avx2, for functions
 *     built for AVX2 and called when the CPU has it);
 *   - SWAR on other little-endian machines: eight bytes in a 64-bit word;
 *   - one byte at a time, calling the predicates, elsewhere.
 * Defining STET_SCALAR skips SSE2 and STET_BYTEWISE skips SWAR too, so the
 * fallbacks can be tested on x86_64: `make -B all CFLAGS="-O2 -g
 * -DSTET_SCALAR"`, run the specs, then `make -B all` again.
 * spec/segment_spec.lua checks the fast paths against the general rules at
 * every offset of a block.
 *
 * stet_block_at handles the last, short block by copying it into a zeroed
 * buffer; bits past the end of the text are then meaningless, and callers
 * clamp the offsets they find to the text length. */
#ifndef STET_BYTEMASK_H
#define STET_BYTEMASK_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__SSE2__) && !defined(STET_SCALAR)
#include <emmintrin.h>
#define STET_BYTEMASK_SSE2 1
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
/* AVX2 code (with BMI1, BMI2 and POPCNT) is built into functions marked
 * STET_TARGET_AVX2 and run only where __builtin_cpu_supports says the CPU
 * has them (stet_have_avx2 in core/wordbreak.c). */
#define STET_BYTEMASK_AVX2 1
#define STET_TARGET_AVX2 __attribute__((target("avx2,bmi,bmi2,popcnt")))
#define STET_AVX2_INLINE STET_TARGET_AVX2 static inline __attribute__((always_inline))
#endif
#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && \
    !defined(STET_BYTEWISE)
#define STET_BYTEMASK_SWAR 1
#endif

/* The classes. core/gen/segprops.lua checks that the first three are the
 * ASCII bytes of the Word_Break classes named (stet_wb_ascii bits 1, 2, 4). */

/* An ASCII letter, digit or "_": ALetter, Numeric or ExtendNumLet. */
static inline int stet_is_wordrun(unsigned char c) {
  return (unsigned char)((c | 0x20) - 'a') < 26 || (unsigned char)(c - '0') < 10 || c == '_';
}
/* An ASCII letter or digit: word-like. */
static inline int stet_is_wordchar(unsigned char c) {
  return (unsigned char)((c | 0x20) - 'a') < 26 || (unsigned char)(c - '0') < 10;
}
/* A mid-word mark: MidLetter, MidNum, MidNumLet or Single_Quote. */
static inline int stet_is_midmark(unsigned char c) {
  return c == '\'' || c == ',' || c == '.' || c == ':' || c == ';';
}
/* White space that a blank line may hold: " ", "\t", "\n", "\v", "\f", "\r". */
static inline int stet_is_blank(unsigned char c) {
  return c == ' ' || (unsigned char)(c - '\t') < 5;
}

#ifdef STET_BYTEMASK_SSE2
/* Bytes of v in [lo, lo + len), len <= 128: adding 0x80 - lo maps that
 * range onto the lowest signed bytes [-128, -128 + len), and is a
 * bijection, so no other byte lands there. */
static inline __m128i stet_in_range16(__m128i v, unsigned char lo, unsigned char len) {
  return _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - lo))),
                        _mm_set1_epi8((char)(0x80 + len)));
}
/* The 16 flags of m as bits 16k..16k+15. */
static inline uint64_t stet_bits16(__m128i m, int k) {
  return (uint64_t)(unsigned)_mm_movemask_epi8(m) << (16 * k);
}
#endif

#ifdef STET_BYTEMASK_SWAR
#define STET_REP8(x) ((uint64_t)(x) * 0x0101010101010101ull)
/* Bit 7 of each byte of v7 (every byte < 0x80) set where it equals c. */
static inline uint64_t stet_eq8(uint64_t v7, unsigned char c) {
  return ~((v7 ^ STET_REP8(c)) + STET_REP8(0x7F)) & STET_REP8(0x80);
}
/* Bit 7 of each byte of v7 (every byte < 0x80) set where it is in
 * [lo, hi]: no sum carries into the next byte. */
static inline uint64_t stet_range8(uint64_t v7, unsigned char lo, unsigned char hi) {
  return (v7 + STET_REP8(0x80 - lo)) & ~(v7 + STET_REP8(0x7F - hi)) & STET_REP8(0x80);
}
/* Bits 7, 15, ..., 63 of x (no other bit set) as bits 0..7: the multiply
 * moves bit 8i + 7 to bit 56 + i, and no two partial products meet. */
static inline uint64_t stet_pack8(uint64_t x) {
  return ((x >> 7) * 0x0102040810204080ull) >> 56;
}
#endif

#ifdef STET_BYTEMASK_SSE2
/* Adds the word masks of the 16 bytes p[16k..16k+16) to *r, *w, *d, *h. */
static inline void stet_word_block16(const unsigned char *p, int k, uint64_t *r, uint64_t *w,
                                     uint64_t *d, uint64_t *h) {
  __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
  __m128i wc = _mm_or_si128(stet_in_range16(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 26),
                            stet_in_range16(v, '0', 10));
  __m128i mid = _mm_or_si128(
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\'')), _mm_cmpeq_epi8(v, _mm_set1_epi8(','))),
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('.')), stet_in_range16(v, ':', 2)));
  *w |= stet_bits16(wc, k);
  *r |= stet_bits16(_mm_or_si128(wc, _mm_cmpeq_epi8(v, _mm_set1_epi8('_'))), k);
  *d |= stet_bits16(mid, k);
  *h |= stet_bits16(v, k);
}

/* Adds the line masks of the 16 bytes p[16k..16k+16) to *nl and *blank. */
static inline void stet_line_block16(const unsigned char *p, int k, uint64_t *nl, uint64_t *blank) {
  __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
  *nl |= stet_bits16(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')), k);
  *blank |= stet_bits16(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')),
                                     stet_in_range16(v, '\t', 5)), k);
}
#endif

/* The masks of one 64-byte block for the word segmenter. */
typedef struct stet_word_masks {
  uint64_t run;  /* stet_is_wordrun */
  uint64_t word; /* stet_is_wordchar */
  uint64_t mid;  /* stet_is_midmark */
  uint64_t high; /* byte >= 0x80 */
} stet_word_masks;

/* Computes the word masks of the 64 bytes at p. */
static inline void stet_word_block(const unsigned char *p, stet_word_masks *m) {
  uint64_t r = 0, w = 0, d = 0, h = 0;
#if defined(STET_BYTEMASK_SSE2)
  stet_word_block16(p, 0, &r, &w, &d, &h);
  stet_word_block16(p, 1, &r, &w, &d, &h);
  stet_word_block16(p, 2, &r, &w, &d, &h);
  stet_word_block16(p, 3, &r, &w, &d, &h);
#elif defined(STET_BYTEMASK_SWAR)
  for (unsigned k = 0; k < 64; k += 8) {
    uint64_t v;
    memcpy(&v, p + k, 8);
    uint64_t ascii = ~v & STET_REP8(0x80), v7 = v & STET_REP8(0x7F);
    uint64_t wc = (stet_range8(v7 | STET_REP8(0x20), 'a', 'z') | stet_range8(v7, '0', '9')) & ascii;
    uint64_t mid = stet_eq8(v7, '\'') | stet_eq8(v7, ',') | stet_eq8(v7, '.') | stet_range8(v7, ':', ';');
    w |= stet_pack8(wc) << k;
    r |= stet_pack8(wc | (stet_eq8(v7, '_') & ascii)) << k;
    d |= stet_pack8(mid & ascii) << k;
    h |= stet_pack8(v & STET_REP8(0x80)) << k;
  }
#else
  for (unsigned k = 0; k < 64; k++) {
    r |= (uint64_t)stet_is_wordrun(p[k]) << k;
    w |= (uint64_t)stet_is_wordchar(p[k]) << k;
    d |= (uint64_t)stet_is_midmark(p[k]) << k;
    h |= (uint64_t)(p[k] >= 0x80) << k;
  }
#endif
  m->run = r;
  m->word = w;
  m->mid = d;
  m->high = h;
}

#ifdef STET_BYTEMASK_AVX2
/* Bytes of v in [lo, lo + len), as stet_in_range16 over 32 bytes. */
STET_AVX2_INLINE __m256i stet_in_range32(__m256i v, unsigned char lo, unsigned char len) {
  return _mm256_cmpgt_epi8(_mm256_set1_epi8((char)(0x80 + len)),
                           _mm256_add_epi8(v, _mm256_set1_epi8((char)(0x80 - lo))));
}

/* Adds the word masks of the 32 bytes p[32k..32k+32) to *r, *w, *d, *h. */
STET_AVX2_INLINE void stet_word_block32(const unsigned char *p, int k, uint64_t *r, uint64_t *w,
                                         uint64_t *d, uint64_t *h) {
  __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(p + 32 * k));
  __m256i wc = _mm256_or_si256(stet_in_range32(_mm256_or_si256(v, _mm256_set1_epi8(0x20)), 'a', 26),
                               stet_in_range32(v, '0', 10));
  __m256i mid = _mm256_or_si256(
      _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('\'')),
                      _mm256_cmpeq_epi8(v, _mm256_set1_epi8(','))),
      _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('.')), stet_in_range32(v, ':', 2)));
  int s = 32 * k;
  *w |= (uint64_t)(uint32_t)_mm256_movemask_epi8(wc) << s;
  *r |= (uint64_t)(uint32_t)_mm256_movemask_epi8(
            _mm256_or_si256(wc, _mm256_cmpeq_epi8(v, _mm256_set1_epi8('_')))) << s;
  *d |= (uint64_t)(uint32_t)_mm256_movemask_epi8(mid) << s;
  *h |= (uint64_t)(uint32_t)_mm256_movemask_epi8(v) << s;
}

/* stet_word_block with AVX2: callable only where the CPU has it. */
STET_AVX2_INLINE void stet_word_block_avx2(const unsigned char *p, stet_word_masks *m) {
  uint64_t r = 0, w = 0, d = 0, h = 0;
  stet_word_block32(p, 0, &r, &w, &d, &h);
  stet_word_block32(p, 1, &r, &w, &d, &h);
  m->run = r;
  m->word = w;
  m->mid = d;
  m->high = h;
}
#endif

/* The masks of one 64-byte block for the paragraph splitter. */
typedef struct stet_line_masks {
  uint64_t nl;       /* byte "\n" */
  uint64_t nonblank; /* !stet_is_blank */
} stet_line_masks;

/* Computes the line masks of the 64 bytes at p. */
static inline void stet_line_block(const unsigned char *p, stet_line_masks *m) {
  uint64_t l = 0, b = 0;
#if defined(STET_BYTEMASK_SSE2)
  stet_line_block16(p, 0, &l, &b);
  stet_line_block16(p, 1, &l, &b);
  stet_line_block16(p, 2, &l, &b);
  stet_line_block16(p, 3, &l, &b);
#elif defined(STET_BYTEMASK_SWAR)
  for (unsigned k = 0; k < 64; k += 8) {
    uint64_t v;
    memcpy(&v, p + k, 8);
    uint64_t ascii = ~v & STET_REP8(0x80), v7 = v & STET_REP8(0x7F);
    l |= stet_pack8(stet_eq8(v7, '\n') & ascii) << k;
    b |= stet_pack8((stet_eq8(v7, ' ') | stet_range8(v7, '\t', '\r')) & ascii) << k;
  }
#else
  for (unsigned k = 0; k < 64; k++) {
    l |= (uint64_t)(p[k] == '\n') << k;
    b |= (uint64_t)stet_is_blank(p[k]) << k;
  }
#endif
  m->nl = l;
  m->nonblank = ~b;
}

/* Whether any of the 64 bytes at p is "\n". */
static inline int stet_has_nl64(const unsigned char *p) {
#if defined(STET_BYTEMASK_SSE2)
  const __m128i lf = _mm_set1_epi8('\n');
  __m128i a = _mm_or_si128(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)p), lf),
                           _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 16)), lf));
  __m128i b = _mm_or_si128(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 32)), lf),
                           _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 48)), lf));
  return _mm_movemask_epi8(_mm_or_si128(a, b)) != 0;
#else
  return memchr(p, '\n', 64) != NULL;
#endif
}

/* The bytes among the 16 at p that are "\n", "\r", "\t" or "\\", as bits
 * 0..15 (the escapes of `stet segment` output lines). */
static inline unsigned stet_escapes16(const unsigned char *p) {
#if defined(STET_BYTEMASK_SSE2)
  __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
  __m128i m = _mm_or_si128(
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\r'))),
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\t')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
  return (unsigned)_mm_movemask_epi8(m);
#elif defined(STET_BYTEMASK_SWAR)
  unsigned r = 0;
  for (unsigned k = 0; k < 16; k += 8) {
    uint64_t v;
    memcpy(&v, p + k, 8);
    uint64_t ascii = ~v & STET_REP8(0x80), v7 = v & STET_REP8(0x7F);
    uint64_t e = stet_eq8(v7, '\n') | stet_eq8(v7, '\r') | stet_eq8(v7, '\t') | stet_eq8(v7, '\\');
    r |= (unsigned)stet_pack8(e & ascii) << k;
  }
  return r;
#else
  unsigned r = 0;
  for (unsigned k = 0; k < 16; k++)
    r |= (unsigned)(p[k] == '\n' || p[k] == '\r' || p[k] == '\t' || p[k] == '\\') << k;
  return r;
#endif
}

/* The block of s[0..n) at offset base (< n): s + base itself when 64 bytes
 * remain, else a copy of the rest into tail[64], zero-filled. */
static inline const unsigned char *stet_block_at(const unsigned char *s, size_t n, size_t base,
                                                 unsigned char tail[64]) {
  if (n - base >= 64) return s + base;
  memset(tail, 0, 64);
  memcpy(tail, s + base, n - base);
  return tail;
}

#endif
