/* core/fuzz/fuzz.h: what the libFuzzer harnesses (core/fuzz/fuzz_*.c) share:
 * the entry point's prototype, a check that aborts with a message (so that
 * libFuzzer keeps the input as a crash), and a reader that takes option
 * bytes off the front of the input. */
#ifndef STET_FUZZ_H
#define STET_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond, what)                                                    \
  do {                                                                            \
    if (!(cond)) {                                                                \
      fprintf(stderr, "fuzz check failed: %s (%s:%d)\n", what, __FILE__, __LINE__); \
      abort();                                                                    \
    }                                                                             \
  } while (0)

/* The input not yet consumed. */
typedef struct fuzz_in {
  const uint8_t *p;
  size_t n;
} fuzz_in;

/* The next byte, or 0 when the input is used up. */
static inline unsigned fuzz_byte(fuzz_in *in) {
  if (!in->n) return 0;
  in->n--;
  return *in->p++;
}

/* The next k bytes (fewer when the input ends); their count in *got. */
static inline const uint8_t *fuzz_bytes(fuzz_in *in, size_t k, size_t *got) {
  const uint8_t *p = in->p;
  if (k > in->n) k = in->n;
  in->p += k;
  in->n -= k;
  *got = k;
  return p;
}

/* A copy of p[0..n) in its own allocation, so that ASan sees any read past
 * the end (libFuzzer's own buffer is exact too, but slices of it are not). */
static inline char *fuzz_copy(const void *p, size_t n) {
  char *c = malloc(n ? n : 1);
  if (!c) abort();
  for (size_t i = 0; i < n; i++) c[i] = ((const char *)p)[i];
  return c;
}

#endif
