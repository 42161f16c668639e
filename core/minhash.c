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
int stet_minhash_reference(stet_mh_ctx *ctx, const char *s, size_t n,
                           const stet_minhash_opts *o, unsigned char *out) {
  size_t H = (size_t)o->hashes, k = (size_t)o->shingle;
  out[0] = 'M';
  out[1] = STET_MH_VERSION;
  out[2] = (unsigned char)k;
  out[3] = 0;
  if (ctx->bins_cap < H) {
    uint64_t *b = realloc(ctx->bins, H * sizeof *b);
    if (!b) return -1;
    ctx->bins = b;
    ctx->bins_cap = H;
  }
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
      uint64_t r = fmix64(((uint64_t)i << 32) ^ attempt ^ UINT64_C(0x5bd1e9955bd1e995));
      v = bins[pick_bin(r, H)];
    }
    put_u32(out + STET_MH_HEADER + 4 * i, (uint32_t)v);
  }
  return 0;
}

/* The fast path hashes each word as the finder of core/wordscan.h reports
 * it, with no call through a pointer, into a buffer of the last words; each
 * time the buffer fills, the shingles that end in it are hashed into the
 * bins and the last k - 1 words move to its front. */
#define BATCH 256 /* shingles hashed per batch */

typedef struct mh_run {
  stet_mh_ctx *ctx;
  const unsigned char *s;  /* the text */
  const unsigned char *end; /* its end */
  uint64_t *w;             /* word hashes, BATCH + k - 1 of them */
  size_t fill, cap;        /* words in w, and the count that starts a batch */
  size_t total;            /* words so far */
  size_t k, H;
  uint64_t *bins;
} mh_run;

/* Hashes the shingles of w[0..count + k - 1) into the bins. */
static void mh_shingles(mh_run *r, size_t count) {
  const uint64_t *w = r->w;
  uint64_t *bins = r->bins;
  size_t H = r->H, k = r->k;
#define MH_SHINGLE_LOOP(K)                                          \
  for (size_t i = 0; i < count; i++) {                              \
    uint64_t h = shingle_hash(w + i, K);                            \
    size_t b = pick_bin(h, H);                                      \
    uint64_t v = h & UINT32_MAX, old = bins[b];                     \
    bins[b] = v < old ? v : old;                                    \
  }
  if (k == 5) {
    MH_SHINGLE_LOOP(5)
  } else {
    MH_SHINGLE_LOOP(k)
  }
#undef MH_SHINGLE_LOOP
}

/* A full buffer: its shingles, then its last k - 1 words to the front. */
static void mh_flush(mh_run *r) {
  size_t count = r->fill - r->k + 1;
  mh_shingles(r, count);
  memmove(r->w, r->w + count, (r->k - 1) * sizeof *r->w);
  r->fill = r->k - 1;
}

/* The word handler of the finder: hashes s[a..b) as word_hash does (ASCII
 * words of up to 16 bytes inline, the others by word_hash) and keeps it. */
static inline __attribute__((always_inline)) int mh_word(void *ud, size_t a, size_t b) {
  mh_run *r = ud;
  const unsigned char *p = r->s + a;
  size_t len = b - a;
  uint64_t h;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  if (len <= 16 && r->end - p >= 16) {
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
      h = fmix64((lo ^ WORD_SEED) * UINT64_C(0x9E3779B97F4A7C15) +
                 fmix64(hi ^ (uint64_t)len) * UINT64_C(0xc2b2ae3d27d4eb4f));
      goto keep;
    }
  }
#endif
  if (word_hash(r->ctx, p, len, &h)) return -1;
keep:
  r->w[r->fill] = h;
  r->total++;
  if (++r->fill == r->cap) mh_flush(r);
  return 0;
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
  out[0] = 'M';
  out[1] = STET_MH_VERSION;
  out[2] = (unsigned char)k;
  out[3] = 0;
  if (ctx->bins_cap < H) {
    uint64_t *b = realloc(ctx->bins, H * sizeof *b);
    if (!b) return -1;
    ctx->bins = b;
    ctx->bins_cap = H;
  }
  size_t cap = BATCH + k - 1;
  if (ctx->words_cap < cap) {
    uint64_t *w = realloc(ctx->words, cap * sizeof *w);
    if (!w) return -1;
    ctx->words = w;
    ctx->words_cap = cap;
  }
  uint64_t *bins = ctx->bins;
  for (size_t i = 0; i < H; i++) bins[i] = EMPTY_BIN;
  ctx->text = s;
  ctx->end = (const unsigned char *)s + n;
  mh_run r = {ctx, (const unsigned char *)s, ctx->end, ctx->words, 0, cap, 0, k, H, bins};
  int failed;
#ifdef STET_BYTEMASK_AVX2
  if (simd != 0 && stet_have_avx2())
    failed = mh_scan_avx2(s, n, &r);
  else
#endif
    failed = mh_scan_base(s, n, &r);
  (void)simd;
  if (failed) return -1;
  if (r.total == 0) {
    for (size_t i = 0; i < H; i++) put_u32(out + STET_MH_HEADER + 4 * i, UINT32_MAX);
    return 0;
  }
  if (r.total < k) { /* one shingle of all the words */
    r.k = r.total;
    mh_shingles(&r, 1);
  } else {
    mh_shingles(&r, r.fill - k + 1);
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
