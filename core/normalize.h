/* core/normalize.h: UTF-8 repair and normalization of scraped text.
 *
 * One pass over the input repairs ill-formed UTF-8 (each maximal subpart
 * becomes U+FFFD), unifies line endings, maps odd spaces, drops zero-width
 * and control characters, optionally maps typographic quotes, and brings the
 * text into a Unicode normalization form. Text that needs none of that is not
 * copied at all; ASCII runs are scanned 16 bytes at a time and only the spans
 * that fail the Unicode quick check go through libutf8proc. */
#ifndef STET_NORMALIZE_H
#define STET_NORMALIZE_H

#include <stddef.h>

#include "buf.h"

typedef enum {
  STET_FORM_NONE = 0,
  STET_FORM_NFC,
  STET_FORM_NFD,
  STET_FORM_NFKC,
  STET_FORM_NFKD
} stet_form;

typedef struct stet_norm_opts {
  stet_form form; /* default NFC */
  int casefold;   /* full Unicode case folding (default off) */
  int newlines;   /* CRLF, CR, NEL, U+2028, U+2029 -> "\n" (default on) */
  int spaces;     /* odd spaces -> " ", zero-width removed, trailing spaces
                     trimmed (default on) */
  int controls;   /* C0/C1 controls other than \n and \t removed (default on);
                     CR and NEL count as line endings, left alone when
                     newlines is off */
  int quotes;     /* curly quotes and primes -> ASCII, dashes -> "-",
                     ellipsis -> "..." (default off) */
  int mojibake;   /* repair UTF-8 that was decoded as cp1252/Latin-1 (off) */
} stet_norm_opts;

typedef struct stet_norm_stats {
  size_t repaired; /* ill-formed sequences replaced by U+FFFD */
  size_t mojibake; /* mojibake sequences repaired */
} stet_norm_stats;

/* Fills o with the defaults listed above. */
void stet_norm_defaults(stet_norm_opts *o);

/* Fills o for keys that compare text loosely (fingerprints, MinHash words):
 * NFKC with case folding and no line, space or control cleanup. */
void stet_norm_fold_opts(stet_norm_opts *o);

/* Normalizes in[0..n) according to o, adding to *st (which the caller zeroes).
 * Returns 0 when the result equals the input: nothing was written to out and
 * the caller may reuse the input. Returns 1 when the result was appended to
 * out, and -1 when memory ran out (out then holds a partial result that the
 * caller frees). */
int stet_normalize(const char *in, size_t n, const stet_norm_opts *o,
                   stet_buf *out, stet_norm_stats *st);

/* stet_normalize with the scan for plain ASCII chosen, for tests: 0 the
 * baseline (SSE2 on x86_64), 1 AVX2 when the CPU has it, -1 the best the
 * CPU has (what stet_normalize does). */
int stet_normalize_simd(const char *in, size_t n, const stet_norm_opts *o,
                        stet_buf *out, stet_norm_stats *st, int simd);

/* Repairs mojibake (see core/mojibake.c for how it decides), up to three
 * rounds for text encoded wrongly more than once. Same return convention as
 * stet_normalize; *fixed counts repaired sequences. */
int stet_mojibake_repair(const char *in, size_t n, stet_buf *out, size_t *fixed);

#endif
