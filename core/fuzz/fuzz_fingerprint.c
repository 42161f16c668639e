/* core/fuzz/fuzz_fingerprint.c: libFuzzer harness for paragraph keys and
 * fingerprints (core/fingerprint.h).
 *
 * Checked on every input: the key equals a slow reference of its
 * definition in fingerprint.h (the whole text through stet_normalize with
 * NFKC and case folding and nothing else, then Nd -> "0" and P*, S*, C*,
 * Z* removed, ill-formed sequences counting as U+FFFD); the key is valid
 * UTF-8 whose ASCII bytes are a-z and 0 only; the same context gives the
 * same key twice (its buffers are reused); the fingerprint and the body
 * fingerprint are stet_fp_hash of the key with their seeds, STET_FP_EMPTY
 * exactly for an empty key, and differ from each other for a non-empty
 * one; the fingerprint is XXH3 of the key as Debian's libxxhash computes
 * it, and stet_fp_hash of the raw input is too. Every ASCII path (scalar,
 * SSE2, SSSE3, AVX2, as far as the processor has them) gives the same key
 * byte for byte, on the whole input and on a prefix whose loads may run
 * into the rest of the input
 * (stet_fingerprint_key_in with slack), with a fresh context and with one
 * whose per-code-point cache is already filled; stet_fingerprint_spans on
 * the input's paragraphs gives, on every path, what stet_fingerprint gives
 * each paragraph copied out. */
#include <string.h>
#include <utf8proc.h>
#include <xxhash.h>

#include "fingerprint.h"
#include "fuzz.h"
#include "normalize.h"
#include "segment.h"
#include "utf8.h"

/* The key of s[0..n) by its definition, into out. */
static void ref_key(const char *s, size_t n, stet_buf *out) {
  stet_norm_opts o;
  memset(&o, 0, sizeof o);
  o.form = STET_FORM_NFKC;
  o.casefold = 1;
  stet_buf norm = STET_BUF_INIT;
  stet_norm_stats st = {0, 0};
  int r = stet_normalize(s, n, &o, &norm, &st);
  FUZZ_CHECK(r >= 0, "stet_normalize failed");
  const unsigned char *t = r ? (const unsigned char *)norm.data : (const unsigned char *)s;
  size_t m = r ? norm.len : n, i = 0;
  while (i < m) {
    int32_t cp;
    size_t len = stet_utf8_decode(t + i, m - i, &cp);
    FUZZ_CHECK(cp != STET_UTF8_INVALID, "normalized text is not valid UTF-8");
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_ND:
      if (stet_buf_append(out, "0", 1)) abort();
      break;
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME: case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
      if (stet_buf_append(out, t + i, len)) abort();
      break;
    default:
      break;
    }
    i += len;
  }
  stet_buf_free(&norm);
}

/* stet_paragraphs_each's callback: appends the span to a stet_buf. */
static int add_span(void *ud, size_t start, size_t stop) {
  stet_fp_span sp = {start, stop, 0};
  if (stet_buf_append(ud, &sp, sizeof sp)) abort();
  return 0;
}

/* The spans check of the top of the file, on s[0..n). */
static void check_spans(stet_fp_ctx *ctx, const char *s, size_t n) {
  stet_buf spans = STET_BUF_INIT, want = STET_BUF_INIT;
  stet_paragraphs_each(s, n, 0, add_span, &spans);
  size_t k = spans.len / sizeof(stet_fp_span);
  const stet_fp_span *sp = (const stet_fp_span *)(void *)spans.data;
  stet_fp_ctx one = STET_FP_CTX_INIT;
  for (size_t i = 0; i < k; i++) {
    char *p = fuzz_copy(s + sp[i].start, sp[i].stop - sp[i].start);
    uint64_t fp;
    FUZZ_CHECK(stet_fingerprint(&one, p, sp[i].stop - sp[i].start, &fp) == 0, "fingerprint failed");
    if (stet_buf_append(&want, &fp, sizeof fp)) abort();
    free(p);
  }
  const uint64_t *fps = (const uint64_t *)(void *)want.data;
  for (int path = STET_FP_SCALAR; path <= STET_FP_AVX2; path++) {
    int saved = ctx->path;
    ctx->path = path;
    stet_fp_span *got = k ? malloc(k * sizeof *got) : NULL;
    if (k && !got) abort();
    for (size_t i = 0; i < k; i++) got[i] = sp[i];
    FUZZ_CHECK(stet_fingerprint_spans(ctx, s, n, got, k) == 0, "fingerprint_spans failed");
    for (size_t i = 0; i < k; i++)
      FUZZ_CHECK(got[i].fp == fps[i], "fingerprint_spans differs from stet_fingerprint");
    free(got);
    ctx->path = saved;
  }
  stet_fp_ctx_free(&one);
  stet_buf_free(&spans);
  stet_buf_free(&want);
}

static void dump(const char *what, const char *s, size_t n) {
  fprintf(stderr, "%s (%zu):", what, n);
  for (size_t i = 0; i < n && i < 200; i++) fprintf(stderr, " %02X", (unsigned char)s[i]);
  fprintf(stderr, "\n");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *s = fuzz_copy(data, size);
  stet_fp_ctx ctx = STET_FP_CTX_INIT;
  FUZZ_CHECK(stet_fingerprint_key(&ctx, s, size) == 0, "fingerprint_key failed");
  char *key = fuzz_copy(ctx.key.data, ctx.key.len);
  size_t klen = ctx.key.len, where;
  FUZZ_CHECK(stet_utf8_validate((const unsigned char *)key, klen, &where) == 0,
             "key is not valid UTF-8");
  for (size_t i = 0; i < klen; i++) {
    unsigned char c = (unsigned char)key[i];
    FUZZ_CHECK(c >= 0x80 || (c >= 'a' && c <= 'z') || c == '0', "key holds other ASCII");
  }
  stet_buf ref = STET_BUF_INIT;
  ref_key(s, size, &ref);
  if (ref.len != klen || (klen && memcmp(ref.data, key, klen) != 0)) {
    dump("input", s, size);
    dump("key", key, klen);
    dump("reference", ref.data, ref.len);
  }
  FUZZ_CHECK(ref.len == klen && (klen == 0 || memcmp(ref.data, key, klen) == 0),
             "key differs from NFKC + case folding + category filter of the whole text");

  /* the fast paths against the byte loop, whole and as a prefix */
  size_t cut = size ? (size_t)data[0] * size / 256 : 0; /* a prefix s[0..cut) */
  stet_buf pre = STET_BUF_INIT;
  stet_fp_ctx fresh = STET_FP_CTX_INIT;
  fresh.path = STET_FP_SCALAR;
  FUZZ_CHECK(stet_fingerprint_key(&fresh, s, cut) == 0, "fingerprint_key failed");
  if (stet_buf_append(&pre, fresh.key.data ? fresh.key.data : "", fresh.key.len)) abort();
  for (int path = STET_FP_SCALAR; path <= STET_FP_AVX2; path++) {
    stet_fp_ctx *c = path & 1 ? &ctx : &fresh;
    int saved = c->path;
    c->path = path;
    FUZZ_CHECK(stet_fingerprint_key_in(c, s, size, 0) == 0, "fingerprint_key_in failed");
    if (c->key.len != klen || (klen && memcmp(c->key.data, key, klen) != 0)) {
      dump("input", s, size);
      fprintf(stderr, "path %d\n", stet_fp_path(c));
    }
    FUZZ_CHECK(c->key.len == klen && (klen == 0 || memcmp(c->key.data, key, klen) == 0),
               "an ASCII path gave another key for the whole input");
    FUZZ_CHECK(stet_fingerprint_key_in(c, s, cut, size - cut) == 0, "fingerprint_key_in failed");
    if (c->key.len != pre.len || (pre.len && memcmp(c->key.data, pre.data, pre.len) != 0)) {
      dump("input", s, size);
      fprintf(stderr, "prefix %zu, path %d\n", cut, stet_fp_path(c));
    }
    FUZZ_CHECK(c->key.len == pre.len && (pre.len == 0 || memcmp(c->key.data, pre.data, pre.len) == 0),
               "an ASCII path reading past the end gave another key for the prefix");
    c->path = saved;
  }
  stet_buf_free(&pre);
  stet_fp_ctx_free(&fresh);
  check_spans(&ctx, s, size);

  uint64_t fp, body;
  FUZZ_CHECK(stet_fingerprint(&ctx, s, size, &fp) == 0, "fingerprint failed");
  FUZZ_CHECK(ctx.key.len == klen && (klen == 0 || memcmp(ctx.key.data, key, klen) == 0),
             "the same context gave another key");
  FUZZ_CHECK(stet_body_fingerprint(&ctx, s, size, &body) == 0, "body fingerprint failed");
  FUZZ_CHECK(fp == stet_fp_hash(key, klen, STET_FP_SEED), "fingerprint is not the key's hash");
  FUZZ_CHECK(body == stet_fp_hash(key, klen, STET_BODY_SEED), "body fingerprint is not the key's hash");
  FUZZ_CHECK((fp == STET_FP_EMPTY) == (klen == 0), "STET_FP_EMPTY and the empty key disagree");
  FUZZ_CHECK((body == STET_FP_EMPTY) == (klen == 0), "body: STET_FP_EMPTY and the empty key disagree");
  if (klen) FUZZ_CHECK(fp != body, "paragraph and body fingerprints coincide");
  /* stet_fp_hash against the library's own XXH3 (fingerprint.c has its
   * own rounds for 17..240 bytes), on the key and on the raw input */
  uint64_t lib = klen ? XXH3_64bits_withSeed(key, klen, STET_FP_SEED) : STET_FP_EMPTY;
  FUZZ_CHECK(fp == (klen && lib == STET_FP_EMPTY ? 1 : lib), "fingerprint is not XXH3 of the key");
  if (size) {
    lib = XXH3_64bits_withSeed(s, size, STET_FP_SEED);
    FUZZ_CHECK(stet_fp_hash(s, size, STET_FP_SEED) == (lib == STET_FP_EMPTY ? 1 : lib),
               "stet_fp_hash is not XXH3 of the input");
  }

  stet_buf_free(&ref);
  stet_fp_ctx_free(&ctx);
  free(key);
  free(s);
  return 0;
}
