/* core/fuzz/fuzz_segment.c: libFuzzer harness for core/segment.h.
 *
 * The first byte chooses a word for the abbreviation set and how the
 * callbacks stop; the rest is the text. Checked:
 *  - grapheme, word and sentence *_next: each boundary is after the last
 *    and at most n, so the segments cover the text in order; a grapheme
 *    boundary is never inside a UTF-8 character of the text;
 *  - stet_words_each reports exactly the segments of stet_word_next that
 *    are word-like, in order;
 *  - stet_paragraphs_each (blank-line paragraphs and lines) reports the
 *    spans of a byte-by-byte reference of its definition in segment.h:
 *    ordered, inside the text, trimmed, none empty; stet_paragraphs_at,
 *    given the newlines, the same spans;
 *  - stet_sentences_each without abbreviations reports the UAX #29
 *    sentences trimmed, empty ones left out; with a small abbreviation set
 *    its spans are ordered, trimmed, non-empty, and each starts and ends at
 *    a UAX #29 boundary up to white space (it only joins sentences);
 *  - a callback that returns nonzero stops the walk and its value comes
 *    back. */
#include <string.h>

#include "fuzz.h"
#include "segment.h"
#include "utf8.h"

typedef struct spans {
  size_t *v; /* start, stop pairs */
  size_t n, cap;
  size_t stop_after; /* return 7 from the callback at this span (0: never) */
} spans;

static void push(spans *s, size_t a, size_t b) {
  if (s->n + 2 > s->cap) {
    s->cap = s->cap ? s->cap * 2 : 64;
    s->v = realloc(s->v, s->cap * sizeof *s->v);
    if (!s->v) abort();
  }
  s->v[s->n++] = a;
  s->v[s->n++] = b;
}

static int collect(void *ud, size_t a, size_t b) {
  spans *s = ud;
  push(s, a, b);
  return s->stop_after && s->n / 2 == s->stop_after ? 7 : 0;
}

static int same_spans(const spans *a, const spans *b) {
  return a->n == b->n && (a->n == 0 || memcmp(a->v, b->v, a->n * sizeof *a->v) == 0);
}

static int is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }
static int blank(unsigned char c) { return c == ' ' || (unsigned char)(c - '\t') < 5; }
static int space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* Spans are ordered, non-overlapping, inside [0, n), non-empty, and their
 * first and last bytes are not `trim` bytes. */
static void check_spans(const spans *s, const char *t, size_t n, int (*trim)(unsigned char),
                        const char *what) {
  size_t prev = 0;
  for (size_t i = 0; i < s->n; i += 2) {
    size_t a = s->v[i], b = s->v[i + 1];
    if (!(a >= prev && a < b && b <= n)) fprintf(stderr, "%s: span %zu..%zu\n", what, a, b);
    FUZZ_CHECK(a >= prev && a < b && b <= n, "span out of order, empty or outside the text");
    if (trim) FUZZ_CHECK(!trim((unsigned char)t[a]) && !trim((unsigned char)t[b - 1]),
                         "span not trimmed");
    prev = b;
  }
}

/* Paragraphs as segment.h defines them, one line at a time. */
static void ref_paragraphs(const char *t, size_t n, int lines, spans *out) {
  size_t i = 0, par_start = 0, par_end = 0;
  int in_par = 0;
  while (i < n) {
    size_t e = i;
    while (e < n && t[e] != '\n') e++;
    int is_blank = 1;
    for (size_t k = i; k < e; k++)
      if (!blank((unsigned char)t[k])) { is_blank = 0; break; }
    if (is_blank || lines) {
      if (in_par) {
        size_t a = par_start, b = par_end;
        while (a < b && blank((unsigned char)t[a])) a++;
        while (b > a && blank((unsigned char)t[b - 1])) b--;
        if (a < b) push(out, a, b);
        in_par = 0;
      }
    }
    if (!is_blank) {
      if (!in_par) { par_start = i; in_par = 1; }
      par_end = e;
    }
    i = e + 1;
  }
  if (in_par) {
    size_t a = par_start, b = par_end;
    while (a < b && blank((unsigned char)t[a])) a++;
    while (b > a && blank((unsigned char)t[b - 1])) b--;
    if (a < b) push(out, a, b);
  }
}

/* Walks a *_next function over the text; the boundaries into *out. */
static void walk(const char *t, size_t n, int kind, spans *out, spans *wordlike) {
  size_t pos = 0;
  while (pos < n) {
    int wl = -1;
    size_t next = kind == 0 ? stet_grapheme_next(t, n, pos)
                : kind == 1 ? stet_word_next(t, n, pos, &wl)
                            : stet_sentence_next(t, n, pos);
    FUZZ_CHECK(next > pos && next <= n, "boundary not after the last one or past the end");
    if (kind == 0 && next < n) {
      /* inside a well-formed character there is never a boundary */
      size_t k = next;
      while (k > pos && is_cont((unsigned char)t[k]) && next - k < 3) k--;
      int32_t cp;
      size_t len = stet_utf8_decode((const unsigned char *)t + k, n - k, &cp);
      FUZZ_CHECK(k == next || cp == STET_UTF8_INVALID || k + len <= next,
                 "grapheme boundary inside a character");
    }
    if (kind == 1) {
      FUZZ_CHECK(wl == 0 || wl == 1, "word_next did not set wordlike");
      if (wl) push(wordlike, pos, next);
    }
    push(out, pos, next);
    pos = next;
  }
}

/* Trimmed, non-empty segments of `all`. */
static void trimmed(const char *t, const spans *all, spans *out) {
  for (size_t i = 0; i < all->n; i += 2) {
    size_t a = all->v[i], b = all->v[i + 1];
    while (a < b && space((unsigned char)t[a])) a++;
    while (b > a && space((unsigned char)t[b - 1])) b--;
    if (a < b) push(out, a, b);
  }
}

/* Whether position p is a boundary of `all` (0 and n included) when white
 * space between them is skipped in direction dir (-1 back, +1 forward). */
static int near_boundary(const char *t, size_t n, const unsigned char *isb, size_t p, int dir) {
  for (;;) {
    if (isb[p]) return 1;
    if (dir < 0) {
      if (p == 0 || !space((unsigned char)t[p - 1])) return 0;
      p--;
    } else {
      if (p >= n || !space((unsigned char)t[p])) return 0;
      p++;
    }
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_in in = {data, size};
  unsigned b0 = fuzz_byte(&in);
  char *t = fuzz_copy(in.p, in.n);
  size_t n = in.n;
  spans g = {0}, w = {0}, wl = {0}, sent = {0}, x = {0}, y = {0};

  walk(t, n, 0, &g, NULL);
  walk(t, n, 1, &w, &wl);
  walk(t, n, 2, &sent, NULL);

  /* words */
  FUZZ_CHECK(stet_words_each(t, n, collect, &x) == 0, "words_each returned nonzero");
  check_spans(&x, t, n, NULL, "words");
  FUZZ_CHECK(same_spans(&x, &wl), "words_each differs from the word-like word_next segments");
  if (x.n >= 2) {
    spans st = {0};
    st.stop_after = 1 + (b0 >> 4) % (x.n / 2);
    FUZZ_CHECK(stet_words_each(t, n, collect, &st) == 7, "words_each: stop value lost");
    FUZZ_CHECK(st.n / 2 == st.stop_after, "words_each went on after a stop");
    free(st.v);
  }

  /* paragraphs, both ways */
  for (int lines = 0; lines < 2; lines++) {
    x.n = y.n = 0;
    FUZZ_CHECK(stet_paragraphs_each(t, n, lines, collect, &x) == 0, "paragraphs_each nonzero");
    check_spans(&x, t, n, blank, lines ? "lines" : "paragraphs");
    ref_paragraphs(t, n, lines, &y);
    FUZZ_CHECK(same_spans(&x, &y), "paragraphs_each differs from the reference");
    y.n = 0;
    FUZZ_CHECK(stet_paragraphs_each_simd(t, n, lines, collect, &y, 0) == 0,
               "paragraphs_each (baseline masks) nonzero");
    FUZZ_CHECK(same_spans(&x, &y), "paragraphs_each: the AVX2 and baseline masks differ");
    if (!lines) { /* from the newlines' offsets, as a JSON line's scan notes them */
      uint32_t *nl = malloc((n ? n : 1) * sizeof *nl);
      if (!nl) abort();
      size_t k = 0;
      for (size_t i = 0; i < n; i++)
        if (t[i] == '\n') nl[k++] = (uint32_t)i;
      y.n = 0;
      FUZZ_CHECK(stet_paragraphs_at(t, n, nl, k, collect, &y) == 0, "paragraphs_at nonzero");
      FUZZ_CHECK(same_spans(&x, &y), "paragraphs_at differs from paragraphs_each");
      free(nl);
    }
    if (x.n >= 2) {
      spans st = {0};
      st.stop_after = 1 + (b0 >> 4) % (x.n / 2);
      FUZZ_CHECK(stet_paragraphs_each(t, n, lines, collect, &st) == 7,
                 "paragraphs_each: stop value lost");
      FUZZ_CHECK(st.n / 2 == st.stop_after, "paragraphs_each went on after a stop");
      free(st.v);
    }
  }

  /* sentences: plain UAX #29, then with abbreviations */
  x.n = y.n = 0;
  FUZZ_CHECK(stet_sentences_each(t, n, NULL, collect, &x) == 0, "sentences_each nonzero");
  trimmed(t, &sent, &y);
  FUZZ_CHECK(same_spans(&x, &y), "sentences_each without abbreviations is not UAX #29 trimmed");

  stet_abbrevs *ab = stet_abbrevs_new();
  if (!ab) abort();
  static const char *const titles[] = {"Mr", "Dr.", "Sen"};
  static const char *const mayend[] = {"U.S", "Inc.", "Jan", "a.m"};
  static const char *const starters[] = {"The", "He", "But", "It"};
  for (size_t i = 0; i < 3; i++) stet_abbrevs_set(ab, titles[i], strlen(titles[i]), STET_ABBR_TITLE);
  for (size_t i = 0; i < 4; i++) stet_abbrevs_set(ab, mayend[i], strlen(mayend[i]), STET_ABBR_MAYEND);
  for (size_t i = 0; i < 4; i++)
    stet_abbrevs_set(ab, starters[i], strlen(starters[i]), STET_ABBR_STARTER);
  FUZZ_CHECK(stet_abbrevs_get(ab, "Mr.", 3) == STET_ABBR_TITLE &&
                 stet_abbrevs_get(ab, "Jan", 3) == STET_ABBR_MAYEND &&
                 stet_abbrevs_get(ab, "The", 3) == STET_ABBR_NONE &&
                 stet_abbrevs_get(ab, "Ms", 2) == STET_ABBR_NONE,
             "abbrevs_get does not return what was set");
  /* one word of the text itself, of a kind the first byte picks */
  if (wl.n >= 2) {
    size_t k = (b0 % (wl.n / 2)) * 2;
    stet_abbrevs_set(ab, t + wl.v[k], wl.v[k + 1] - wl.v[k], (stet_abbr_kind)(b0 & 3));
  }
  x.n = 0;
  FUZZ_CHECK(stet_sentences_each(t, n, ab, collect, &x) == 0, "sentences_each nonzero");
  check_spans(&x, t, n, space, "sentences");
  unsigned char *isb = calloc(n + 1, 1);
  if (!isb) abort();
  isb[0] = isb[n] = 1;
  for (size_t i = 0; i < sent.n; i += 2) isb[sent.v[i + 1]] = 1;
  for (size_t i = 0; i < x.n; i += 2) {
    FUZZ_CHECK(near_boundary(t, n, isb, x.v[i], -1), "sentence does not start at a boundary");
    FUZZ_CHECK(near_boundary(t, n, isb, x.v[i + 1], +1), "sentence does not end at a boundary");
  }
  free(isb);
  stet_abbrevs_free(ab);

  free(g.v);
  free(w.v);
  free(wl.v);
  free(sent.v);
  free(x.v);
  free(y.v);
  free(t);
  return 0;
}
