/* core/segment.h: paragraphs, sentences, words and grapheme clusters.
 *
 * The boundary finders follow the default rules of Unicode UAX #29 (Text
 * Segmentation) with property tables generated into build/gen/segprops.h.
 * Every function works on bytes s[0..n) of UTF-8 and reports byte offsets;
 * a span is [start, stop), stop exclusive. An ill-formed byte sequence counts
 * as one character of class Other, so no input makes a finder fail.
 *
 * The *_next functions return the next boundary after pos (pos < n must be a
 * boundary: 0 or a value a previous call returned); the last one is n. The
 * *_each functions call fn(ud, start, stop) for each span in order, stop
 * early and return fn's value when it returns nonzero, and return 0
 * otherwise. Nothing here allocates except stet_abbrevs. */
#ifndef STET_SEGMENT_H
#define STET_SEGMENT_H

#include <stddef.h>
#include <stdint.h>

typedef int (*stet_span_fn)(void *ud, size_t start, size_t stop);

/* UAX #29 extended grapheme cluster boundary after pos. */
size_t stet_grapheme_next(const char *s, size_t n, size_t pos);

/* UAX #29 word boundary after pos. When wordlike is not NULL, *wordlike is
 * set to 1 when the segment holds a letter, number or ideograph (General
 * Category L*, Nd, Nl, No), else 0. */
size_t stet_word_next(const char *s, size_t n, size_t pos, int *wordlike);

/* UAX #29 sentence boundary after pos. */
size_t stet_sentence_next(const char *s, size_t n, size_t pos);

/* Calls fn(ud, start, stop) for each word-like UAX #29 word segment of
 * s[0..n) (contains a letter, number or ideograph... as UAX #29 "word-like"),
 * in order, byte offsets, stop exclusive. Stops early and returns fn's value
 * if fn returns nonzero; returns 0 otherwise. */
int stet_words_each(const char *s, size_t n, stet_span_fn fn, void *ud);

/* The same segments as stet_words_each, found by the general rules alone
 * (stet_word_next from each boundary): slow, the reference for tests. */
int stet_words_each_reference(const char *s, size_t n, stet_span_fn fn, void *ud);

/* Paragraphs: runs of lines separated by one or more blank lines (a line of
 * only spaces, tabs, CR, FF or VT is blank), trimmed of that white space at
 * both ends. With lines nonzero every non-blank line is a paragraph. Line
 * ends are "\n" (a CR before it is trimmed as white space). */
int stet_paragraphs_each(const char *s, size_t n, int lines, stet_span_fn fn, void *ud);

/* stet_paragraphs_each (lines 0) for a text whose newlines are known to
 * be exactly at nl[0..k), in increasing order (the JSON scanner notes
 * them for a line of JSON Lines): the text is not searched for them, only
 * the start of each line is looked at. The same spans. */
int stet_paragraphs_at(const char *s, size_t n, const uint32_t *nl, size_t k, stet_span_fn fn,
                       void *ud);

/* Blank bytes of the paragraph splitters: space, "\t" to "\r" (the set of
 * bytemask.h's stet_is_blank, which this public header does not include). */
static inline int stet_par_blank(unsigned char c) {
  return c == ' ' || (unsigned char)(c - '\t') <= '\r' - '\t';
}

/* fn(ud, a, b) for s[a..b) without its blank ends, unless all blank. */
static inline __attribute__((always_inline)) int
stet_par_emit(const char *s, size_t a, size_t b, stet_span_fn fn, void *ud) {
  while (a < b && stet_par_blank((unsigned char)s[a])) a++;
  while (b > a && stet_par_blank((unsigned char)s[b - 1])) b--;
  return a < b ? fn(ud, a, b) : 0;
}

/* stet_paragraphs_at itself, for a caller that expands it with a constant
 * fn, which is then inlined (core/lua_counter.c: a call per paragraph
 * was a tenth of what splitting a JSON line's text cost). */
static inline __attribute__((always_inline)) int
stet_paragraphs_at_inline(const char *str, size_t n, const uint32_t *nl, size_t k,
                          stet_span_fn fn, void *ud) {
  const unsigned char *s = (const unsigned char *)str;
  size_t line = 0;          /* the start of the line at hand */
  size_t par = (size_t)-1;  /* the start of the paragraph under way, if any */
  size_t last = 0;          /* the end of its last non-blank line */
  for (size_t j = 0; j <= k; j++) {
    size_t end = j < k ? nl[j] : n;
    size_t a = line;
    while (a < end && stet_par_blank(s[a])) a++;
    if (a < end) { /* a non-blank line */
      if (par == (size_t)-1) par = a;
      last = end;
    } else if (par != (size_t)-1) { /* a blank line ends the paragraph */
      int r = stet_par_emit(str, par, last, fn, ud);
      if (r) return r;
      par = (size_t)-1;
    }
    line = end + 1;
  }
  return par != (size_t)-1 ? stet_par_emit(str, par, last, fn, ud) : 0;
}

/* stet_paragraphs_each with the block masks chosen, for tests: 0 the
 * baseline (SSE2 on x86_64), 1 AVX2 when the CPU has it, -1 the best the
 * CPU has. */
int stet_paragraphs_each_simd(const char *s, size_t n, int lines, stet_span_fn fn, void *ud,
                              int simd);

/* A set of abbreviations for the news-aware sentence rules: words written
 * before a final period ("Mr" for "Mr."), and the capitalized words that
 * start a new sentence after an abbreviation that may end one. */
typedef struct stet_abbrevs stet_abbrevs;

typedef enum {
  STET_ABBR_NONE = 0,     /* not in the set (adding it removes a word) */
  STET_ABBR_TITLE = 1,    /* never ends a sentence: Mr., Dr., Sen. */
  STET_ABBR_MAYEND = 2,   /* ends one only before a starter: U.S., Inc. */
  STET_ABBR_STARTER = 3   /* a word that starts sentences: The, He, But */
} stet_abbr_kind;

/* A new empty set, or NULL when memory runs out. Free with stet_abbrevs_free. */
stet_abbrevs *stet_abbrevs_new(void);
void stet_abbrevs_free(stet_abbrevs *a);
/* Sets the kind of word w[0..len) (a trailing "." is ignored; empty words
 * are ignored). Returns 0, or -1 when memory runs out. */
int stet_abbrevs_set(stet_abbrevs *a, const char *w, size_t len, stet_abbr_kind kind);
/* The kind of w[0..len), STET_ABBR_NONE when absent. */
stet_abbr_kind stet_abbrevs_get(const stet_abbrevs *a, const char *w, size_t len);

/* News-aware sentences: the UAX #29 sentence boundaries, minus those after
 * a title abbreviation, an initial ("W."), an initialism ("U.S.") or a
 * listed abbreviation unless the next word is a starter, and minus those
 * before a sentence that begins with a lower-case letter ("Stop!" he said).
 * Spans are trimmed of white space; empty ones are skipped. A line end is
 * always a boundary. abbrevs may be NULL (pure UAX #29, trimmed). */
int stet_sentences_each(const char *s, size_t n, const stet_abbrevs *abbrevs,
                        stet_span_fn fn, void *ud);

#endif
