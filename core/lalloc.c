/* core/lalloc.c: the allocator of stet's Lua states (lalloc.h). */
#include "lalloc.h"

#include <stdlib.h>
#include <string.h>

/* STET_LALLOC_POOL keeps the pools in a sanitizer build (the fuzz target
 * core/fuzz/fuzz_lalloc.c checks them by their contents). */
#ifndef STET_LALLOC_POOL
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define PLAIN_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define PLAIN_MALLOC 1
#endif
#endif
#endif

#define CLASSES (STET_LALLOC_SMALL / 16)
#define CHUNK (64 * 1024)

struct stet_lalloc {
  void *free[CLASSES]; /* free blocks of each class, linked through their first word */
  char *bump, *end;    /* the unused end of the newest chunk */
  void **chunks;       /* every chunk, to free them at the end */
  size_t nchunks, capchunks;
};

stet_lalloc *stet_lalloc_new(void) {
  return calloc(1, sizeof(stet_lalloc));
}

void stet_lalloc_destroy(stet_lalloc *a) {
  if (!a) return;
  for (size_t i = 0; i < a->nchunks; i++) free(a->chunks[i]);
  free(a->chunks);
  free(a);
}

#ifndef PLAIN_MALLOC
/* The class of a small size n (1..STET_LALLOC_SMALL): blocks of 16 * (c + 1). */
static inline size_t class_of(size_t n) {
  return (n - 1) >> 4;
}

/* A new chunk to carve blocks from. 0, or -1 on ENOMEM. */
static int new_chunk(stet_lalloc *a) {
  if (a->nchunks == a->capchunks) {
    size_t cap = a->capchunks ? a->capchunks * 2 : 64;
    void **c = realloc(a->chunks, cap * sizeof *c);
    if (!c) return -1;
    a->chunks = c;
    a->capchunks = cap;
  }
  char *p = malloc(CHUNK);
  if (!p) return -1;
  a->chunks[a->nchunks++] = p;
  a->bump = p;
  a->end = p + CHUNK;
  return 0;
}

static void *get(stet_lalloc *a, size_t n) {
  if (n > STET_LALLOC_SMALL) return malloc(n);
  size_t c = class_of(n);
  void *p = a->free[c];
  if (p) {
    a->free[c] = *(void **)p;
    return p;
  }
  size_t size = (c + 1) << 4;
  if ((size_t)(a->end - a->bump) < size) {
    /* the rest of the chunk goes to the free lists, largest class first */
    while (a->bump && (size_t)(a->end - a->bump) >= 16) {
      size_t k = (size_t)(a->end - a->bump) >> 4;
      if (k > CLASSES) k = CLASSES;
      *(void **)a->bump = a->free[k - 1];
      a->free[k - 1] = a->bump;
      a->bump += k << 4;
    }
    if (new_chunk(a)) return NULL;
  }
  p = a->bump;
  a->bump += size;
  return p;
}

static void put(stet_lalloc *a, void *p, size_t n) {
  if (n > STET_LALLOC_SMALL) {
    free(p);
    return;
  }
  size_t c = class_of(n);
  *(void **)p = a->free[c];
  a->free[c] = p;
}

#endif

void *stet_lalloc_fn(void *ud, void *ptr, size_t osize, size_t nsize) {
#ifdef PLAIN_MALLOC
  (void)ud;
  (void)osize;
  if (nsize == 0) {
    free(ptr);
    return NULL;
  }
  return realloc(ptr, nsize);
#else
  stet_lalloc *a = ud;
  if (nsize == 0) {
    if (ptr) put(a, ptr, osize);
    return NULL;
  }
  if (!ptr) return get(a, nsize);
  if (osize > STET_LALLOC_SMALL && nsize > STET_LALLOC_SMALL) return realloc(ptr, nsize);
  if (osize <= STET_LALLOC_SMALL && nsize <= STET_LALLOC_SMALL && class_of(osize) == class_of(nsize))
    return ptr;
  void *q = get(a, nsize);
  if (!q) return NULL; /* Lua keeps the old block */
  memcpy(q, ptr, osize < nsize ? osize : nsize);
  put(a, ptr, osize);
  return q;
#endif
}
