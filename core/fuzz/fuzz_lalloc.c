/* core/fuzz/fuzz_lalloc.c: libFuzzer harness for the Lua states' allocator
 * (core/lalloc.c), with its pools on (a sanitizer build would otherwise
 * hand every block to malloc).
 *
 * The input is a list of operations: allocate n bytes, free a live block,
 * resize a live block. Every live block is filled with a pattern of its
 * own; checked on every operation: the block about to be freed or resized
 * still holds its pattern (no other block overlaps it), a resize keeps the
 * common prefix, and blocks are 16-byte aligned. */
#include <stdint.h>
#include <string.h>

#define STET_LALLOC_POOL 1
#define stet_lalloc_new fuzz_lalloc_new
#define stet_lalloc_fn fuzz_lalloc_fn
#define stet_lalloc_destroy fuzz_lalloc_destroy
#include "../lalloc.c"

#include "fuzz.h"

#define LIVE 512

typedef struct block {
  unsigned char *p;
  size_t n;
  unsigned char tag;
} block;

static void fill(block *b) {
  for (size_t i = 0; i < b->n; i++) b->p[i] = (unsigned char)(b->tag + i * 7);
}

static void check(const block *b, size_t upto) {
  for (size_t i = 0; i < upto && i < b->n; i++)
    FUZZ_CHECK(b->p[i] == (unsigned char)(b->tag + i * 7), "a block's contents changed");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_in in = {data, size};
  stet_lalloc *a = fuzz_lalloc_new();
  FUZZ_CHECK(a != NULL, "oom");
  block live[LIVE];
  size_t nlive = 0;
  unsigned char tag = 1;
  while (in.n) {
    unsigned op = fuzz_byte(&in), lo = fuzz_byte(&in), hi = fuzz_byte(&in);
    size_t n = ((size_t)(hi & 3) << 8 | lo) + 1; /* 1..1024: both sides of the small limit */
    if (op % 3 == 0 || nlive == 0) {
      if (nlive == LIVE) continue;
      block *b = &live[nlive];
      b->p = fuzz_lalloc_fn(a, NULL, op & 7, n); /* osize carries a type tag on allocation */
      FUZZ_CHECK(b->p != NULL, "oom");
      FUZZ_CHECK(((uintptr_t)b->p & 15) == 0, "a block is not 16-byte aligned");
      b->n = n;
      b->tag = tag++;
      fill(b);
      nlive++;
    } else if (op % 3 == 1) {
      size_t k = (size_t)hi % nlive;
      check(&live[k], live[k].n);
      FUZZ_CHECK(fuzz_lalloc_fn(a, live[k].p, live[k].n, 0) == NULL, "free returns NULL");
      live[k] = live[--nlive];
    } else {
      size_t k = (size_t)op % nlive;
      block *b = &live[k];
      check(b, b->n);
      unsigned char *q = fuzz_lalloc_fn(a, b->p, b->n, n);
      FUZZ_CHECK(q != NULL, "oom");
      size_t keep = b->n < n ? b->n : n;
      b->p = q;
      check(b, keep);
      b->n = n;
      fill(b);
    }
  }
  for (size_t k = 0; k < nlive; k++) {
    check(&live[k], live[k].n);
    fuzz_lalloc_fn(a, live[k].p, live[k].n, 0);
  }
  fuzz_lalloc_destroy(a);
  return 0;
}
