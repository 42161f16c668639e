/* core/fingerprint.h: paragraph fingerprints.
 *
 * The key of a paragraph is its text brought to NFKC, case folded, with
 * every decimal digit (general category Nd) turned into "0" and every
 * character of general category P*, S*, C* or Z* removed. Paragraphs that
 * differ only in case, spacing, punctuation, quote style or numbers share a
 * key on purpose. The fingerprint is XXH3-64 of the key with a fixed seed, so
 * it is the same on every machine and every run.
 *
 * ASCII is handled by a table lookup per byte with no allocation; only the
 * spans of non-ASCII text that fail the Unicode quick check go through
 * stet_normalize. A stet_fp_ctx holds the reusable buffers: one per thread,
 * never shared. */
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

typedef struct stet_fp_ctx {
  stet_buf key;  /* the last key built */
  stet_buf norm; /* scratch for normalized spans */
} stet_fp_ctx;

#define STET_FP_CTX_INIT {STET_BUF_INIT, STET_BUF_INIT}

/* Frees the buffers of ctx (which may be reused afterwards). */
void stet_fp_ctx_free(stet_fp_ctx *ctx);

/* Builds the key of s[0..n) in ctx->key (replacing what was there).
 * Returns 0, or -1 when memory ran out. */
int stet_fingerprint_key(stet_fp_ctx *ctx, const char *s, size_t n);

/* The fingerprint of s[0..n) into *fp. Returns 0, or -1 on ENOMEM. */
int stet_fingerprint(stet_fp_ctx *ctx, const char *s, size_t n, uint64_t *fp);

/* The fingerprint of a whole body (the same key, another seed), for exact
 * duplicate detection. Returns 0, or -1 on ENOMEM. */
int stet_body_fingerprint(stet_fp_ctx *ctx, const char *s, size_t n, uint64_t *fp);

/* XXH3 of a key with seed, never STET_FP_EMPTY for a non-empty key. */
uint64_t stet_fp_hash(const char *key, size_t n, uint64_t seed);

#endif
