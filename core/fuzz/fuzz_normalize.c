/* core/fuzz/fuzz_normalize.c: libFuzzer harness for stet_normalize.
 *
 * The first two input bytes choose the options, the rest is the text.
 * Checked on every input:
 *  - the output is valid UTF-8, and the repair count equals the number of
 *    ill-formed sequences of the input (mojibake off);
 *  - a result equal to the input (return 0) only for valid input;
 *  - with mojibake off, normalizing the output again with the same options
 *    changes nothing (idempotence). The check is on the bytes: stet_normalize
 *    may return 1 with an output equal to its input when a span went
 *    through utf8proc and came back the same ("a" + U+030C under NFC and
 *    case folding), so a second return of 1 is accepted when the bytes are
 *    equal;
 *  - with every option off, the output is the input with each maximal
 *    subpart of an ill-formed sequence replaced by U+FFFD (so valid input
 *    comes back unchanged);
 *  - the baseline scan for plain ASCII gives what the AVX2 scan gives. */
#include <string.h>

#include "fuzz.h"
#include "normalize.h"
#include "utf8.h"

/* The options coded by two bytes. */
static void options_of(unsigned b0, unsigned b1, stet_norm_opts *o) {
  o->form = (stet_form)((b0 & 7) % 5);
  o->casefold = (b0 >> 3) & 1;
  o->newlines = (b0 >> 4) & 1;
  o->spaces = (b0 >> 5) & 1;
  o->controls = (b0 >> 6) & 1;
  o->quotes = (b0 >> 7) & 1;
  o->mojibake = b1 & 1;
}

/* s[0..n) with every ill-formed sequence replaced by U+FFFD, into out. */
static void repaired(const unsigned char *s, size_t n, stet_buf *out) {
  size_t i = 0;
  while (i < n) {
    int32_t cp;
    size_t k = stet_utf8_decode(s + i, n - i, &cp);
    int bad = cp == STET_UTF8_INVALID;
    if (stet_buf_append(out, bad ? (const void *)"\xEF\xBF\xBD" : (const void *)(s + i),
                        bad ? 3 : k))
      abort();
    i += k;
  }
}

/* Normalizes s[0..n) with o; the result (input or output) in *res, *reslen. */
static int run(const char *s, size_t n, const stet_norm_opts *o, stet_buf *out,
               stet_norm_stats *st, const char **res, size_t *reslen) {
  memset(st, 0, sizeof *st);
  int rc = stet_normalize(s, n, o, out, st);
  FUZZ_CHECK(rc == 0 || rc == 1, "stet_normalize returned an error");
  if (rc == 0) FUZZ_CHECK(out->len == 0, "return 0 but output written");
  *res = rc ? out->data : s;
  *reslen = rc ? out->len : n;
  if (*reslen == 0) *res = "";
  return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_in in = {data, size};
  unsigned b0 = fuzz_byte(&in), b1 = fuzz_byte(&in);
  char *text = fuzz_copy(in.p, in.n);
  size_t n = in.n, first_bad;
  size_t bad = stet_utf8_validate((const unsigned char *)text, n, &first_bad);

  stet_norm_opts o;
  options_of(b0, b1, &o);
  stet_buf out = STET_BUF_INIT, again = STET_BUF_INIT;
  stet_norm_stats st;
  const char *res;
  size_t reslen, dummy;
  int rc = run(text, n, &o, &out, &st, &res, &reslen);
  FUZZ_CHECK(stet_utf8_validate((const unsigned char *)res, reslen, &dummy) == 0,
             "output is not valid UTF-8");
  if (rc == 0) FUZZ_CHECK(bad == 0, "ill-formed input returned unchanged");
  if (!o.mojibake) {
    FUZZ_CHECK(st.repaired == bad, "repair count differs from the ill-formed count");
    FUZZ_CHECK(st.mojibake == 0, "mojibake counted with mojibake off");
    if (rc == 1) {
      char *copy = fuzz_copy(res, reslen);
      const char *res2;
      size_t len2;
      int rc2 = run(copy, reslen, &o, &again, &st, &res2, &len2);
      int same = len2 == reslen && memcmp(res2, copy, reslen) == 0;
      if (!same)
        fprintf(stderr, "form %d casefold %d newlines %d spaces %d controls %d quotes %d\n",
                (int)o.form, o.casefold, o.newlines, o.spaces, o.controls, o.quotes);
      FUZZ_CHECK(same, "normalizing the output again changed it (not idempotent)");
      (void)rc2;
      free(copy);
    }
  }
  /* the baseline scan for plain ASCII (no AVX2) gives the same */
  {
    stet_buf base = STET_BUF_INIT;
    stet_norm_stats bst;
    memset(&bst, 0, sizeof bst);
    memset(&st, 0, sizeof st);
    out.len = 0;
    int rb = stet_normalize_simd(text, n, &o, &base, &bst, 0);
    int ra = stet_normalize_simd(text, n, &o, &out, &st, -1);
    FUZZ_CHECK(ra == rb && out.len == base.len &&
                   memcmp(out.data ? out.data : "", base.data ? base.data : "", out.len) == 0,
               "the AVX2 scan and the baseline differ");
    FUZZ_CHECK(st.repaired == bst.repaired && st.mojibake == bst.mojibake,
               "the AVX2 scan and the baseline count differently");
    stet_buf_free(&base);
  }
  stet_buf_free(&out);
  stet_buf_free(&again);

  /* every option off: only the UTF-8 repair */
  stet_norm_opts off;
  memset(&off, 0, sizeof off);
  off.form = STET_FORM_NONE;
  stet_buf ref = STET_BUF_INIT;
  repaired((const unsigned char *)text, n, &ref);
  rc = run(text, n, &off, &out, &st, &res, &reslen);
  FUZZ_CHECK(rc == (bad ? 1 : 0), "all options off: changed valid input or kept invalid");
  FUZZ_CHECK(reslen == ref.len && memcmp(res, ref.data ? ref.data : "", reslen) == 0,
             "all options off: output is not the input with U+FFFD repairs");
  FUZZ_CHECK(st.repaired == bad, "all options off: repair count");
  stet_buf_free(&out);
  stet_buf_free(&ref);
  free(text);
  return 0;
}
