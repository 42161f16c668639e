/* core/fuzz/fuzz_minhash.c: libFuzzer harness for MinHash signatures
 * (core/minhash.h).
 *
 * Three option bytes (shingle size 1..255, 1..8192 values), then the text.
 * Checked: the signature has stet_minhash_size bytes and the header "M",
 * version, k, 0; a text without words has every value 0xFFFFFFFF; the same
 * text gives the same signature from a reused and from a fresh context;
 * lower-casing the ASCII letters does not change it (words are case
 * folded); similarity is 1 with itself, in [0, 1] against the signature
 * of the text's second half, and -1 against a signature made with other
 * options or cut short. */
#include <string.h>

#include "fuzz.h"
#include "minhash.h"
#include "segment.h"

static int count_word(void *ud, size_t a, size_t b) {
  (void)a;
  (void)b;
  (*(size_t *)ud)++;
  return 0;
}

/* A signature of s[0..n) with o, in a fresh allocation. */
static unsigned char *sign(stet_mh_ctx *ctx, const char *s, size_t n, const stet_minhash_opts *o) {
  unsigned char *sig = malloc(stet_minhash_size(o));
  if (!sig) abort();
  FUZZ_CHECK(stet_minhash(ctx, s, n, o, sig) == 0, "stet_minhash failed");
  return sig;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_in in = {data, size};
  unsigned b0 = fuzz_byte(&in), b1 = fuzz_byte(&in), b2 = fuzz_byte(&in);
  char *s = fuzz_copy(in.p, in.n);
  size_t n = in.n;
  stet_minhash_opts o;
  stet_minhash_defaults(&o);
  FUZZ_CHECK(o.shingle >= 1 && o.shingle <= STET_MH_MAX_SHINGLE && o.hashes >= 1 &&
                 o.hashes <= STET_MH_MAX_HASHES, "defaults out of range");
  o.shingle = (b0 & 0x80) ? 1 + (int)(b0 & 0x7F) * 2 : 1 + (int)(b0 % 8);
  /* Up to 256 values, or with b1 0xFF up to STET_MH_MAX_HASHES but no
   * more than 16 per word: filling the empty bins of a text with F filled
   * ones costs about H * H / F probes (a one-word text with 8192 values
   * takes about a second under the sanitizers). */
  size_t words = 0;
  stet_words_each(s, n, count_word, &words);
  o.hashes = 1 + (int)b2;
  if (b1 == 0xFF) {
    size_t h = 1 + (size_t)b2 * 32, cap = 16 * words > 256 ? 16 * words : 256;
    o.hashes = (int)(h < cap ? h : cap);
  }
  size_t len = stet_minhash_size(&o);
  FUZZ_CHECK(len == STET_MH_HEADER + 4 * (size_t)o.hashes, "signature size");

  stet_mh_ctx ctx = STET_MH_CTX_INIT, fresh = STET_MH_CTX_INIT;
  unsigned char *sig = sign(&ctx, s, n, &o);
  FUZZ_CHECK(sig[0] == 'M' && sig[1] == STET_MH_VERSION && sig[2] == (unsigned char)o.shingle &&
                 sig[3] == 0, "signature header");
  if (words == 0)
    for (size_t i = STET_MH_HEADER; i < len; i++)
      FUZZ_CHECK(sig[i] == 0xFF, "a text without words has a value other than 0xFFFFFFFF");

  unsigned char *again = sign(&ctx, s, n, &o), *other = sign(&fresh, s, n, &o);
  FUZZ_CHECK(memcmp(sig, again, len) == 0, "reused context gave another signature");
  FUZZ_CHECK(memcmp(sig, other, len) == 0, "fresh context gave another signature");
  free(again);
  free(other);

  char *lower = fuzz_copy(s, n);
  for (size_t i = 0; i < n; i++)
    if (lower[i] >= 'A' && lower[i] <= 'Z') lower[i] = (char)(lower[i] + 32);
  unsigned char *low = sign(&ctx, lower, n, &o);
  FUZZ_CHECK(memcmp(sig, low, len) == 0, "lower-casing ASCII letters changed the signature");
  free(low);
  free(lower);

  FUZZ_CHECK(stet_minhash_similarity(sig, len, sig, len) == 1.0, "similarity with itself is not 1");
  unsigned char *half = sign(&fresh, s + n / 2, n - n / 2, &o);
  double sim = stet_minhash_similarity(sig, len, half, len);
  FUZZ_CHECK(sim >= 0.0 && sim <= 1.0, "similarity out of [0, 1]");
  FUZZ_CHECK(sim == stet_minhash_similarity(half, len, sig, len), "similarity is not symmetric");
  free(half);
  FUZZ_CHECK(stet_minhash_similarity(sig, len, sig, len - 4) == -1, "cut signature compared");
  FUZZ_CHECK(stet_minhash_similarity(sig, STET_MH_HEADER, sig, STET_MH_HEADER) == -1,
             "empty signature compared");

  stet_minhash_opts o2 = o;
  o2.shingle = o.shingle == 1 ? 2 : 1;
  unsigned char *k2 = sign(&ctx, s, n, &o2);
  FUZZ_CHECK(stet_minhash_similarity(sig, len, k2, len) == -1, "signatures of other k compared");
  free(k2);
  /* arbitrary bytes as signatures: any answer in [0, 1] or -1, no crash */
  sim = stet_minhash_similarity((const unsigned char *)s, n, (const unsigned char *)s, n);
  FUZZ_CHECK(sim == -1 || sim == 1.0, "bytes against themselves");

  free(sig);
  stet_mh_ctx_free(&ctx);
  stet_mh_ctx_free(&fresh);
  free(s);
  return 0;
}
