/* core/fuzz/fuzz_wordscan.c: libFuzzer harness that holds the fast word
 * finder and the fast MinHash to their reference paths.
 *
 * Two option bytes (shingle size, number of values), then the text. The
 * text is cut into pieces at the byte values 0x01 (so one input holds
 * texts of many lengths, each in its own exact allocation, and the ends of
 * words meet the ends of the text); a piece of up to 512 bytes is also
 * read with 1..3 leading bytes stripped. Checked, aborting on any
 * difference:
 *  - stet_words_each with the baseline masks, with the AVX2 ones (when the
 *    CPU has them) and stet_words_each_reference (the general rules at
 *    every boundary) report the same spans;
 *  - stet_minhash with either mask code and stet_minhash_reference give
 *    the same signature bytes, from a reused and from a fresh context. */
#include <string.h>

#include "fuzz.h"
#include "minhash.h"
#include "segment.h"
#include "wordscan.h"

typedef struct spans {
  size_t *v; /* start, stop pairs */
  size_t n, cap;
} spans;

static int collect(void *ud, size_t a, size_t b) {
  spans *s = ud;
  if (s->n + 2 > s->cap) {
    s->cap = s->cap ? s->cap * 2 : 64;
    s->v = realloc(s->v, s->cap * sizeof *s->v);
    if (!s->v) abort();
  }
  s->v[s->n++] = a;
  s->v[s->n++] = b;
  return 0;
}

static int same_spans(const spans *a, const spans *b) {
  return a->n == b->n && (a->n == 0 || memcmp(a->v, b->v, a->n * sizeof *a->v) == 0);
}

/* The words and the signature of t[0..n) by every path, compared. */
static void check(const char *t, size_t n, const stet_minhash_opts *o, stet_mh_ctx *ctx) {
  spans ref = {0}, base = {0}, simd = {0};
  FUZZ_CHECK(stet_words_each_reference(t, n, collect, &ref) == 0, "reference words nonzero");
  FUZZ_CHECK(stet_words_each_simd(t, n, collect, &base, 0) == 0, "baseline words nonzero");
  FUZZ_CHECK(stet_words_each_simd(t, n, collect, &simd, 1) == 0, "AVX2 words nonzero");
  FUZZ_CHECK(same_spans(&ref, &base), "words: baseline masks differ from the reference");
  FUZZ_CHECK(same_spans(&ref, &simd), "words: AVX2 masks differ from the reference");
  free(ref.v);
  free(base.v);
  free(simd.v);

  size_t len = stet_minhash_size(o);
  unsigned char *want = malloc(len), *got = malloc(len);
  if (!want || !got) abort();
  stet_mh_ctx fresh = STET_MH_CTX_INIT;
  FUZZ_CHECK(stet_minhash_reference(&fresh, t, n, o, want) == 0, "reference minhash failed");
  for (int simd_level = 0; simd_level < 2; simd_level++) {
    memset(got, 0, len);
    FUZZ_CHECK(stet_minhash_simd(ctx, t, n, o, got, simd_level) == 0, "minhash failed");
    FUZZ_CHECK(memcmp(want, got, len) == 0, "minhash differs from the reference");
  }
  stet_mh_ctx_free(&fresh);
  memset(got, 0, len);
  FUZZ_CHECK(stet_minhash_simd(&fresh, t, n, o, got, -1) == 0, "minhash failed");
  FUZZ_CHECK(memcmp(want, got, len) == 0, "minhash from a fresh context differs");
  stet_mh_ctx_free(&fresh);
  free(want);
  free(got);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_in in = {data, size};
  unsigned b0 = fuzz_byte(&in), b1 = fuzz_byte(&in);
  stet_minhash_opts o;
  stet_minhash_defaults(&o);
  /* mostly the default k = 5, else 1..8 or a large one */
  o.shingle = (b0 & 0xC0) == 0 ? 1 + (int)(b0 % 8) : (b0 & 0xC0) == 0x40 ? 1 + (int)b0 : 5;
  o.hashes = (b1 & 0x80) ? 1 + (int)(b1 & 0x7F) : 112;
  stet_mh_ctx ctx = STET_MH_CTX_INIT;
  size_t i = 0;
  while (i <= in.n) {
    size_t j = i;
    while (j < in.n && in.p[j] != 0x01) j++;
    /* shifted copies of the shorter pieces move every byte to other
     * offsets of the 64-byte blocks */
    size_t skips = j - i <= 512 ? 4 : 1;
    for (size_t skip = 0; skip < skips && i + skip <= j; skip++) {
      char *t = fuzz_copy(in.p + i + skip, j - i - skip);
      check(t, j - i - skip, &o, &ctx);
      free(t);
    }
    i = j + 1;
  }
  stet_mh_ctx_free(&ctx);
  return 0;
}
