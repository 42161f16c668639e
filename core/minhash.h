/* core/minhash.h: MinHash signatures over word shingles, for near-duplicate
 * detection.
 *
 * Words come from stet_words_each (core/segment.h); each is case folded
 * (NFKC + full case folding; ASCII words are just lowercased) and hashed
 * to 32 bits: a folded word of at most 16 ASCII bytes by NH (two 32 x 32
 * bit products of its halves under fixed keys), any other by XXH3. A
 * shingle is k consecutive words (a text of fewer than k words is one
 * shingle); its hash is the sum of its word hashes times a multiplier per
 * position, mod 2^32, mixed by the MurmurHash3 finalizer. The signature
 * uses one-permutation hashing: each shingle hash picks one of H bins by
 * its high bits and the bin keeps the minimum hash; empty bins are then
 * filled by "optimal densification" (each empty bin copies the bin that a
 * fixed hash sequence of its index first reaches among the originally
 * filled ones). The cost is one hash per word and per shingle plus O(H),
 * whatever H is. The fraction of equal bins of two signatures estimates
 * the Jaccard similarity of the shingle sets.
 *
 * A signature is a byte string: "M", format version 2, k, 0, then H
 * little-endian 32-bit values. A text without words has every value
 * 0xFFFFFFFF. Version 1 hashed words and shingles to 64 bits with XXH3
 * and multiply-xorshift rounds; its signatures compare with none of
 * version 2 (stet_minhash_similarity gives -1). */
#ifndef STET_MINHASH_H
#define STET_MINHASH_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define STET_MH_HEADER 4
#define STET_MH_VERSION 2
#define STET_MH_MAX_HASHES 8192
#define STET_MH_MAX_SHINGLE 255

typedef struct stet_minhash_opts {
  int shingle; /* words per shingle, 1..255 (default 5) */
  int hashes;  /* signature values, 1..8192 (default 112) */
} stet_minhash_opts;

/* Reusable buffers; one per thread. */
typedef struct stet_mh_ctx {
  uint32_t *words;  /* word hashes of the text */
  size_t nwords, words_cap;
  uint64_t *bins;   /* minimum per bin, UINT64_MAX when empty */
  size_t bins_cap;
  stet_buf fold;    /* a case-folded word */
  const char *text; /* the text being hashed */
  int failed;
  struct mh_run *run; /* the fast path's state (core/minhash.c) */
} stet_mh_ctx;

#define STET_MH_CTX_INIT {NULL, 0, 0, NULL, 0, STET_BUF_INIT, NULL, 0, NULL}

void stet_mh_ctx_free(stet_mh_ctx *ctx);
void stet_minhash_defaults(stet_minhash_opts *o);

/* Bytes of a signature with o->hashes values. */
size_t stet_minhash_size(const stet_minhash_opts *o);

/* Writes the signature of s[0..n) to out (stet_minhash_size bytes).
 * Returns 0, or -1 on ENOMEM. */
int stet_minhash(stet_mh_ctx *ctx, const char *s, size_t n, const stet_minhash_opts *o,
                 unsigned char *out);

/* The same signature by the slow reference path (the general word rules,
 * every word hash kept), for tests. */
int stet_minhash_reference(stet_mh_ctx *ctx, const char *s, size_t n,
                           const stet_minhash_opts *o, unsigned char *out);

/* stet_minhash with the word finder's mask code chosen as for
 * stet_words_each_simd (core/wordscan.h), for tests. */
int stet_minhash_simd(stet_mh_ctx *ctx, const char *s, size_t n, const stet_minhash_opts *o,
                      unsigned char *out, int simd);

/* The estimated Jaccard similarity of two signatures (0..1), or -1 when
 * they were not made with the same options (or are not signatures). */
double stet_minhash_similarity(const unsigned char *a, size_t alen,
                               const unsigned char *b, size_t blen);

#endif
