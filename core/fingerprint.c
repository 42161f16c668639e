/* core/fingerprint.c: paragraph keys and fingerprints (fingerprint.h).
 *
 * The key is built in one pass. Runs of ASCII bytes are keyed 32 bytes at
 * a time with AVX2 (16 with SSSE3 or SSE2, else byte by byte through
 * ascii_key): letters lower-cased, digits turned to "0", everything else
 * dropped, the kept bytes packed with byte shuffles. A non-ASCII character
 * that passes the NFKC and case-folding quick checks (build/gen/normprops.h)
 * is kept, dropped or turned into "0" by its general category alone; what a
 * BMP code point does is cached in the context as it is met. Anything else
 * starts a "hard" span, which runs until the next ASCII character or stable
 * starter and, when the character before it was kept, starts at that
 * character (a combining mark may compose with it). Only hard spans go
 * through stet_normalize (NFKC + case folding), and their output is
 * filtered by category like the rest. */
#include "fingerprint.h"

#include <stdlib.h>
#include <utf8proc.h>
#if defined(__SSE2__) && defined(__GNUC__)
#include <immintrin.h>
#endif
#define XXH_INLINE_ALL /* XXH3 of short keys inlined: no call per paragraph */
#include <xxhash.h>

#include "normalize.h"
#include "normprops.h"
#include "packbytes.h"
#include "utf8.h"
#include "wordscan.h" /* stet_have_avx2 */

/* What each ASCII byte becomes in the key; 0 drops it. */
static const unsigned char ascii_key[128] = {
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', 0, 0, 0, 0, 0, 0,
  0, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
  'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 0, 0, 0, 0, 0,
  0, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
  'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 0, 0, 0, 0, 0,
};

#if defined(__SSE2__) && defined(__GNUC__)
#define ASCII_BLOCKS 1

/* The key bytes of the 16 ASCII bytes v, and in *keep a bit per byte kept:
 * letters lower-cased, digits turned to "0", the rest dropped. */
static inline __m128i ascii_block_key(__m128i v, unsigned *keep) {
  const __m128i bit20 = _mm_set1_epi8(0x20), a1 = _mm_set1_epi8('a' - 1),
                z1 = _mm_set1_epi8('z' + 1), d1 = _mm_set1_epi8('0' - 1),
                d9 = _mm_set1_epi8('9' + 1), zero = _mm_set1_epi8('0');
  __m128i low = _mm_or_si128(v, bit20); /* only A-Z and a-z land in a-z */
  __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(low, a1), _mm_cmpgt_epi8(z1, low));
  __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, d1), _mm_cmpgt_epi8(d9, v));
  *keep = (unsigned)_mm_movemask_epi8(_mm_or_si128(letter, digit));
  return _mm_or_si128(_mm_and_si128(letter, low), _mm_and_si128(digit, zero));
}

/* The key of the ASCII bytes s[*i..n) up to the first non-ASCII byte or the
 * last whole 16-byte block, appended at o + *j, 16 bytes at a time; the
 * kept bytes of a block are packed byte by byte. o has room for 16 bytes
 * past the key of the whole input. */
static inline __attribute__((always_inline)) void ascii_blocks(const unsigned char *s, size_t n, size_t slack, size_t *i,
                                                      char *o, size_t *j) {
  (void)slack;
  size_t k = *i, w = *j;
  while (k + 16 <= n) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + k));
    if (_mm_movemask_epi8(v)) break; /* a non-ASCII byte */
    unsigned keep;
    __m128i out = ascii_block_key(v, &keep);
    if (keep == 0xFFFF) {
      _mm_storeu_si128((__m128i *)(void *)(o + w), out);
      w += 16;
    } else {
      unsigned char t[16];
      _mm_storeu_si128((__m128i *)(void *)t, out);
#pragma GCC unroll 16
      for (int b = 0; b < 16; b++) {
        o[w] = (char)t[b];
        w += keep >> b & 1;
      }
    }
    k += 16;
  }
  *i = k;
  *j = w;
}

/* ascii_blocks for processors with SSSE3: the kept bytes of a block are
 * packed with one byte shuffle (the rows of build/gen/packbytes.h), and the
 * ASCII start of a block that holds a non-ASCII byte, or of the last short
 * block (copied, padded with NULs, which are dropped), is done the same way. */
__attribute__((target("ssse3,popcnt")))
static inline __attribute__((always_inline)) void ascii_blocks_ssse3(const unsigned char *s, size_t n, size_t slack,
                                                            size_t *i, char *o, size_t *j) {
  (void)slack;
  const __m128i eight = _mm_set1_epi8(8);
  size_t k = *i, w = *j;
  while (k < n) {
    size_t take = n - k;
    __m128i v;
    if (take >= 16) {
      take = 16;
      v = _mm_loadu_si128((const __m128i *)(const void *)(s + k));
    } else {
      unsigned char pad[16] = {0};
      memcpy(pad, s + k, take);
      v = _mm_loadu_si128((const __m128i *)(void *)pad);
    }
    unsigned high = (unsigned)_mm_movemask_epi8(v);
    if (high) {
      size_t first = (size_t)__builtin_ctz(high);
      if (first < take) take = first;
    }
    if (take == 0) break;
    unsigned keep;
    __m128i out = ascii_block_key(v, &keep);
    keep &= (1u << take) - 1;
    unsigned lo = keep & 0xFF, hi = keep >> 8;
    __m128i sl = _mm_loadl_epi64((const __m128i *)(const void *)stet_pack8[lo]);
    __m128i sh = _mm_add_epi8(_mm_loadl_epi64((const __m128i *)(const void *)stet_pack8[hi]), eight);
    __m128i packed = _mm_shuffle_epi8(out, _mm_unpacklo_epi64(sl, sh));
    _mm_storel_epi64((__m128i *)(void *)(o + w), packed);
    w += (size_t)__builtin_popcount(lo);
    _mm_storel_epi64((__m128i *)(void *)(o + w), _mm_unpackhi_epi64(packed, packed));
    w += (size_t)__builtin_popcount(hi);
    k += take;
    if (take < 16) break;
  }
  *i = k;
  *j = w;
}

/* The constants of the AVX2 key loop. */
typedef struct avx2_keys {
  __m256i bit20, la, lz, da, dz, x0f, xf0, x90, x97, xe2, x80, xc3, xb7, xe0, xa0;
} avx2_keys;

/* The key bytes of the 32 bytes v at the bits of keep, packed to o + *w
 * (each 8 bytes' kept bytes moved to their start by one byte shuffle, its
 * rows loaded from the tables straight into the vector); *w grows by
 * their count. Bytes of out outside keep do not matter. */
__attribute__((target("avx2,bmi,bmi2,popcnt")))
static inline __attribute__((always_inline)) void avx2_pack(__m256i out, unsigned keep, char *o,
                                                            size_t *w) {
  unsigned m0 = keep & 0xFF, m1 = keep >> 8 & 0xFF, m2 = keep >> 16 & 0xFF, m3 = keep >> 24;
  __m128i i0 = _mm_castpd_si128(_mm_loadh_pd(
    _mm_castsi128_pd(_mm_loadl_epi64((const __m128i *)(const void *)stet_pack8[m0])),
    (const double *)(const void *)stet_pack8_hi[m1]));
  __m128i i1 = _mm_castpd_si128(_mm_loadh_pd(
    _mm_castsi128_pd(_mm_loadl_epi64((const __m128i *)(const void *)stet_pack8[m2])),
    (const double *)(const void *)stet_pack8_hi[m3]));
  __m256i packed = _mm256_shuffle_epi8(out, _mm256_inserti128_si256(_mm256_castsi128_si256(i0), i1, 1));
  __m128i p0 = _mm256_castsi256_si128(packed), p1 = _mm256_extracti128_si256(packed, 1);
  size_t at = *w;
  _mm_storel_epi64((__m128i *)(void *)(o + at), p0);
  at += (size_t)__builtin_popcount(m0);
  _mm_storel_epi64((__m128i *)(void *)(o + at), _mm_unpackhi_epi64(p0, p0));
  at += (size_t)__builtin_popcount(m1);
  _mm_storel_epi64((__m128i *)(void *)(o + at), p1);
  at += (size_t)__builtin_popcount(m2);
  _mm_storel_epi64((__m128i *)(void *)(o + at), _mm_unpackhi_epi64(p1, p1));
  *w = at + (size_t)__builtin_popcount(m3);
}

/* The letters and digits of v, as masks, and low = v | 0x20. A byte is a
 * letter when low is in a..z, a digit when v is in 0..9: each range is
 * moved to the bottom of the signed bytes (-128 up) by one add, so one
 * signed compare tells it (bytes of 0x80 and up land outside both). */
__attribute__((target("avx2,bmi,bmi2,popcnt")))
static inline __attribute__((always_inline)) void avx2_classes(__m256i v, const avx2_keys *c,
                                                               __m256i *low, __m256i *letter,
                                                               __m256i *digit) {
  *low = _mm256_or_si256(v, c->bit20);
  *letter = _mm256_cmpgt_epi8(c->lz, _mm256_add_epi8(*low, c->la));
  *digit = _mm256_cmpgt_epi8(c->dz, _mm256_add_epi8(v, c->da));
}

/* The key bytes where letter or digit: low, with a digit's low four bits
 * cleared ("0"..."9" are 0x30...0x39, low is v there). */
__attribute__((target("avx2,bmi,bmi2,popcnt")))
static inline __attribute__((always_inline)) __m256i avx2_out(__m256i low, __m256i digit,
                                                              const avx2_keys *c) {
  return _mm256_andnot_si256(_mm256_and_si256(digit, c->x0f), low);
}

/* Keys the 32 ASCII bytes v, appending at o + *w. */
__attribute__((target("avx2,bmi,bmi2,popcnt")))
static inline __attribute__((always_inline)) void avx2_ascii(__m256i v, const avx2_keys *c, char *o,
                                                             size_t *w) {
  __m256i low, letter, digit;
  avx2_classes(v, c, &low, &letter, &digit);
  avx2_pack(avx2_out(low, digit, c), (unsigned)_mm256_movemask_epi8(_mm256_or_si256(letter, digit)),
            o, w);
}

/* Keys the 32 bytes at p, of which the first take (1..32) are in the run,
 * appending at o + *w: the bytes up to the first non-ASCII character the
 * block does not take (see ascii_blocks_avx2). Returns how many bytes it
 * took (0: it starts with such a character). take is a constant 32 in the
 * loop over whole blocks, where the masks of the end fold away. */
__attribute__((target("avx2,bmi,bmi2,popcnt")))
static inline __attribute__((always_inline)) size_t avx2_block(const unsigned char *p,
                                                               size_t take, char *o, size_t *w,
                                                               const avx2_keys *c) {
  __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)p);
  unsigned high = (unsigned)_mm256_movemask_epi8(v), pair = 0;
  __m256i low, letter, digit;
  avx2_classes(v, c, &low, &letter, &digit);
  __m256i out = avx2_out(low, digit, c);
  if (high) {
    unsigned inside = take == 32 ? ~0u : _bzhi_u32(~0u, (unsigned)take);
    __m256i third = _mm256_andnot_si256(_mm256_cmpeq_epi8(v, c->x97),
                                        _mm256_cmpeq_epi8(_mm256_and_si256(v, c->xf0), c->x90));
    unsigned e2 = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, c->xe2));
    unsigned c80 = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, c->x80));
    unsigned triple = e2 & c80 >> 1 & (unsigned)_mm256_movemask_epi8(third) >> 2 & inside >> 2;
    __m256i c3 = _mm256_cmpeq_epi8(v, c->xc3);
    __m256i small = _mm256_andnot_si256(_mm256_cmpeq_epi8(v, c->xb7),
                                        _mm256_cmpeq_epi8(_mm256_and_si256(v, c->xe0), c->xa0));
    pair = (unsigned)_mm256_movemask_epi8(c3) & (unsigned)_mm256_movemask_epi8(small) >> 1 &
           inside >> 1;
    /* a pair is kept as it is: its second byte (A0..BF) has 0x20 set
     * already, so low is v there; the C3 gets its 0x20 back */
    out = _mm256_xor_si256(out, _mm256_and_si256(c3, c->bit20));
    /* the bytes of the sequences: a triple's start times 7 sets its three
     * bits, a pair's times 3 its two (sequences do not overlap, so no bit
     * carries into another's) */
    pair *= 3;
    unsigned stop = high & ~(triple * 7 | pair);
    if (stop) {
      size_t first = (size_t)__builtin_ctz(stop);
      if (first < take) take = first;
      if (take == 0) return 0;
    }
  }
  unsigned keep = (unsigned)_mm256_movemask_epi8(_mm256_or_si256(letter, digit)) | pair;
  if (take < 32) keep = _bzhi_u32(keep, (unsigned)take);
  avx2_pack(out, keep, o, w);
  return take;
}

/* ascii_blocks_ssse3 32 bytes at a time with AVX2 (BMI2 clears the bits
 * past the run), where the run also takes in the non-ASCII characters
 * news text is full of and whose action is known: the hyphens, dashes,
 * quotes and U+2016 of U+2010..U+201F but U+2017 (E2 80 90..9F but 97:
 * P*, dropped; U+2011 too, as NFKC makes it U+2010; U+2017's NFKC keeps
 * a combining mark) and the small Latin-1 letters U+00E0..U+00FF but
 * U+00F7 (C3 A0..BF but B7: kept as they are, as they pass the NFKC and
 * case folding quick checks); spec/fingerprint_paths_spec.lua compares
 * every BMP character with the plain path. Only whole sequences inside
 * the run count. Two whole blocks at a time where both are ASCII (one
 * test of their top bits, no non-ASCII work), else one; then, with
 * slack >= 32, the last, short block loaded in place (s[n..n + slack) is
 * readable; those bytes are masked off), else it is left to the byte loop
 * of the caller: no call in the loop, so the constants stay in registers. */
__attribute__((target("avx2,bmi,bmi2,popcnt")))
static inline __attribute__((always_inline)) void ascii_blocks_avx2(const unsigned char *s,
                                                                    size_t n, size_t slack,
                                                                    size_t *i, char *o,
                                                                    size_t *j) {
  avx2_keys c = {
    _mm256_set1_epi8(0x20), _mm256_set1_epi8((char)(0x80 - 'a')),
    _mm256_set1_epi8((char)(0x80 + 26)), _mm256_set1_epi8((char)(0x80 - '0')),
    _mm256_set1_epi8((char)(0x80 + 10)), _mm256_set1_epi8(0x0F),
    _mm256_set1_epi8((char)0xF0), _mm256_set1_epi8((char)0x90), _mm256_set1_epi8((char)0x97),
    _mm256_set1_epi8((char)0xE2), _mm256_set1_epi8((char)0x80), _mm256_set1_epi8((char)0xC3),
    _mm256_set1_epi8((char)0xB7), _mm256_set1_epi8((char)0xE0), _mm256_set1_epi8((char)0xA0)};
  /* made opaque so that the compiler keeps them in registers (or one load
   * away) instead of building them again in every round of the loop */
#define OPAQUE(x) __asm__("" : "+x"(x))
  OPAQUE(c.bit20); OPAQUE(c.la); OPAQUE(c.lz); OPAQUE(c.da); OPAQUE(c.dz); OPAQUE(c.x0f);
  OPAQUE(c.xf0); OPAQUE(c.x90); OPAQUE(c.x97); OPAQUE(c.xe2); OPAQUE(c.x80); OPAQUE(c.xc3);
  OPAQUE(c.xb7); OPAQUE(c.xe0); OPAQUE(c.xa0);
#undef OPAQUE
  size_t k = *i, w = *j;
  while (n - k >= 32) {
    if (n - k >= 64) {
      __m256i a = _mm256_loadu_si256((const __m256i *)(const void *)(s + k));
      __m256i b = _mm256_loadu_si256((const __m256i *)(const void *)(s + k + 32));
      if (!_mm256_movemask_epi8(_mm256_or_si256(a, b))) { /* both ASCII */
        avx2_ascii(a, &c, o, &w);
        avx2_ascii(b, &c, o, &w);
        k += 64;
        continue;
      }
    }
    size_t t = avx2_block(s + k, 32, o, &w, &c);
    k += t;
    if (t < 32) goto done;
  }
  if (k < n && slack >= 32) k += avx2_block(s + k, n - k, o, &w, &c);
done:
  *i = k;
  *j = w;
}
#endif

/* The widest path this processor has. */
static int best_path(void) {
#ifdef ASCII_BLOCKS
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2") &&
      __builtin_cpu_supports("popcnt"))
    return STET_FP_AVX2;
  if (__builtin_cpu_supports("ssse3") && __builtin_cpu_supports("popcnt")) return STET_FP_SSSE3;
  return STET_FP_SSE2;
#else
  return STET_FP_SCALAR;
#endif
}

int stet_fp_path(const stet_fp_ctx *ctx) {
  int best = best_path();
  return ctx->path > STET_FP_BEST && ctx->path < best ? ctx->path : best;
}

#define HARD_FLAGS (STET_NP_NFKC_NO | STET_NP_NFKC_MAYBE | STET_NP_CWCF | STET_NP_CCC)

void stet_fp_ctx_free(stet_fp_ctx *ctx) {
  stet_buf_free(&ctx->key);
  stet_buf_free(&ctx->norm);
  free(ctx->acts);
  free(ctx->hard);
  ctx->acts = NULL;
  ctx->hard = NULL;
}

/* One 16-byte round of XXH3 on keys of 17 to 240 bytes, with the seed of
 * paragraph keys: at the constant offset sec of XXH3's default secret,
 * where the secret's words plus and minus the seed fold to constants (the
 * library's code adds the seed to them in every round). */
#define MID_MIX(p, sec) XXH3_mix16B((p), XXH3_kSecret + (sec), STET_FP_SEED)

/* XXH3_64bits_withSeed(p, n, STET_FP_SEED) for 17 <= n <= 240, as XXH3
 * computes it there (the 17..128 and 129..240 byte cases), with every
 * secret offset a constant: the rounds of a 129..240 byte key past the
 * eighth are one case each, in any order (they are summed). The round,
 * the secret and the avalanche are xxhash.h's own, visible with
 * XXH_INLINE_ALL; spec/fingerprint_spec.lua pins values of every case
 * and the fuzz target compares with the library's XXH3. */
static inline __attribute__((always_inline)) uint64_t fp_xxh3_mid(const unsigned char *p,
                                                                  size_t n) {
  uint64_t acc = n * XXH_PRIME64_1;
  if (n <= 128) {
    if (n > 32) {
      if (n > 64) {
        if (n > 96) {
          acc += MID_MIX(p + 48, 96);
          acc += MID_MIX(p + n - 64, 112);
        }
        acc += MID_MIX(p + 32, 64);
        acc += MID_MIX(p + n - 48, 80);
      }
      acc += MID_MIX(p + 16, 32);
      acc += MID_MIX(p + n - 32, 48);
    }
    acc += MID_MIX(p, 0);
    acc += MID_MIX(p + n - 16, 16);
    return XXH3_avalanche(acc);
  }
  for (int i = 0; i < 8; i++) acc += MID_MIX(p + 16 * i, 16 * i);
  acc = XXH3_avalanche(acc);
  switch (n / 16) { /* 8..15 rounds in all */
  case 15: acc += MID_MIX(p + 16 * 14, 16 * 6 + 3); /* fall through */
  case 14: acc += MID_MIX(p + 16 * 13, 16 * 5 + 3); /* fall through */
  case 13: acc += MID_MIX(p + 16 * 12, 16 * 4 + 3); /* fall through */
  case 12: acc += MID_MIX(p + 16 * 11, 16 * 3 + 3); /* fall through */
  case 11: acc += MID_MIX(p + 16 * 10, 16 * 2 + 3); /* fall through */
  case 10: acc += MID_MIX(p + 16 * 9, 16 * 1 + 3); /* fall through */
  case 9: acc += MID_MIX(p + 16 * 8, 16 * 0 + 3); /* fall through */
  default: break;
  }
  acc += MID_MIX(p + n - 16, XXH3_SECRET_SIZE_MIN - 17);
  return XXH3_avalanche(acc);
}
#undef MID_MIX

/* stet_fp_hash, inlined into the loop over a text's paragraphs. */
static inline __attribute__((always_inline)) uint64_t fp_hash(const char *key, size_t n,
                                                              uint64_t seed) {
  if (n == 0) return STET_FP_EMPTY;
  uint64_t h;
  if (seed == STET_FP_SEED && n > 16 && n <= 240)
    h = fp_xxh3_mid((const unsigned char *)key, n);
  else if (n > 240 && stet_have_avx2()) /* XXH3's stripes in AVX2 */
    h = stet_xxh3_avx2(key, n, seed);
  else
    h = XXH3_64bits_withSeed(key, n, seed);
  return h == STET_FP_EMPTY ? 1 : h;
}

uint64_t stet_fp_hash(const char *key, size_t n, uint64_t seed) {
  return fp_hash(key, n, seed);
}

/* What a non-ASCII code point of the normalized text does to the key:
 * 0 drop, 1 keep its bytes, 2 becomes "0". */
static int key_action(int32_t cp) {
  switch (utf8proc_category(cp)) {
  case UTF8PROC_CATEGORY_ND:
    return 2;
  case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
  case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
  case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME: case UTF8PROC_CATEGORY_NL:
  case UTF8PROC_CATEGORY_NO:
    return 1;
  default: /* P*, S*, Z*, C* (Cn included) */
    return 0;
  }
}

/* What a non-ASCII code point of the input does: key_action when it passes
 * the quick checks, else ACT_HARD (it starts a hard span). */
#define ACT_HARD 3
static int input_action(int32_t cp) {
  return stet_normprops((uint32_t)cp) & HARD_FLAGS ? ACT_HARD : key_action(cp);
}

/* input_action through the cache ctx->acts: one byte per BMP code point,
 * the action + 1, 0 while not known. Without the cache (no memory for it)
 * it is computed every time. */
static inline int cached_action(stet_fp_ctx *ctx, int32_t cp) {
  if (cp < 0x10000 && ctx->acts) {
    unsigned a = ctx->acts[cp];
    if (!a) ctx->acts[cp] = (unsigned char)(a = (unsigned)input_action(cp) + 1);
    return (int)a - 1;
  }
  return input_action(cp);
}

/* Appends the key of the normalized text t[0..m) to b; room was reserved
 * (the key of a text is never longer than the text). */
static void filter_normalized(stet_buf *b, const unsigned char *t, size_t m) {
  size_t i = 0;
  while (i < m) {
    if (t[i] < 0x80) {
      unsigned char c = ascii_key[t[i++]];
      if (c) b->data[b->len++] = (char)c;
      continue;
    }
    int32_t cp;
    size_t len = stet_utf8_decode(t + i, m - i, &cp);
    if (cp != STET_UTF8_INVALID) {
      int a = key_action(cp);
      if (a == 1) {
        memcpy(b->data + b->len, t + i, len);
        b->len += len;
      } else if (a == 2) {
        b->data[b->len++] = '0';
      }
    }
    i += len;
  }
}

/* The cache of hard characters: the key of a character that needs
 * normalizing, when it is a hard span by itself (the character after it is
 * ASCII or passes the quick checks), so that the next time it is met it
 * costs a copy instead of a stet_normalize call. Direct-mapped by code
 * point. indep says whether its key may also follow a kept character
 * without taking it back into the span: when the first code point of its
 * full compatibility decomposition (case folded) is a starter that never
 * composes with a character before it (canonical combining class 0 and not
 * NFKC_QC=Maybe), normalizing "kept + X" can neither reorder nor compose
 * across the two, so it gives kept followed by the normalized X. */
#define HARD_SLOTS 256
#define HARD_KEY_MAX 10

typedef struct hard_entry {
  int32_t cp;        /* 0: empty (NUL is never hard) */
  unsigned char len; /* key bytes, or HARD_KEY_MAX + 1: key too long */
  unsigned char indep;
  char key[HARD_KEY_MAX];
} hard_entry;

/* Normalizes s[0..n) (NFKC + case folding, or form with case folding)
 * into ctx->norm when it changes; returns the text and its length. NULL
 * on ENOMEM. */
static const unsigned char *fold_form(stet_fp_ctx *ctx, const unsigned char *s, size_t n,
                                      stet_form form, size_t *m) {
  stet_norm_opts o;
  stet_norm_fold_opts(&o);
  o.form = form;
  stet_norm_stats st = {0, 0};
  ctx->norm.len = 0;
  int r = stet_normalize((const char *)s, n, &o, &ctx->norm, &st);
  if (r < 0) return NULL;
  *m = r ? ctx->norm.len : n;
  return r ? (const unsigned char *)ctx->norm.data : s;
}

/* The cache entry of code point cp (its bytes s[0..len)), filled when it
 * was not there; NULL when there is no memory for it. */
static const hard_entry *hard_lookup(stet_fp_ctx *ctx, int32_t cp, const unsigned char *s,
                                     size_t len) {
  if (!ctx->hard && !(ctx->hard = calloc(HARD_SLOTS, sizeof(hard_entry)))) return NULL;
  hard_entry *h = (hard_entry *)ctx->hard + ((uint32_t)cp * 2654435761u >> 24) % HARD_SLOTS;
  if (h->cp == cp) return h;
  size_t m;
  const unsigned char *t = fold_form(ctx, s, len, STET_FORM_NFKC, &m);
  if (!t) return NULL;
  char tmp[4 * HARD_KEY_MAX];
  stet_buf kb = {tmp, 0, sizeof tmp};
  if (m <= HARD_KEY_MAX) filter_normalized(&kb, t, m);
  h->len = m <= HARD_KEY_MAX ? (unsigned char)kb.len : HARD_KEY_MAX + 1;
  memcpy(h->key, tmp, kb.len);
  t = fold_form(ctx, s, len, STET_FORM_NFKD, &m);
  if (!t) return NULL;
  int32_t first = 0;
  if (m) stet_utf8_decode(t, m, &first);
  h->indep = m == 0 || (first != STET_UTF8_INVALID &&
                        !(stet_normprops((uint32_t)first) & (STET_NP_CCC | STET_NP_NFKC_MAYBE)));
  h->cp = cp;
  return h;
}

/* End of the hard span that begins with the character at i (of length len). */
static size_t hard_span_end(const unsigned char *s, size_t n, size_t i, size_t len) {
  size_t e = i + len;
  while (e < n && s[e] >= 0x80) {
    int32_t cp;
    size_t l = stet_utf8_decode(s + e, n - e, &cp);
    if (cp != STET_UTF8_INVALID && !(stet_normprops((uint32_t)cp) & HARD_FLAGS)) break;
    e += l;
  }
  return e;
}

/* Normalizes s[a..e) and appends its key to ctx->key. 0, or -1 on ENOMEM. */
static int add_hard_span(stet_fp_ctx *ctx, const unsigned char *s, size_t a, size_t e,
                         size_t rest) {
  stet_norm_opts o;
  stet_norm_fold_opts(&o);
  stet_norm_stats st = {0, 0};
  ctx->norm.len = 0;
  int r = stet_normalize((const char *)s + a, e - a, &o, &ctx->norm, &st);
  if (r < 0) return -1;
  const unsigned char *t = r ? (const unsigned char *)ctx->norm.data : s + a;
  size_t m = r ? ctx->norm.len : e - a;
  if (stet_buf_reserve(&ctx->key, m + rest + 32)) return -1;
  filter_normalized(&ctx->key, t, m);
  return 0;
}

/* A function keying ASCII blocks (ascii_blocks...): from s[*i] on, up to the
 * first non-ASCII byte or the end of its last whole block, appending at
 * o + *j. */
typedef void block_fn(const unsigned char *s, size_t n, size_t slack, size_t *i, char *o,
                      size_t *j);

/* The key of s[0..n) into ctx->key, ASCII runs keyed by blocks (NULL: byte
 * by byte). Inlined into one function per path, so that the block loop,
 * the UTF-8 decoding and the cached actions are one piece of code. */
static inline __attribute__((always_inline)) int key_build(stet_fp_ctx *ctx,
                                                           const unsigned char *s, size_t n,
                                                           size_t slack, block_fn *blocks,
                                                           int cache) {
  stet_buf *b = &ctx->key;
  b->len = 0;
  if (stet_buf_reserve(b, n + 32)) return -1;
  /* the last character kept, when it came from one input character:
   * its input span [kept_in, kept_end) and its offset in the key */
  size_t kept_in = 0, kept_end = (size_t)-1, kept_out = 0;
  size_t i = 0;
  while (i < n) {
    if (s[i] < 0x80) {
      char *o = b->data;
      size_t j = b->len;
      if (blocks) blocks(s, n, slack, &i, o, &j);
      while (i < n && s[i] < 0x80) {
        unsigned char c = ascii_key[s[i]];
        o[j] = (char)c;
        j += c != 0;
        i++;
      }
      b->len = j;
      if (i < n) { /* the run ends before a non-ASCII character */
        if (s[i - 1] < 0x80) {
          if (ascii_key[s[i - 1]]) {
            kept_in = i - 1;
            kept_end = i;
            kept_out = j - 1;
          }
        } else if (s[i - 1] >= 0xA0) { /* a Latin-1 letter the AVX2 run took */
          kept_in = i - 2;
          kept_end = i;
          kept_out = j - 2;
        }
      }
      continue;
    }
    int32_t cp;
    size_t len = stet_utf8_decode(s + i, n - i, &cp);
    if (cp == STET_UTF8_INVALID) { /* becomes U+FFFD, a symbol: dropped */
      i += len;
      continue;
    }
    if (cache && !ctx->acts) ctx->acts = calloc(0x10000, 1); /* NULL: no cache */
    int a = cache ? cached_action(ctx, cp) : input_action(cp);
    if (a != ACT_HARD) {
      if (a) {
        kept_in = i;
        kept_end = i + len;
        kept_out = b->len;
        if (a == 1) {
          memcpy(b->data + b->len, s + i, len);
          b->len += len;
        } else {
          b->data[b->len++] = '0';
        }
      }
      i += len;
      continue;
    }
    size_t e = hard_span_end(s, n, i, len);
    if (cache && e == i + len) { /* alone in its span: its key may be cached */
      const hard_entry *h = hard_lookup(ctx, cp, s + i, len);
      if (h && h->len <= HARD_KEY_MAX && (h->indep || kept_end != i)) {
        if (stet_buf_reserve(b, h->len + (n - e) + 32)) return -1;
        memcpy(b->data + b->len, h->key, h->len);
        b->len += h->len;
        kept_end = (size_t)-1;
        i = e;
        continue;
      }
    }
    size_t from = i;
    if (kept_end == i) { /* take the kept character back into the span */
      from = kept_in;
      b->len = kept_out;
    }
    if (add_hard_span(ctx, s, from, e, n - e)) return -1;
    kept_end = (size_t)-1;
    i = e;
  }
  return 0;
}

/* The fingerprints of spans[0..k) of s, keys built by key_build with
 * blocks and cache. Inlined into one function per path. */
static inline __attribute__((always_inline)) int spans_build(stet_fp_ctx *ctx,
                                                             const unsigned char *s,
                                                             size_t avail, stet_fp_span *spans,
                                                             size_t k, block_fn *blocks,
                                                             int cache) {
  for (size_t i = 0; i < k; i++) {
    size_t a = spans[i].start, e = spans[i].stop;
    if (key_build(ctx, s + a, e - a, avail - e, blocks, cache)) return -1;
    spans[i].fp = fp_hash(ctx->key.data, ctx->key.len, STET_FP_SEED);
  }
  return 0;
}

/* key_build and spans_build for each path; the scalar one is the plain
 * algorithm, without the caches, which specs and the fuzz target compare
 * the others with. */
static int key_scalar(stet_fp_ctx *ctx, const unsigned char *s, size_t n, size_t slack) {
  return key_build(ctx, s, n, slack, NULL, 0);
}

static int spans_scalar(stet_fp_ctx *ctx, const unsigned char *s, size_t avail,
                        stet_fp_span *spans, size_t k) {
  return spans_build(ctx, s, avail, spans, k, NULL, 0);
}

#ifdef ASCII_BLOCKS
static int key_sse2(stet_fp_ctx *ctx, const unsigned char *s, size_t n, size_t slack) {
  return key_build(ctx, s, n, slack, ascii_blocks, 1);
}

static int spans_sse2(stet_fp_ctx *ctx, const unsigned char *s, size_t avail,
                      stet_fp_span *spans, size_t k) {
  return spans_build(ctx, s, avail, spans, k, ascii_blocks, 1);
}

__attribute__((target("ssse3,popcnt")))
static int key_ssse3(stet_fp_ctx *ctx, const unsigned char *s, size_t n, size_t slack) {
  return key_build(ctx, s, n, slack, ascii_blocks_ssse3, 1);
}

__attribute__((target("ssse3,popcnt")))
static int spans_ssse3(stet_fp_ctx *ctx, const unsigned char *s, size_t avail,
                       stet_fp_span *spans, size_t k) {
  return spans_build(ctx, s, avail, spans, k, ascii_blocks_ssse3, 1);
}

__attribute__((target("avx2,bmi,bmi2,popcnt")))
static int key_avx2(stet_fp_ctx *ctx, const unsigned char *s, size_t n, size_t slack) {
  return key_build(ctx, s, n, slack, ascii_blocks_avx2, 1);
}

__attribute__((target("avx2,bmi,bmi2,popcnt")))
static int spans_avx2(stet_fp_ctx *ctx, const unsigned char *s, size_t avail,
                      stet_fp_span *spans, size_t k) {
  return spans_build(ctx, s, avail, spans, k, ascii_blocks_avx2, 1);
}
#endif

int stet_fingerprint_spans(stet_fp_ctx *ctx, const char *str, size_t avail, stet_fp_span *spans,
                           size_t k) {
  const unsigned char *s = (const unsigned char *)str;
  switch (stet_fp_path(ctx)) {
#ifdef ASCII_BLOCKS
  case STET_FP_AVX2: return spans_avx2(ctx, s, avail, spans, k);
  case STET_FP_SSSE3: return spans_ssse3(ctx, s, avail, spans, k);
  case STET_FP_SSE2: return spans_sse2(ctx, s, avail, spans, k);
#endif
  default: return spans_scalar(ctx, s, avail, spans, k);
  }
}

int stet_fingerprint_key_in(stet_fp_ctx *ctx, const char *str, size_t n, size_t slack) {
  const unsigned char *s = (const unsigned char *)str;
  switch (stet_fp_path(ctx)) {
#ifdef ASCII_BLOCKS
  case STET_FP_AVX2: return key_avx2(ctx, s, n, slack);
  case STET_FP_SSSE3: return key_ssse3(ctx, s, n, slack);
  case STET_FP_SSE2: return key_sse2(ctx, s, n, slack);
#endif
  default: return key_scalar(ctx, s, n, slack);
  }
}

int stet_fingerprint_key(stet_fp_ctx *ctx, const char *s, size_t n) {
  return stet_fingerprint_key_in(ctx, s, n, 0);
}

int stet_fingerprint_in(stet_fp_ctx *ctx, const char *s, size_t n, size_t slack, uint64_t *fp) {
  if (stet_fingerprint_key_in(ctx, s, n, slack)) return -1;
  *fp = stet_fp_hash(ctx->key.data, ctx->key.len, STET_FP_SEED);
  return 0;
}

int stet_fingerprint(stet_fp_ctx *ctx, const char *s, size_t n, uint64_t *fp) {
  if (stet_fingerprint_key(ctx, s, n)) return -1;
  *fp = stet_fp_hash(ctx->key.data, ctx->key.len, STET_FP_SEED);
  return 0;
}

int stet_body_fingerprint(stet_fp_ctx *ctx, const char *s, size_t n, uint64_t *fp) {
  if (stet_fingerprint_key(ctx, s, n)) return -1;
  *fp = stet_fp_hash(ctx->key.data, ctx->key.len, STET_BODY_SEED);
  return 0;
}
