/* core/fingerprint.h: paragraph fingerprints.
 *
 * The key of a paragraph is its text brought to NFKC, case folded, with
 * every decimal digit (general category Nd) turned into "0" and every
 * character of general category P*, S*, C* or Z* removed. Paragraphs that
 * differ only in case, spacing, punctuation, quote style or numbers share a
 * key on purpose. The fingerprint is XXH3-64 of the key with a fixed seed, so
 * it is the same on every machine and every run.
 *
 * ASCII is keyed 16 or 32 bytes at a time with no allocation; only the
 * spans of non-ASCII text that fail the Unicode quick check go through
 * stet_normalize (and a character alone in such a span only the first time
 * a context meets it). A stet_fp_ctx holds the reusable buffers and caches:
 * one per thread, never shared. */
#ifndef STET_FINGERPRINT_H
#define STET_FINGERPRINT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* The fingerprint of an empty key (text of only punctuation, symbols and
 * spaces). A non-empty key never gets this value, and counting tables
 * never count it. */
#define STET_FP_EMPTY UINT64_C(0)

/* Seeds of XXH3: paragraph keys and whole bodies hash differently, so a
 * one-paragraph body and its paragraph do not share a fingerprint. */
#define STET_FP_SEED UINT64_C(0x7374657466703031)   /* "stetfp01" */
#define STET_BODY_SEED UINT64_C(0x73746574626f6479) /* "stetbody" */

/* Ways to key ASCII runs, for stet_fp_ctx.path: STET_FP_BEST picks the
 * widest the processor has; the others cap it (specs and the fuzz target
 * compare them). Every path gives the same bytes. */
enum {
  STET_FP_BEST = 0,   /* AVX2 when present, else SSSE3, else SSE2 */
  STET_FP_SCALAR = 1, /* a table lookup per byte */
  STET_FP_SSE2 = 2,   /* 16 bytes at a time, packed byte by byte */
  STET_FP_SSSE3 = 3,  /* 16 bytes, packed with byte shuffles */
  STET_FP_AVX2 = 4    /* 32 bytes, packed with byte shuffles */
};

typedef struct stet_fp_ctx {
  stet_buf key;        /* the last key built */
  stet_buf norm;       /* scratch for normalized spans */
  unsigned char *acts; /* what each BMP code point does (allocated on
                          first use, filled as met), see fingerprint.c */
  void *hard;          /* the keys of recent characters that need
                          normalizing (fingerprint.c), or NULL */
  int path;            /* STET_FP_BEST or a cap; STET_FP_SCALAR also
                          leaves both caches unused */
} stet_fp_ctx;

#define STET_FP_CTX_INIT {STET_BUF_INIT, STET_BUF_INIT, NULL, NULL, STET_FP_BEST}

/* Frees the buffers of ctx (which may be reused afterwards). */
void stet_fp_ctx_free(stet_fp_ctx *ctx);

/* Builds the key of s[0..n) in ctx->key (replacing what was there).
 * Returns 0, or -1 when memory ran out. */
int stet_fingerprint_key(stet_fp_ctx *ctx, const char *s, size_t n);

/* The fingerprint of s[0..n) into *fp. Returns 0, or -1 on ENOMEM. */
int stet_fingerprint(stet_fp_ctx *ctx, const char *s, size_t n, uint64_t *fp);

/* stet_fingerprint_key and stet_fingerprint for text followed by `slack`
 * more readable bytes (s[n..n + slack), whatever they hold, e.g. the rest
 * of a file buffer): with 32 or more the wide loads may run past the end
 * instead of copying the last bytes aside. Same keys and values. */
int stet_fingerprint_key_in(stet_fp_ctx *ctx, const char *s, size_t n, size_t slack);
int stet_fingerprint_in(stet_fp_ctx *ctx, const char *s, size_t n, size_t slack, uint64_t *fp);

/* A paragraph of a text: its span [start, stop) and its fingerprint. */
typedef struct stet_fp_span {
  size_t start, stop;
  uint64_t fp;
} stet_fp_span;

/* Fills the fp of spans[0..k), paragraphs of s (s[0..avail) readable, every
 * stop <= avail), as stet_fingerprint does, in one call (the path is
 * chosen once, the loops stay hot). 0, or -1 on ENOMEM. */
int stet_fingerprint_spans(stet_fp_ctx *ctx, const char *s, size_t avail, stet_fp_span *spans,
                           size_t k);

/* The path (STET_FP_SCALAR ... STET_FP_AVX2) ctx uses on this processor. */
int stet_fp_path(const stet_fp_ctx *ctx);

/* The fingerprint of a whole body (the same key, another seed), for exact
 * duplicate detection. Returns 0, or -1 on ENOMEM. */
int stet_body_fingerprint(stet_fp_ctx *ctx, const char *s, size_t n, uint64_t *fp);

/* XXH3 of a key with seed, never STET_FP_EMPTY for a non-empty key. */
uint64_t stet_fp_hash(const char *key, size_t n, uint64_t seed);

/* XXH3_64bits_withSeed built for AVX2 (core/fphash_avx2.c): only on CPUs
 * that have it (stet_have_avx2). */
uint64_t stet_xxh3_avx2(const void *p, size_t n, uint64_t seed);

#endif
