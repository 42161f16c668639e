/* core/fuzz/fuzz_luapat.c: libFuzzer harness for the Lua pattern matcher
 * (core/luapat.h).
 *
 * Input: a flags byte, a pattern length byte, the pattern, the subject.
 * The pattern is compiled (errors are fine: they must come with a message)
 * and looked for from an init the flags pick, with a small step limit.
 * Checked: a match lies in [init, n] (starts at init when anchored with
 * '^'), reports stet_pat_captures captures, each inside the subject; the
 * same find gives the same answer twice; the source is kept. Then the
 * pattern text is cut at '\n' into up to 8 patterns for a stet_patset:
 * stet_patset_first must agree with stet_pat_find on each pattern in turn
 * (the first one that does not answer "no match" is the one reported,
 * with the same code). */
#include <string.h>

#include "fuzz.h"
#include "luapat.h"

#define STEPS 20000
#define MAX_SET 8

/* Checks a match of p on s[0..n) from init. */
static void check_match(const stet_pat *p, size_t n, size_t init, const stet_pat_match *m) {
  size_t plen;
  const char *src = stet_pat_source(p, &plen);
  FUZZ_CHECK(m->start >= init && m->start <= m->end && m->end <= n, "match outside the subject");
  if (plen > 0 && src[0] == '^') FUZZ_CHECK(m->start == init, "anchored match not at init");
  FUZZ_CHECK(m->ncap == stet_pat_captures(p), "capture count differs from the pattern's");
  FUZZ_CHECK(m->ncap >= 0 && m->ncap <= STET_PAT_MAXCAPTURES, "capture count out of range");
  for (int i = 0; i < m->ncap; i++) {
    const stet_pat_capture *c = &m->cap[i];
    if (c->position) {
      FUZZ_CHECK(c->len == 0 && c->start >= m->start && c->start <= m->end,
                 "position capture outside its match");
    } else {
      FUZZ_CHECK(c->start <= n && c->len <= n - c->start, "capture outside the subject");
      FUZZ_CHECK(c->start >= m->start && c->start + c->len <= m->end,
                 "capture outside its match");
    }
  }
}

/* Compiles and runs one pattern; returns the find code (or 99 when it
 * does not compile). */
static int one(const char *pat, size_t plen, const char *s, size_t n, size_t init) {
  stet_pat *p = NULL;
  char err[STET_PAT_ERRLEN];
  err[0] = 0;
  int rc = stet_pat_compile(&p, pat, plen, err, sizeof err);
  if (rc != 0) {
    FUZZ_CHECK(rc == STET_PAT_EPATTERN && p == NULL, "compile failed without EPATTERN");
    FUZZ_CHECK(err[0] != 0 && memchr(err, 0, sizeof err), "compile error without a message");
    return 99;
  }
  size_t slen;
  const char *src = stet_pat_source(p, &slen);
  FUZZ_CHECK(slen == plen && (plen == 0 || memcmp(src, pat, plen) == 0), "source not kept");
  stet_pat_match m, m2;
  rc = stet_pat_find(p, s, n, init, STEPS, &m);
  FUZZ_CHECK(rc == STET_PAT_MATCH || rc == STET_PAT_NOMATCH || rc == STET_PAT_EDEPTH ||
                 rc == STET_PAT_ESTEPS, "find returned an unknown code");
  FUZZ_CHECK(stet_pat_strerror(rc) != NULL, "no message for a code");
  if (rc == STET_PAT_MATCH) check_match(p, n, init, &m);
  int rc2 = stet_pat_find(p, s, n, init, STEPS, &m2);
  FUZZ_CHECK(rc2 == rc, "the same find gave another answer");
  if (rc == STET_PAT_MATCH)
    FUZZ_CHECK(m2.start == m.start && m2.end == m.end && m2.ncap == m.ncap,
               "the same find gave another match");
  FUZZ_CHECK(stet_pat_find(p, s, n, init, STEPS, NULL) == rc, "find without a match record differs");
  if (init > n) FUZZ_CHECK(rc == STET_PAT_NOMATCH, "a match from past the end");
  stet_pat_free(p);
  return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_in in = {data, size};
  unsigned flags = fuzz_byte(&in), plen_byte = fuzz_byte(&in);
  size_t plen, n;
  const uint8_t *pp = fuzz_bytes(&in, plen_byte, &plen);
  char *pat = fuzz_copy(pp, plen);
  char *s = fuzz_copy(in.p, in.n);
  n = in.n;
  size_t init;
  switch (flags & 3) {
  case 0: init = 0; break;
  case 1: init = n ? (flags >> 2) % n : 0; break;
  case 2: init = n; break;
  default: init = n + 1; break;
  }

  one(pat, plen, s, n, init);

  /* a set of the '\n'-separated pieces */
  stet_patset *set = stet_patset_new(MAX_SET);
  if (!set) abort();
  const char *pieces[MAX_SET];
  size_t lens[MAX_SET], count = 0, a = 0;
  for (size_t i = 0; i <= plen && count < MAX_SET; i++) {
    if (i == plen || pat[i] == '\n') {
      char err[STET_PAT_ERRLEN];
      int rc = stet_patset_add(set, pat + a, i - a, err, sizeof err);
      if (rc == 0) {
        pieces[count] = pat + a;
        lens[count] = i - a;
        count++;
      } else {
        FUZZ_CHECK(rc == STET_PAT_EPATTERN, "set add failed without EPATTERN");
      }
      a = i + 1;
    }
  }
  FUZZ_CHECK(stet_patset_finish(set) == 0, "set finish failed");
  FUZZ_CHECK(stet_patset_count(set) == count, "set count differs from the adds");
  size_t index = 12345;
  int rc = stet_patset_first(set, s, n, init, STEPS, &index);
  size_t want = count;
  int want_rc = STET_PAT_NOMATCH;
  for (size_t i = 0; i < count; i++) {
    size_t l;
    const char *src = stet_pat_source(stet_patset_get(set, i), &l);
    FUZZ_CHECK(l == lens[i] && (l == 0 || memcmp(src, pieces[i], l) == 0), "set lost a source");
    int r = stet_pat_find(stet_patset_get(set, i), s, n, init, STEPS, NULL);
    if (r != STET_PAT_NOMATCH) {
      want = i;
      want_rc = r;
      break;
    }
  }
  if (rc != want_rc || (rc != STET_PAT_NOMATCH && index != want))
    fprintf(stderr, "set: rc %d index %zu, patterns: rc %d index %zu\n", rc, index, want_rc, want);
  FUZZ_CHECK(rc == want_rc, "patset_first disagrees with the patterns' finds");
  if (rc != STET_PAT_NOMATCH) FUZZ_CHECK(index == want, "patset_first reported another pattern");
  stet_patset_free(set);
  free(pat);
  free(s);
  return 0;
}
