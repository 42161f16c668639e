/* core/minhash.c: MinHash signatures (minhash.h). */
#include "minhash.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "le.h"
#include "normalize.h"
#include "segment.h"
#include "wordscan.h"

#define WORD_SEED UINT64_C(0x73746574776f7264) /* "stetword": XXH3 of long words */
/* The keys of the short-word hash: every byte at least 0x80, so no ASCII
 * half word (nor one with the length in its low byte) cancels them. */
#define WORD_KEY_LO UINT64_C(0x9eb7f9b9ffcafc95)
#define WORD_KEY_HI UINT64_C(0xc2b2aebda7d4ebcf)
#define SHINGLE_SEED UINT32_C(0x73686e67) /* "shng" */
#define EMPTY_BIN UINT64_MAX

void stet_minhash_defaults(stet_minhash_opts *o) {
  o->shingle = 5;
  o->hashes = 112;
}

void stet_mh_ctx_free(stet_mh_ctx *ctx) {
  free(ctx->run);
  ctx->run = NULL;
  free(ctx->words);
  free(ctx->bins);
  stet_buf_free(&ctx->fold);
  ctx->words = NULL;
  ctx->bins = NULL;
  ctx->words_cap = ctx->bins_cap = ctx->nwords = 0;
}

size_t stet_minhash_size(const stet_minhash_opts *o) {
  return STET_MH_HEADER + 4 * (size_t)o->hashes;
}

/* Final mixing of a 64-bit value (the MurmurHash3 finalizer constants). */
static inline uint64_t fmix64(uint64_t h) {
  h ^= h >> 33;
  h *= UINT64_C(0xff51afd7ed558ccd);
  h ^= h >> 33;
  h *= UINT64_C(0xc4ceb9fe1a85ec53);
  h ^= h >> 33;
  return h;
}

/* Final mixing of a 32-bit value (the MurmurHash3 finalizer). */
static inline uint32_t fmix32(uint32_t h) {
  h ^= h >> 16;
  h *= UINT32_C(0x85ebca6b);
  h ^= h >> 13;
  h *= UINT32_C(0xc2b2ae35);
  h ^= h >> 16;
  return h;
}

/* Little-endian load of n <= 8 bytes. */
static inline uint64_t load_le(const unsigned char *s, size_t n) {
  uint64_t v = 0;
  for (size_t i = n; i-- > 0;) v = (v << 8) | s[i];
  return v;
}

/* The hash of a folded word of n <= 16 ASCII bytes, each ORed with 0x20,
 * its first 8 bytes little-endian in lo and the rest in hi (zero past the
 * word): NH over four 32-bit halves, (a0 * a1 + c0 * c1) mod 2^64 with
 * a = lo ^ key and c = hi ^ key ^ n, folded to 32 bits. The keys make
 * every half nonzero. One multiply per 8 bytes; the shingle hash mixes
 * the rest. */
static inline uint32_t short_word_hash(uint64_t lo, uint64_t hi, size_t n) {
  uint64_t a = lo ^ WORD_KEY_LO, c = hi ^ WORD_KEY_HI ^ (uint64_t)n;
  uint64_t p = (a & UINT32_MAX) * (a >> 32) + (c & UINT32_MAX) * (c >> 32);
  return (uint32_t)(p >> 32) ^ (uint32_t)p;
}

/* The hash of a folded word that short_word_hash does not take: XXH3,
 * folded to 32 bits. */
static inline uint32_t long_word_hash(const void *s, size_t n) {
  uint64_t h = XXH3_64bits_withSeed(s, n, WORD_SEED);
  return (uint32_t)(h >> 32) ^ (uint32_t)h;
}

/* The hash of a folded word of n ASCII bytes f[0..n), each ORed with 0x20
 * (it lowercases letters and leaves digits and the punctuation that can
 * sit inside a word as they are, but for "_", which becomes 0x7F in every
 * word alike). */
static uint32_t ascii_word_hash(const unsigned char *f, size_t n) {
  if (n > 16) return long_word_hash(f, n);
  uint64_t lo = load_le(f, n < 8 ? n : 8), hi = n > 8 ? load_le(f + 8, n - 8) : 0;
  return short_word_hash(lo, hi, n);
}

/* NFKC with full case folding (stet_norm_fold_opts) of a word made of
 * ASCII bytes, Latin-1 letters (U+00C0..U+00FF but for U+00D7, U+00DF and
 * U+00F7) and U+2019, byte by byte into out[0..n): none of them
 * decomposes or composes with its neighbours, folding lowercases A-Z and
 * U+00C0..U+00DE (their second byte + 0x20) and changes nothing else.
 * Returns 0, with out undefined, when the word holds another character. */
static int fold_latin1(const unsigned char *s, size_t n, unsigned char *out) {
  for (size_t i = 0; i < n;) {
    unsigned c = s[i];
    if (c < 0x80) {
      out[i++] = (unsigned char)(c - 'A' < 26 ? c | 0x20 : c);
    } else if (c == 0xC3 && i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] <= 0xBF &&
               s[i + 1] != 0x97 && s[i + 1] != 0x9F && s[i + 1] != 0xB7) {
      out[i] = 0xC3;
      out[i + 1] = (unsigned char)(s[i + 1] < 0xA0 ? s[i + 1] + 0x20 : s[i + 1]);
      i += 2;
    } else if (c == 0xE2 && i + 2 < n && s[i + 1] == 0x80 && s[i + 2] == 0x99) {
      memcpy(out + i, s + i, 3);
      i += 3;
    } else {
      return 0;
    }
  }
  return 1;
}

/* The hash of the folded word s[0..n): an ASCII word is folded by setting
 * bit 0x20 of every byte (ascii_word_hash); other words are folded by
 * stet_normalize, and a word that folds to ASCII is hashed as that ASCII
 * word is. The fast path hashes most ASCII words inline (mh_hash1) and
 * sends the rest here. 0 on success, -1 on ENOMEM. */
static int word_hash(stet_mh_ctx *ctx, const unsigned char *s, size_t n, uint32_t *h) {
  if (stet_buf_reserve(&ctx->fold, n)) return -1;
  unsigned char *f = (unsigned char *)ctx->fold.data;
  int ascii = 1;
  for (size_t i = 0; i < n; i++) ascii &= s[i] < 0x80;
  if (ascii) {
    for (size_t i = 0; i < n; i++) f[i] = (unsigned char)(s[i] | 0x20);
    *h = ascii_word_hash(f, n);
    return 0;
  }
  if (fold_latin1(s, n, f)) { /* not ASCII: Latin-1 letters stay two bytes */
    *h = long_word_hash(f, n);
    return 0;
  }
  stet_norm_opts o;
  stet_norm_fold_opts(&o);
  stet_norm_stats st = {0, 0};
  ctx->fold.len = 0;
  int r = stet_normalize((const char *)s, n, &o, &ctx->fold, &st);
  if (r < 0) return -1;
  if (r == 0) { /* s folds to itself, and is not ASCII */
    *h = long_word_hash(s, n);
    return 0;
  }
  f = (unsigned char *)ctx->fold.data;
  size_t m = ctx->fold.len;
  ascii = 1;
  for (size_t i = 0; i < m; i++) ascii &= f[i] < 0x80;
  if (!ascii) {
    *h = long_word_hash(f, m);
    return 0;
  }
  for (size_t i = 0; i < m; i++) f[i] |= 0x20;
  *h = ascii_word_hash(f, m);
  return 0;
}

/* word_hash of a word of at most 16 bytes known to hold a byte >= 0x80:
 * the byte-by-byte fold into a local buffer when it applies (most such
 * words in news text), else word_hash. */
static int word_hash_high(stet_mh_ctx *ctx, const unsigned char *s, size_t n, uint32_t *h) {
  unsigned char buf[16];
  if (n <= sizeof buf && fold_latin1(s, n, buf)) {
    *h = long_word_hash(buf, n);
    return 0;
  }
  return word_hash(ctx, s, n, h);
}

/* stet_words_each callback: appends the hash of one word. */
static int on_word(void *ud, size_t start, size_t stop) {
  stet_mh_ctx *ctx = ud;
  if (ctx->nwords == ctx->words_cap) {
    size_t cap = ctx->words_cap ? ctx->words_cap * 2 : 1024;
    uint32_t *w = realloc(ctx->words, cap * sizeof *w);
    if (!w) { ctx->failed = 1; return -1; }
    ctx->words = w;
    ctx->words_cap = cap;
  }
  uint32_t h;
  if (word_hash(ctx, (const unsigned char *)ctx->text + start, stop - start, &h)) {
    ctx->failed = 1;
    return -1;
  }
  ctx->words[ctx->nwords++] = h;
  return 0;
}

/* The multiplier of the word at position j of a shingle: odd, and
 * different for each position, so that the order of the words matters. */
static inline uint32_t shingle_mult(size_t j) {
  return fmix32((uint32_t)(j + 1) * UINT32_C(0x9E3779B9)) | 1;
}

/* The hash of the k words at w, mult[j] = shingle_mult(j): a sum of
 * products mod 2^32, then fmix32. */
static inline uint32_t shingle_hash(const uint32_t *w, size_t k, const uint32_t *mult) {
  uint32_t h = SHINGLE_SEED;
  for (size_t j = 0; j < k; j++) h += w[j] * mult[j];
  return fmix32(h);
}

/* The bin of the shingle hash f among H: by its high bits. */
static inline size_t shingle_bin(uint32_t f, size_t H) {
  return (size_t)(((uint64_t)f * (uint64_t)H) >> 32);
}

static inline size_t pick_bin(uint64_t h, size_t nbins) {
  return (size_t)(((h >> 32) * (uint64_t)nbins) >> 32);
}

/* Writes the H values of the signature after its header: with words,
 * each bin's minimum, an empty bin taking that of the bin its attempts
 * pick (densification: the first attempt that finds a bin with a value);
 * without words (no shingle at all), UINT32_MAX in every value. */
static void mh_write(const uint64_t *bins, size_t H, int words, unsigned char *out) {
  for (size_t i = 0; i < H; i++) {
    uint64_t v = words ? bins[i] : UINT32_MAX;
    for (uint64_t attempt = 1; v == EMPTY_BIN; attempt++) {
      uint64_t x = fmix64(((uint64_t)i << 32) ^ attempt ^ UINT64_C(0x5bd1e9955bd1e995));
      v = bins[pick_bin(x, H)];
    }
    stet_put_le32(out + STET_MH_HEADER + 4 * i, (uint32_t)v);
  }
}

/* The reference: words from stet_words_each_reference, all their hashes
 * kept, then the shingles. The fast path below must give the same bytes. */
/* Writes the signature header and makes room for the bins. 0, or -1 on
 * ENOMEM. */
static int mh_start(stet_mh_ctx *ctx, const stet_minhash_opts *o, unsigned char *out) {
  size_t H = (size_t)o->hashes;
  out[0] = 'M';
  out[1] = STET_MH_VERSION;
  out[2] = (unsigned char)o->shingle;
  out[3] = 0;
  if (ctx->bins_cap < H) {
    uint64_t *b = realloc(ctx->bins, H * sizeof *b);
    if (!b) return -1;
    ctx->bins = b;
    ctx->bins_cap = H;
  }
  return 0;
}

int stet_minhash_reference(stet_mh_ctx *ctx, const char *s, size_t n,
                           const stet_minhash_opts *o, unsigned char *out) {
  size_t H = (size_t)o->hashes, k = (size_t)o->shingle;
  if (mh_start(ctx, o, out)) return -1;
  ctx->nwords = 0;
  ctx->text = s;
  ctx->failed = 0;
  stet_words_each_reference(s, n, on_word, ctx);
  if (ctx->failed) return -1;
  uint64_t *bins = ctx->bins;
  for (size_t i = 0; i < H; i++) bins[i] = EMPTY_BIN;
  size_t nw = ctx->nwords;
  if (nw == 0) {
    mh_write(bins, H, 0, out);
    return 0;
  }
  if (k > nw) k = nw;
  uint32_t mult[STET_MH_MAX_SHINGLE];
  for (size_t j = 0; j < k; j++) mult[j] = shingle_mult(j);
  for (size_t i = 0; i + k <= nw; i++) {
    uint32_t f = shingle_hash(ctx->words + i, k, mult);
    size_t b = shingle_bin(f, H);
    uint64_t old = bins[b];
    bins[b] = f < old ? f : old;
  }
  mh_write(bins, H, 1, out);
  return 0;
}

/* The fast path: the finder of core/wordscan.h hands each word's span to
 * mh_word, inlined, which only keeps it; every BATCH spans, mh_batch
 * hashes the words into a buffer that also holds the last k - 1 words of
 * the batch before, hashes the shingles that end in the batch into the
 * bins, and moves the last k - 1 words to the buffer's front. */
#define BATCH 256 /* words per batch */
#define SLACK 16  /* words past a batch's that mh_shingles_avx2 may read */

typedef struct mh_run {
  stet_mh_ctx *ctx;
  const unsigned char *s;  /* the text */
  size_t n;                /* its length */
  size_t sp[2 * BATCH];    /* spans of the words of the batch: start, stop */
  size_t *cur;             /* where the next span goes in sp: a pointer,
                            * not a count, so that the stores of spans
                            * (size_t) cannot alias it and the finder's
                            * loop keeps it in a register */
  uint32_t *w;             /* word hashes, BATCH + k - 1 of them */
  size_t fill;             /* words in w */
  size_t total;            /* words so far */
  size_t k, H;
  uint64_t *bins;
  int simd;                /* hash with AVX2 */
  uint32_t mult[STET_MH_MAX_SHINGLE]; /* shingle_mult(j) for j < k */
} mh_run;

/* Keeps shingle hash f in its bin if it is smaller. */
static inline void mh_bin(uint64_t *bins, size_t H, uint32_t f) {
  size_t b = shingle_bin(f, H);
  uint64_t old = bins[b];
  bins[b] = f < old ? f : old; /* a conditional move: the branch mispredicts */
}

/* Hashes the shingles of w[0..count + k - 1) into the bins. */
static void mh_shingles_scalar(const uint32_t *w, size_t count, size_t k, const uint32_t *mult,
                               uint64_t *bins, size_t H) {
  if (k == 5)
    for (size_t i = 0; i < count; i++) mh_bin(bins, H, shingle_hash(w + i, 5, mult));
  else
    for (size_t i = 0; i < count; i++) mh_bin(bins, H, shingle_hash(w + i, k, mult));
}

#ifdef STET_BYTEMASK_AVX2
/* fmix32 in each 32-bit lane. */
STET_TARGET_AVX2 static inline __m256i fmix32x8(__m256i h) {
  h = _mm256_xor_si256(h, _mm256_srli_epi32(h, 16));
  h = _mm256_mullo_epi32(h, _mm256_set1_epi32((int)UINT32_C(0x85ebca6b)));
  h = _mm256_xor_si256(h, _mm256_srli_epi32(h, 13));
  h = _mm256_mullo_epi32(h, _mm256_set1_epi32((int)UINT32_C(0xc2b2ae35)));
  return _mm256_xor_si256(h, _mm256_srli_epi32(h, 16));
}

/* The sums of shingle_hash for the eight shingles that start at w, before
 * fmix32. */
STET_TARGET_AVX2 static inline __m256i shingle_sum8(const uint32_t *w, size_t k,
                                                    const uint32_t *mult) {
  __m256i h = _mm256_set1_epi32((int)SHINGLE_SEED);
#pragma GCC unroll 5
  for (size_t j = 0; j < k; j++)
    h = _mm256_add_epi32(h, _mm256_mullo_epi32(
                                _mm256_loadu_si256((const __m256i *)(const void *)(w + j)),
                                _mm256_set1_epi32((int)mult[j])));
  return h;
}

/* mh_shingles_scalar, sixteen shingles at a time in two independent
 * vectors; the bins take the minimum, so the order does not matter. The
 * last fewer than sixteen are hashed in vectors too, which read up to
 * fifteen words past w[count + k - 1]: the buffer has SLACK more words
 * (stet_minhash_simd), and the hashes of those lanes are left out. */
STET_TARGET_AVX2 static void mh_shingles_avx2(const uint32_t *w, size_t count, size_t k,
                                              const uint32_t *mult, uint64_t *bins, size_t H) {
  size_t i = 0;
  uint32_t f[16];
#define MH_SHINGLES_X16(K)                                                        \
  for (; i + 16 <= count; i += 16) {                                              \
    __m256i h0 = shingle_sum8(w + i, (K), mult);                                  \
    __m256i h1 = shingle_sum8(w + i + 8, (K), mult);                              \
    _mm256_storeu_si256((__m256i *)(void *)f, fmix32x8(h0));                      \
    _mm256_storeu_si256((__m256i *)(void *)(f + 8), fmix32x8(h1));                \
    for (size_t t = 0; t < 16; t++) mh_bin(bins, H, f[t]);                        \
  }
  if (k == 5) {
    MH_SHINGLES_X16(5)
  } else {
    MH_SHINGLES_X16(k)
  }
#undef MH_SHINGLES_X16
  if (i == count) return;
  size_t left = count - i;
  _mm256_storeu_si256((__m256i *)(void *)f, fmix32x8(shingle_sum8(w + i, k, mult)));
  if (left > 8)
    _mm256_storeu_si256((__m256i *)(void *)(f + 8), fmix32x8(shingle_sum8(w + i + 8, k, mult)));
  for (size_t t = 0; t < left; t++) mh_bin(bins, H, f[t]);
}
#endif

/* Hashes the shingles of r->w[0..count + k - 1) into the bins. */
static void mh_shingles(mh_run *r, size_t count) {
#ifdef STET_BYTEMASK_AVX2
  if (r->simd) {
    mh_shingles_avx2(r->w, count, r->k, r->mult, r->bins, r->H);
    return;
  }
#endif
  mh_shingles_scalar(r->w, count, r->k, r->mult, r->bins, r->H);
}

/* The hash of the word s[a..b) of s[0..n), as word_hash computes it. ASCII
 * words of up to 16 bytes with 16 bytes to read are hashed inline; the
 * others go to word_hash. 0, or -1 on ENOMEM. */
static inline __attribute__((always_inline)) int mh_hash1(stet_mh_ctx *ctx, const unsigned char *s,
                                                          size_t n, size_t a, size_t b,
                                                          uint32_t *out) {
  const unsigned char *p = s + a;
  size_t len = b - a;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  if (len <= 16 && n - a >= 16) {
    uint64_t lo, hi;
    memcpy(&lo, p, 8);
    memcpy(&hi, p + 8, 8);
    /* 8 * len - 64 bits past the word in lo (none when len >= 8), and
     * 128 - 8 * len in hi (all of it when len <= 8) */
    size_t l8 = len < 8 ? len : 8;
    lo = (lo | UINT64_C(0x2020202020202020)) & (~UINT64_C(0) >> (64 - 8 * l8));
    hi = len > 8 ? (hi | UINT64_C(0x2020202020202020)) & (~UINT64_C(0) >> ((128 - 8 * len) & 63))
                 : 0;
    if (__builtin_expect(!((lo | hi) & UINT64_C(0x8080808080808080)), 1)) {
      *out = short_word_hash(lo, hi, len);
      return 0;
    }
  }
#endif
  return word_hash(ctx, p, len, out);
}

/* Hashes the count words of sp into out. 0, or -1 on ENOMEM. */
static int mh_hash_scalar(stet_mh_ctx *ctx, const unsigned char *s, size_t n, const size_t *sp,
                          size_t count, uint32_t *out) {
  for (size_t i = 0; i < count; i++)
    if (mh_hash1(ctx, s, n, sp[2 * i], sp[2 * i + 1], out + i)) return -1;
  return 0;
}

#ifdef STET_BYTEMASK_AVX2
/* Little-endian load of 8 bytes. */
static inline uint64_t load8(const unsigned char *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}

/* The hashes of the four words whose spans are q[0..8) (start, stop
 * pairs), as mh_hash1 computes them inline, in the low halves of the
 * 64-bit lanes, and in *ascii the lanes whose bytes are all ASCII (the
 * others go to word_hash_high); *bad: the lanes whose words have more
 * than 16 bytes. Reads 16 bytes at each start. The masks come from
 * variable shifts, which give 0 for a count of 64 or more. */
STET_TARGET_AVX2 static inline __m256i word_hash_x4(const unsigned char *s, const size_t *q,
                                                    int *ascii, int *bad) {
  const __m256i ones = _mm256_set1_epi64x(-1), rep20 = _mm256_set1_epi8(0x20);
  size_t a0 = q[0], a1 = q[2], a2 = q[4], a3 = q[6];
  __m256i len = _mm256_set_epi64x((long long)(q[7] - a3), (long long)(q[5] - a2),
                                  (long long)(q[3] - a1), (long long)(q[1] - a0));
  *bad = _mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(len, _mm256_set1_epi64x(16))));
  /* (gathers are slow on some CPUs; these are plain loads) */
  __m256i lo = _mm256_set_epi64x((long long)load8(s + a3), (long long)load8(s + a2),
                                 (long long)load8(s + a1), (long long)load8(s + a0));
  __m256i hi = _mm256_set_epi64x((long long)load8(s + a3 + 8), (long long)load8(s + a2 + 8),
                                 (long long)load8(s + a1 + 8), (long long)load8(s + a0 + 8));
  __m256i l8 = _mm256_min_epu32(len, _mm256_set1_epi64x(8));
  __m256i lomask = _mm256_srlv_epi64(ones, _mm256_sub_epi64(_mm256_set1_epi64x(64),
                                                            _mm256_slli_epi64(l8, 3)));
  __m256i himask = _mm256_srlv_epi64(ones, _mm256_sub_epi64(_mm256_set1_epi64x(128),
                                                            _mm256_slli_epi64(len, 3)));
  lo = _mm256_and_si256(_mm256_or_si256(lo, rep20), lomask);
  hi = _mm256_and_si256(_mm256_or_si256(hi, rep20), himask);
  __m256i high = _mm256_and_si256(_mm256_or_si256(lo, hi), _mm256_set1_epi8((char)0x80));
  *ascii = _mm256_movemask_pd(
      _mm256_castsi256_pd(_mm256_cmpeq_epi64(high, _mm256_setzero_si256())));
  /* short_word_hash */
  __m256i a = _mm256_xor_si256(lo, _mm256_set1_epi64x((long long)WORD_KEY_LO));
  __m256i c = _mm256_xor_si256(_mm256_xor_si256(hi, len),
                               _mm256_set1_epi64x((long long)WORD_KEY_HI));
  __m256i p = _mm256_add_epi64(_mm256_mul_epu32(a, _mm256_srli_epi64(a, 32)),
                               _mm256_mul_epu32(c, _mm256_srli_epi64(c, 32)));
  return _mm256_xor_si256(p, _mm256_srli_epi64(p, 32));
}

/* The low halves of the four 64-bit lanes of h0, then those of h1. */
STET_TARGET_AVX2 static inline __m256i low_halves8(__m256i h0, __m256i h1) {
  const __m256i even = _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6);
  __m256i x0 = _mm256_permutevar8x32_epi32(h0, even), x1 = _mm256_permutevar8x32_epi32(h1, even);
  return _mm256_blend_epi32(x0, x1, 0xF0);
}

/* mh_hash_scalar, eight words at a time in two chains when all have at
 * most 16 bytes and 16 bytes to read; the lanes whose bytes are not all
 * ASCII then go to word_hash. */
STET_TARGET_AVX2 static int mh_hash_avx2(stet_mh_ctx *ctx, const unsigned char *s, size_t n,
                                         const size_t *sp, size_t count, uint32_t *out) {
  size_t i = 0;
  for (; i + 8 <= count; i += 8) {
    const size_t *q = sp + 2 * i;
    if (n - q[14] < 16) break; /* the last words of the text */
    int ascii0, ascii1, bad0, bad1;
    __m256i h0 = word_hash_x4(s, q, &ascii0, &bad0);
    __m256i h1 = word_hash_x4(s, q + 8, &ascii1, &bad1);
    if (__builtin_expect(bad0 | bad1, 0)) {
      if (mh_hash_scalar(ctx, s, n, q, 8, out + i)) return -1;
      continue;
    }
    _mm256_storeu_si256((__m256i *)(void *)(out + i), low_halves8(h0, h1));
    int ascii = ascii0 | ascii1 << 4;
    if (__builtin_expect(ascii != 0xFF, 0))
      for (size_t t = 0; t < 8; t++)
        if (!((ascii >> t) & 1) &&
            word_hash_high(ctx, s + q[2 * t], q[2 * t + 1] - q[2 * t], out + i + t))
          return -1;
  }
  return mh_hash_scalar(ctx, s, n, sp + 2 * i, count - i, out + i);
}
#endif

/* The words of the batch into r->w, then the shingles that end in them,
 * then the last k - 1 words to the front. 0, or -1 on ENOMEM. */
static int mh_batch(mh_run *r) {
  int failed;
  size_t nsp = (size_t)(r->cur - r->sp) / 2;
#ifdef STET_BYTEMASK_AVX2
  if (r->simd)
    failed = mh_hash_avx2(r->ctx, r->s, r->n, r->sp, nsp, r->w + r->fill);
  else
#endif
    failed = mh_hash_scalar(r->ctx, r->s, r->n, r->sp, nsp, r->w + r->fill);
  if (failed) return -1;
  r->fill += nsp;
  r->total += nsp;
  r->cur = r->sp;
  if (r->fill >= r->k) {
    size_t count = r->fill - r->k + 1;
    mh_shingles(r, count);
    memmove(r->w, r->w + count, (r->k - 1) * sizeof *r->w);
    r->fill = r->k - 1;
  }
  return 0;
}

/* The finder's view of a run: where the next span goes. It lives on the
 * stack of the mh_scan_* function and its address goes nowhere but the
 * inlined mh_word, so the compiler keeps cur in a register; the stores of
 * spans through a pointer into the heap run would make it reload a
 * cursor kept there for every word. */
typedef struct mh_sink {
  mh_run *r;
  size_t *cur;
  size_t *end; /* r->sp + 2 * BATCH: the batch is full */
} mh_sink;

/* The word handler of the finder: keeps the span, runs a full batch. */
static inline __attribute__((always_inline)) int mh_word(void *ud, size_t a, size_t b) {
  mh_sink *k = ud;
  size_t *c = k->cur;
  c[0] = a;
  c[1] = b;
  c += 2;
  if (__builtin_expect(c == k->end, 0)) {
    k->r->cur = c;
    int rc = mh_batch(k->r);
    k->cur = k->r->sp;
    return rc;
  }
  k->cur = c;
  return 0;
}

/* The instances of the word finder with mh_word. */
static int mh_scan_base(const char *s, size_t n, mh_run *r) {
  mh_sink k = {r, r->cur, r->sp + 2 * BATCH};
  int rc = stet_words_scan(s, n, mh_word, &k, stet_word_block);
  r->cur = k.cur;
  return rc;
}

#ifdef STET_BYTEMASK_AVX2
STET_TARGET_AVX2 static int mh_scan_avx2(const char *s, size_t n, mh_run *r) {
  mh_sink k = {r, r->cur, r->sp + 2 * BATCH};
  int rc = stet_words_scan(s, n, mh_word, &k, stet_word_block_avx2);
  r->cur = k.cur;
  return rc;
}
#endif

int stet_minhash_simd(stet_mh_ctx *ctx, const char *s, size_t n, const stet_minhash_opts *o,
                      unsigned char *out, int simd) {
  size_t H = (size_t)o->hashes, k = (size_t)o->shingle;
  if (mh_start(ctx, o, out)) return -1;
  size_t cap = BATCH + k - 1;
  if (ctx->words_cap < cap + SLACK) {
    uint32_t *w = realloc(ctx->words, (cap + SLACK) * sizeof *w);
    if (!w) return -1;
    ctx->words = w;
    ctx->words_cap = cap + SLACK;
  }
  /* the slack past what the batches fill is read but never used: set it
   * once so that nothing is read before it was written */
  memset(ctx->words + cap, 0, SLACK * sizeof *ctx->words);
  mh_run *r = ctx->run;
  if (!r) {
    r = ctx->run = malloc(sizeof *r);
    if (!r) return -1;
  }
  uint64_t *bins = ctx->bins;
  for (size_t i = 0; i < H; i++) bins[i] = EMPTY_BIN;
  r->ctx = ctx;
  r->s = (const unsigned char *)s;
  r->n = n;
  r->cur = r->sp;
  r->fill = r->total = 0;
  r->w = ctx->words;
  r->k = k;
  r->H = H;
  r->bins = bins;
  for (size_t j = 0; j < k; j++) r->mult[j] = shingle_mult(j);
  r->simd = 0;
  int failed;
#ifdef STET_BYTEMASK_AVX2
  r->simd = simd != 0 && stet_have_avx2();
  if (r->simd)
    failed = mh_scan_avx2(s, n, r);
  else
#endif
    failed = mh_scan_base(s, n, r);
  (void)simd;
  if (failed || mh_batch(r)) return -1;
  if (r->total == 0) {
    mh_write(bins, H, 0, out);
    return 0;
  }
  if (r->total < k) { /* one shingle of all the words */
    r->k = r->total;
    mh_shingles(r, 1);
  }
  mh_write(bins, H, 1, out);
  return 0;
}

int stet_minhash(stet_mh_ctx *ctx, const char *s, size_t n, const stet_minhash_opts *o,
                 unsigned char *out) {
  return stet_minhash_simd(ctx, s, n, o, out, -1);
}

double stet_minhash_similarity(const unsigned char *a, size_t alen,
                               const unsigned char *b, size_t blen) {
  if (alen != blen || alen <= STET_MH_HEADER || (alen - STET_MH_HEADER) % 4 ||
      memcmp(a, b, STET_MH_HEADER) != 0 || a[0] != 'M' || a[1] != STET_MH_VERSION)
    return -1;
  size_t H = (alen - STET_MH_HEADER) / 4, same = 0;
  const unsigned char *p = a + STET_MH_HEADER, *q = b + STET_MH_HEADER;
  for (size_t i = 0; i < H; i++) same += memcmp(p + 4 * i, q + 4 * i, 4) == 0;
  return (double)same / (double)H;
}
