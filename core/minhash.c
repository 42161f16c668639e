/* core/minhash.c: MinHash signatures (minhash.h). */
#include "minhash.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "normalize.h"
#include "segment.h"
#include "wordscan.h"

#define WORD_SEED UINT64_C(0x73746574776f7264)  /* "stetword" */
#define SHINGLE_SEED UINT64_C(0x7368696e676c6573) /* "shingles" */
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
  ctx->words = ctx->bins = NULL;
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

/* Little-endian load of n <= 8 bytes. */
static inline uint64_t load_le(const unsigned char *s, size_t n) {
  uint64_t v = 0;
  for (size_t i = n; i-- > 0;) v = (v << 8) | s[i];
  return v;
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

/* The hash of the folded word s[0..n). ASCII words of up to 16 bytes are
 * folded by setting bit 0x20 of every byte (it lowercases letters and
 * leaves digits and the punctuation that can sit inside a word as they
 * are) and mixed inline; other words are folded by stet_normalize and
 * hashed with XXH3. 0 on success, -1 on ENOMEM. */
static int word_hash(stet_mh_ctx *ctx, const unsigned char *s, size_t n, uint64_t *h) {
  if (n <= 16) {
    uint64_t lo, hi;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if ((size_t)(ctx->end - s) >= 16) { /* two whole loads, masked to the word */
      memcpy(&lo, s, 8);
      memcpy(&hi, s + 8, 8);
      if (n < 8) lo &= (UINT64_C(1) << (8 * n)) - 1;
      hi = n <= 8 ? 0 : n < 16 ? hi & ((UINT64_C(1) << (8 * (n - 8))) - 1) : hi;
    } else
#endif
    {
      lo = load_le(s, n < 8 ? n : 8);
      hi = n > 8 ? load_le(s + 8, n - 8) : 0;
    }
    if (!((lo | hi) & UINT64_C(0x8080808080808080))) {
      lo |= UINT64_C(0x2020202020202020) & ~(~UINT64_C(0) << (8 * (n < 8 ? n : 8) - 1) << 1);
      hi |= n > 8 ? UINT64_C(0x2020202020202020) & ~(~UINT64_C(0) << (8 * (n - 8) - 1) << 1) : 0;
      *h = fmix64((lo ^ WORD_SEED) * UINT64_C(0x9E3779B97F4A7C15) +
                  fmix64(hi ^ (uint64_t)n) * UINT64_C(0xc2b2ae3d27d4eb4f));
      return 0;
    }
  }
  int ascii = 1;
  for (size_t i = 0; i < n; i++) ascii &= s[i] < 0x80;
  if (ascii) {
    if (stet_buf_reserve(&ctx->fold, n)) return -1;
    for (size_t i = 0; i < n; i++) ctx->fold.data[i] = (char)(s[i] | 0x20);
    *h = XXH3_64bits_withSeed(ctx->fold.data, n, WORD_SEED);
    return 0;
  }
  if (stet_buf_reserve(&ctx->fold, n)) return -1;
  if (fold_latin1(s, n, (unsigned char *)ctx->fold.data)) {
    *h = XXH3_64bits_withSeed(ctx->fold.data, n, WORD_SEED);
    return 0;
  }
  stet_norm_opts o;
  stet_norm_fold_opts(&o);
  stet_norm_stats st = {0, 0};
  ctx->fold.len = 0;
  int r = stet_normalize((const char *)s, n, &o, &ctx->fold, &st);
  if (r < 0) return -1;
  *h = r ? XXH3_64bits_withSeed(ctx->fold.data, ctx->fold.len, WORD_SEED)
         : XXH3_64bits_withSeed(s, n, WORD_SEED);
  return 0;
}

/* word_hash of a word of at most 16 bytes known to hold a byte >= 0x80:
 * the byte-by-byte fold into a local buffer when it applies (most such
 * words in news text), else word_hash. */
static int word_hash_high(stet_mh_ctx *ctx, const unsigned char *s, size_t n, uint64_t *h) {
  unsigned char buf[16];
  if (n <= sizeof buf && fold_latin1(s, n, buf)) {
    *h = XXH3_64bits_withSeed(buf, n, WORD_SEED);
    return 0;
  }
  return word_hash(ctx, s, n, h);
}

/* stet_words_each callback: appends the hash of one word. */
static int on_word(void *ud, size_t start, size_t stop) {
  stet_mh_ctx *ctx = ud;
  if (ctx->nwords == ctx->words_cap) {
    size_t cap = ctx->words_cap ? ctx->words_cap * 2 : 1024;
    uint64_t *w = realloc(ctx->words, cap * sizeof *w);
    if (!w) { ctx->failed = 1; return -1; }
    ctx->words = w;
    ctx->words_cap = cap;
  }
  uint64_t h;
  if (word_hash(ctx, (const unsigned char *)ctx->text + start, stop - start, &h)) {
    ctx->failed = 1;
    return -1;
  }
  ctx->words[ctx->nwords++] = h;
  return 0;
}

/* The hash of the k words at w (order matters). */
static inline uint64_t shingle_hash(const uint64_t *w, size_t k) {
  uint64_t h = SHINGLE_SEED;
#pragma GCC unroll 5
  for (size_t j = 0; j < k; j++) {
    h ^= w[j];
    h *= UINT64_C(0x9E3779B97F4A7C15);
    h ^= h >> 29;
  }
  return fmix64(h);
}

static inline size_t pick_bin(uint64_t h, size_t nbins) {
  return (size_t)(((h >> 32) * (uint64_t)nbins) >> 32);
}

static void put_u32(unsigned char *p, uint32_t v) {
  p[0] = (unsigned char)v;
  p[1] = (unsigned char)(v >> 8);
  p[2] = (unsigned char)(v >> 16);
  p[3] = (unsigned char)(v >> 24);
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
  ctx->end = (const unsigned char *)s + n;
  ctx->failed = 0;
  stet_words_each_reference(s, n, on_word, ctx);
  if (ctx->failed) return -1;
  uint64_t *bins = ctx->bins;
  for (size_t i = 0; i < H; i++) bins[i] = EMPTY_BIN;
  size_t nw = ctx->nwords;
  if (nw == 0) {
    for (size_t i = 0; i < H; i++) put_u32(out + STET_MH_HEADER + 4 * i, UINT32_MAX);
    return 0;
  }
  if (k > nw) k = nw;
  for (size_t i = 0; i + k <= nw; i++) {
    uint64_t h = shingle_hash(ctx->words + i, k);
    size_t b = pick_bin(h, H);
    uint64_t v = h & UINT32_MAX, old = bins[b];
    bins[b] = v < old ? v : old; /* a conditional move: the branch mispredicts */
  }
  for (size_t i = 0; i < H; i++) {
    uint64_t v = bins[i];
    for (uint64_t attempt = 1; v == EMPTY_BIN; attempt++) {
      uint64_t x = fmix64(((uint64_t)i << 32) ^ attempt ^ UINT64_C(0x5bd1e9955bd1e995));
      v = bins[pick_bin(x, H)];
    }
    put_u32(out + STET_MH_HEADER + 4 * i, (uint32_t)v);
  }
  return 0;
}

/* The fast path: the finder of core/wordscan.h hands each word's span to
 * mh_word, inlined, which only keeps it; every BATCH spans, mh_batch
 * hashes the words into a buffer that also holds the last k - 1 words of
 * the batch before, hashes the shingles that end in the batch into the
 * bins, and moves the last k - 1 words to the buffer's front. */
#define BATCH 256 /* words per batch */

typedef struct mh_run {
  stet_mh_ctx *ctx;
  const unsigned char *s;  /* the text */
  size_t n;                /* its length */
  size_t sp[2 * BATCH];    /* spans of the words of the batch: start, stop */
  size_t nsp;              /* spans in sp */
  uint64_t *w;             /* word hashes, BATCH + k - 1 of them */
  size_t fill;             /* words in w */
  size_t total;            /* words so far */
  size_t k, H;
  uint64_t *bins;
  int simd;                /* hash with AVX2 */
} mh_run;

/* Keeps the low 32 bits of shingle hash h in its bin if they are smaller. */
static inline void mh_bin(uint64_t *bins, size_t H, uint64_t h) {
  size_t b = pick_bin(h, H);
  uint64_t v = h & UINT32_MAX, old = bins[b];
  bins[b] = v < old ? v : old; /* a conditional move: the branch mispredicts */
}

/* Hashes the shingles of w[0..count + k - 1) into the bins. */
static void mh_shingles_scalar(const uint64_t *w, size_t count, size_t k, uint64_t *bins,
                               size_t H) {
  if (k == 5)
    for (size_t i = 0; i < count; i++) mh_bin(bins, H, shingle_hash(w + i, 5));
  else
    for (size_t i = 0; i < count; i++) mh_bin(bins, H, shingle_hash(w + i, k));
}

#ifdef STET_BYTEMASK_AVX2
/* x * c in each 64-bit lane, from three 32-bit products (AVX2 has no
 * 64-bit multiply): the product's high half takes only the cross terms'
 * low halves. */
STET_TARGET_AVX2 static inline __m256i mul64x4(__m256i x, uint64_t c) {
  __m256i cl = _mm256_set1_epi64x((long long)(c & UINT32_MAX));
  __m256i ch = _mm256_set1_epi64x((long long)(c >> 32));
  __m256i cross = _mm256_add_epi64(_mm256_mul_epu32(_mm256_srli_epi64(x, 32), cl),
                                   _mm256_mul_epu32(x, ch));
  return _mm256_add_epi64(_mm256_mul_epu32(x, cl), _mm256_slli_epi64(cross, 32));
}

/* fmix64 in each 64-bit lane. */
STET_TARGET_AVX2 static inline __m256i fmix64x4(__m256i h) {
  h = _mm256_xor_si256(h, _mm256_srli_epi64(h, 33));
  h = mul64x4(h, UINT64_C(0xff51afd7ed558ccd));
  h = _mm256_xor_si256(h, _mm256_srli_epi64(h, 33));
  h = mul64x4(h, UINT64_C(0xc4ceb9fe1a85ec53));
  return _mm256_xor_si256(h, _mm256_srli_epi64(h, 33));
}

/* One step of shingle_hash in each lane: word w into state h. */
STET_TARGET_AVX2 static inline __m256i shingle_step4(__m256i h, const uint64_t *w) {
  h = _mm256_xor_si256(h, _mm256_loadu_si256((const __m256i *)(const void *)w));
  h = mul64x4(h, UINT64_C(0x9E3779B97F4A7C15));
  return _mm256_xor_si256(h, _mm256_srli_epi64(h, 29));
}

/* The bins and low 32 bits of the four shingle hashes of h, into b and v. */
STET_TARGET_AVX2 static inline void bins4(__m256i h, size_t H, uint64_t *b, uint64_t *v) {
  __m256i bin = _mm256_srli_epi64(
      _mm256_mul_epu32(_mm256_srli_epi64(h, 32), _mm256_set1_epi64x((long long)H)), 32);
  _mm256_storeu_si256((__m256i *)(void *)b, bin);
  _mm256_storeu_si256((__m256i *)(void *)v,
                      _mm256_and_si256(h, _mm256_set1_epi64x((long long)UINT32_MAX)));
}

/* mh_shingles_scalar, sixteen shingles at a time in four independent
 * chains (each step waits on the multiply before it, so one chain would
 * leave the multipliers idle); the bins take the minimum, so the order
 * does not matter. */
STET_TARGET_AVX2 static void mh_shingles_avx2(const uint64_t *w, size_t count, size_t k,
                                              uint64_t *bins, size_t H) {
  size_t i = 0;
  uint64_t b[16], v[16];
  const __m256i seed = _mm256_set1_epi64x((long long)SHINGLE_SEED);
#define MH_SHINGLES_X16(K)                                                       \
  for (; i + 16 <= count; i += 16) {                                             \
    __m256i h0 = seed, h1 = seed, h2 = seed, h3 = seed;                          \
    _Pragma("GCC unroll 5") for (size_t j = 0; j < (K); j++) {                  \
      h0 = shingle_step4(h0, w + i + j);                                         \
      h1 = shingle_step4(h1, w + i + 4 + j);                                     \
      h2 = shingle_step4(h2, w + i + 8 + j);                                     \
      h3 = shingle_step4(h3, w + i + 12 + j);                                    \
    }                                                                            \
    bins4(fmix64x4(h0), H, b, v);                                                \
    bins4(fmix64x4(h1), H, b + 4, v + 4);                                        \
    bins4(fmix64x4(h2), H, b + 8, v + 8);                                        \
    bins4(fmix64x4(h3), H, b + 12, v + 12);                                      \
    for (size_t t = 0; t < 16; t++) {                                            \
      uint64_t old = bins[b[t]];                                                 \
      bins[b[t]] = v[t] < old ? v[t] : old;                                      \
    }                                                                            \
  }
  if (k == 5) {
    MH_SHINGLES_X16(5)
  } else {
    MH_SHINGLES_X16(k)
  }
#undef MH_SHINGLES_X16
  mh_shingles_scalar(w + i, count - i, k, bins, H);
}
#endif

/* Hashes the shingles of r->w[0..count + k - 1) into the bins. */
static void mh_shingles(mh_run *r, size_t count) {
#ifdef STET_BYTEMASK_AVX2
  if (r->simd) {
    mh_shingles_avx2(r->w, count, r->k, r->bins, r->H);
    return;
  }
#endif
  mh_shingles_scalar(r->w, count, r->k, r->bins, r->H);
}

/* The hash of the word s[a..b) of s[0..n), as word_hash computes it. ASCII
 * words of up to 16 bytes with 16 bytes to read are hashed inline; the
 * others go to word_hash. 0, or -1 on ENOMEM. */
static inline __attribute__((always_inline)) int mh_hash1(stet_mh_ctx *ctx, const unsigned char *s,
                                                          size_t n, size_t a, size_t b,
                                                          uint64_t *out) {
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
      *out = fmix64((lo ^ WORD_SEED) * UINT64_C(0x9E3779B97F4A7C15) +
                    fmix64(hi ^ (uint64_t)len) * UINT64_C(0xc2b2ae3d27d4eb4f));
      return 0;
    }
  }
#endif
  return word_hash(ctx, p, len, out);
}

/* Hashes the count words of sp into out. 0, or -1 on ENOMEM. */
static int mh_hash_scalar(stet_mh_ctx *ctx, const unsigned char *s, size_t n, const size_t *sp,
                          size_t count, uint64_t *out) {
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
 * pairs), as mh_hash1 computes them inline, and in *ascii the lanes whose
 * bytes are all ASCII (the others go to word_hash_high); *bad: the lanes
 * whose words have more than 16 bytes. Reads 16 bytes at each start. The
 * masks come from variable shifts, which give 0 for a count of 64 or
 * more. */
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
  __m256i fh = fmix64x4(_mm256_xor_si256(hi, len));
  __m256i h = _mm256_add_epi64(
      mul64x4(_mm256_xor_si256(lo, _mm256_set1_epi64x((long long)WORD_SEED)),
              UINT64_C(0x9E3779B97F4A7C15)),
      mul64x4(fh, UINT64_C(0xc2b2ae3d27d4eb4f)));
  return fmix64x4(h);
}

/* mh_hash_scalar, eight words at a time in two chains when all have at
 * most 16 bytes and 16 bytes to read; the lanes whose bytes are not all
 * ASCII then go to word_hash. */
STET_TARGET_AVX2 static int mh_hash_avx2(stet_mh_ctx *ctx, const unsigned char *s, size_t n,
                                         const size_t *sp, size_t count, uint64_t *out) {
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
    _mm256_storeu_si256((__m256i *)(void *)(out + i), h0);
    _mm256_storeu_si256((__m256i *)(void *)(out + i + 4), h1);
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
#ifdef STET_BYTEMASK_AVX2
  if (r->simd)
    failed = mh_hash_avx2(r->ctx, r->s, r->n, r->sp, r->nsp, r->w + r->fill);
  else
#endif
    failed = mh_hash_scalar(r->ctx, r->s, r->n, r->sp, r->nsp, r->w + r->fill);
  if (failed) return -1;
  r->fill += r->nsp;
  r->total += r->nsp;
  r->nsp = 0;
  if (r->fill >= r->k) {
    size_t count = r->fill - r->k + 1;
    mh_shingles(r, count);
    memmove(r->w, r->w + count, (r->k - 1) * sizeof *r->w);
    r->fill = r->k - 1;
  }
  return 0;
}

/* The word handler of the finder: keeps the span, runs a full batch. */
static inline __attribute__((always_inline)) int mh_word(void *ud, size_t a, size_t b) {
  mh_run *r = ud;
  size_t i = r->nsp;
  r->sp[2 * i] = a;
  r->sp[2 * i + 1] = b;
  r->nsp = i + 1;
  return i + 1 == BATCH ? mh_batch(r) : 0;
}

/* The instances of the word finder with mh_word. */
static int mh_scan_base(const char *s, size_t n, mh_run *r) {
  return stet_words_scan(s, n, mh_word, r, stet_word_block);
}

#ifdef STET_BYTEMASK_AVX2
STET_TARGET_AVX2 static int mh_scan_avx2(const char *s, size_t n, mh_run *r) {
  return stet_words_scan(s, n, mh_word, r, stet_word_block_avx2);
}
#endif

int stet_minhash_simd(stet_mh_ctx *ctx, const char *s, size_t n, const stet_minhash_opts *o,
                      unsigned char *out, int simd) {
  size_t H = (size_t)o->hashes, k = (size_t)o->shingle;
  if (mh_start(ctx, o, out)) return -1;
  size_t cap = BATCH + k - 1;
  if (ctx->words_cap < cap) {
    uint64_t *w = realloc(ctx->words, cap * sizeof *w);
    if (!w) return -1;
    ctx->words = w;
    ctx->words_cap = cap;
  }
  mh_run *r = ctx->run;
  if (!r) {
    r = ctx->run = malloc(sizeof *r);
    if (!r) return -1;
  }
  uint64_t *bins = ctx->bins;
  for (size_t i = 0; i < H; i++) bins[i] = EMPTY_BIN;
  ctx->end = (const unsigned char *)s + n;
  r->ctx = ctx;
  r->s = (const unsigned char *)s;
  r->n = n;
  r->nsp = r->fill = r->total = 0;
  r->w = ctx->words;
  r->k = k;
  r->H = H;
  r->bins = bins;
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
    for (size_t i = 0; i < H; i++) put_u32(out + STET_MH_HEADER + 4 * i, UINT32_MAX);
    return 0;
  }
  if (r->total < k) { /* one shingle of all the words */
    r->k = r->total;
    mh_shingles(r, 1);
  }
  for (size_t i = 0; i < H; i++) {
    uint64_t v = bins[i];
    for (uint64_t attempt = 1; v == EMPTY_BIN; attempt++) {
      uint64_t x = fmix64(((uint64_t)i << 32) ^ attempt ^ UINT64_C(0x5bd1e9955bd1e995));
      v = bins[pick_bin(x, H)];
    }
    put_u32(out + STET_MH_HEADER + 4 * i, (uint32_t)v);
  }
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
