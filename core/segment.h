/* core/segment.h: TEMPORARY stand-in for the segmentation C API, so that
 * core/minhash.c builds before the real module lands. Only the interface
 * below is relied upon; the real header replaces this file. */
#ifndef STET_SEGMENT_H
#define STET_SEGMENT_H

#include <stddef.h>

typedef int (*stet_span_fn)(void *ud, size_t start, size_t stop);
/* Calls fn for each word-like UAX #29 word segment of s[0..n), byte offsets, stop exclusive. */
int stet_words_each(const char *s, size_t n, stet_span_fn fn, void *ud);

#endif
