/* core/lalloc.h: the memory allocator of stet's Lua states.
 *
 * A Lua state allocates and frees many small blocks per document (tables,
 * short strings, closures). Lua tells the allocator the size of every
 * block it frees or resizes, so blocks of up to STET_LALLOC_SMALL bytes
 * need no header: they come in 16-byte size classes from 64 KB chunks and
 * go back to a free list of their class; larger blocks are malloc's. The
 * chunks are returned when the allocator is destroyed, after lua_close.
 * One allocator serves one state and so one thread at a time. Sanitizer
 * builds use malloc for everything, so ASan still sees every block. */
#ifndef STET_LALLOC_H
#define STET_LALLOC_H

#include <stddef.h>

#define STET_LALLOC_SMALL 512

typedef struct stet_lalloc stet_lalloc;

/* A new allocator, or NULL on ENOMEM. */
stet_lalloc *stet_lalloc_new(void);

/* The lua_Alloc function; ud is the stet_lalloc. */
void *stet_lalloc_fn(void *ud, void *ptr, size_t osize, size_t nsize);

/* Frees the allocator and every chunk (the state must be closed). */
void stet_lalloc_destroy(stet_lalloc *a);

#endif
