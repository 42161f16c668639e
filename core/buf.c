/* core/buf.c: the growable byte buffer of buf.h. */
#include "buf.h"

#include <stdlib.h>

int stet_buf_grow(stet_buf *b, size_t extra) {
  if (b->cap - b->len >= extra) return 0;
  if (extra > (size_t)-1 / 2 - b->len) return -1;
  size_t need = b->len + extra;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < need) cap += cap / 2 + 64;
  char *p = realloc(b->data, cap);
  if (!p) return -1;
  b->data = p;
  b->cap = cap;
  return 0;
}

void stet_buf_free(stet_buf *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}
