/* core/buf.h: a growable byte buffer, the output type of the C primitives.
 *
 * The buffer owns its memory: stet_buf_free releases it. Functions that take
 * a stet_buf append to it; on allocation failure they return -1 and leave
 * what was already in the buffer intact. */
#ifndef STET_BUF_H
#define STET_BUF_H

#include <stddef.h>
#include <string.h>

typedef struct stet_buf {
  char *data;   /* owned; NULL until the first append */
  size_t len;   /* bytes in use */
  size_t cap;   /* bytes allocated */
} stet_buf;

#define STET_BUF_INIT {NULL, 0, 0}

/* Grows the buffer to room for at least `extra` more bytes (the slow path
 * of stet_buf_reserve). 0 on success, -1 on ENOMEM. */
int stet_buf_grow(stet_buf *b, size_t extra);

/* Makes room for at least `extra` more bytes. 0 on success, -1 on ENOMEM.
 * (Inline: most calls find the room there, and the appends of records and
 * dumps are many and small.) */
static inline int stet_buf_reserve(stet_buf *b, size_t extra) {
  return b->cap - b->len >= extra ? 0 : stet_buf_grow(b, extra);
}

/* Appends n bytes. 0 on success, -1 on ENOMEM. */
static inline int stet_buf_append(stet_buf *b, const void *p, size_t n) {
  if (b->cap - b->len < n && stet_buf_grow(b, n)) return -1;
  if (n) {
    memcpy(b->data + b->len, p, n);
    b->len += n;
  }
  return 0;
}
/* Frees the memory and resets the buffer to empty. */
void stet_buf_free(stet_buf *b);

/* The room a scratch buffer keeps from one document to the next: one that
 * grew past it for a big document is freed once that document is done
 * (stet_buf_trim), so that its size is not held through the rest of the
 * run beside the next big document's buffers. News documents need far
 * less. */
#define STET_BUF_KEEP ((size_t)16 << 20)

/* Frees the buffer when it has more than keep bytes allocated. */
static inline void stet_buf_trim(stet_buf *b, size_t keep) {
  if (b->cap > keep) stet_buf_free(b);
}

/* Appends one byte; the caller has reserved room. */
static inline void stet_buf_put_unchecked(stet_buf *b, char c) {
  b->data[b->len++] = c;
}

#endif
