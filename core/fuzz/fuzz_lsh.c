/* core/fuzz/fuzz_lsh.c: libFuzzer harness for the LSH index (core/lsh.h).
 *
 * Two bytes choose bands (1..8), rows of 4-byte values per band (1..4)
 * and the cluster threshold; the rest is cut at '\n' into texts, and each
 * text adds one signature: the MinHash values of the text (every other
 * text) or the text's own bytes, repeated to the signature's length (so
 * that equal bands are common). Checked against brute force over all
 * pairs: stet_lsh_candidates reports, once each, exactly the signatures
 * that share a band byte for byte (the signature itself included) and
 * leaves `seen` all zero; stet_lsh_clusters gives each signature the
 * smallest number of its connected component over the candidate pairs
 * whose equal values / values is at least the threshold. */
#include <string.h>

#include "fuzz.h"
#include "lsh.h"
#include "minhash.h"

#define MAX_SIGS 300

typedef struct hits {
  unsigned *count; /* times each signature was reported */
} hits;

static void on_candidate(void *ud, size_t i) {
  hits *h = ud;
  h->count[i]++;
}

static uint32_t find(uint32_t *r, uint32_t i) {
  while (r[i] != i) i = r[i];
  return i;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_in in = {data, size};
  unsigned b0 = fuzz_byte(&in), b1 = fuzz_byte(&in);
  size_t bands = 1 + (b0 & 7), width = 4 * (1 + ((b0 >> 3) & 3)), sb = bands * width;
  double threshold = (double)b1 / 255.0;
  stet_lsh *x = stet_lsh_new(bands, width);
  if (!x) abort();
  stet_minhash_opts o;
  stet_minhash_defaults(&o);
  o.shingle = 1 + (int)((b0 >> 5) & 3);
  o.hashes = (int)(sb / 4);
  unsigned char *mh = malloc(stet_minhash_size(&o));
  unsigned char *sigs = malloc(MAX_SIGS * sb);
  if (!mh || !sigs) abort();
  stet_mh_ctx ctx = STET_MH_CTX_INIT;
  size_t n = 0, a = 0;
  const char *t = (const char *)in.p;
  for (size_t i = 0; i <= in.n && n < MAX_SIGS; i++) {
    if (i < in.n && t[i] != '\n') continue;
    unsigned char *sig = sigs + n * sb;
    if (n % 2 == 0) {
      FUZZ_CHECK(stet_minhash(&ctx, t + a, i - a, &o, mh) == 0, "minhash failed");
      memcpy(sig, mh + STET_MH_HEADER, sb);
    } else {
      for (size_t k = 0; k < sb; k++) sig[k] = i > a ? (unsigned char)t[a + k % (i - a)] : 0;
    }
    FUZZ_CHECK(stet_lsh_add(x, sig) == 0, "lsh add failed");
    n++;
    a = i + 1;
  }
  FUZZ_CHECK(x->n == n, "index size differs from the adds");

  /* candidates against brute force */
  unsigned char *seen = calloc(n + 1, 1);
  hits h = {calloc(n + 1, sizeof *h.count)};
  if (!seen || !h.count) abort();
  for (size_t i = 0; i < n; i++) {
    memset(h.count, 0, n * sizeof *h.count);
    stet_lsh_candidates(x, sigs + i * sb, seen, on_candidate, &h);
    for (size_t j = 0; j < n; j++) {
      int share = 0;
      for (size_t b = 0; b < bands && !share; b++)
        share = memcmp(sigs + i * sb + b * width, sigs + j * sb + b * width, width) == 0;
      FUZZ_CHECK(h.count[j] == (unsigned)share, "candidates differ from the band-sharing pairs");
      FUZZ_CHECK(seen[j] == 0, "seen not cleared");
    }
  }

  /* clusters against brute force */
  uint32_t *root = malloc((n + 1) * sizeof *root), *ref = malloc((n + 1) * sizeof *ref);
  if (!root || !ref) abort();
  if (stet_lsh_clusters(x, threshold, root)) abort();
  for (size_t i = 0; i < n; i++) ref[i] = (uint32_t)i;
  size_t nv = sb / 4;
  for (size_t i = 0; i < n; i++)
    for (size_t j = i + 1; j < n; j++) {
      const unsigned char *p = sigs + i * sb, *q = sigs + j * sb;
      int share = 0;
      for (size_t b = 0; b < bands && !share; b++)
        share = memcmp(p + b * width, q + b * width, width) == 0;
      if (!share) continue;
      size_t same = 0;
      for (size_t v = 0; v < nv; v++) same += memcmp(p + 4 * v, q + 4 * v, 4) == 0;
      if ((double)same / (double)nv < threshold) continue;
      uint32_t ri = find(ref, (uint32_t)i), rj = find(ref, (uint32_t)j);
      if (ri < rj) ref[rj] = ri;
      else ref[ri] = rj;
    }
  for (size_t i = 0; i < n; i++) {
    FUZZ_CHECK(root[i] <= i && root[root[i]] == root[i], "cluster root is not the smallest");
    FUZZ_CHECK(root[i] == find(ref, (uint32_t)i), "clusters differ from brute force");
  }

  free(root);
  free(ref);
  free(seen);
  free(h.count);
  free(mh);
  free(sigs);
  stet_mh_ctx_free(&ctx);
  stet_lsh_free(x);
  return 0;
}
