/* core/fuzz/fuzz_json.c: libFuzzer harness for the JSON field scanner
 * (core/json.h).
 *
 * Input: a byte whose low 3 bits are the length of one more key to ask
 * for, that key, then the JSON text. The scan is compared with a slow
 * recursive reference of json.h's rules that stops at the first event the
 * scanner stops at (not an object, an escaped top-level key, a requested
 * key with a value that is not a string, nesting past STET_JSON_MAX_DEPTH:
 * UNUSUAL; a grammar error: INVALID): the status must be the same, and on
 * OK every requested field as the reference found it (the last string
 * value of the key wins). For each field found: the body lies between two
 * quotes, `escaped` says whether it holds a backslash, stet_json_unescape
 * succeeds and writes no more than the body (valid UTF-8 when the body
 * is). stet_json_unescape of arbitrary bytes never writes more than them.
 * stet_json_escape_to of the text agrees with its baseline scan and
 * unescapes back to the text. The newlines the scan notes (nl) are where
 * the unescaped value has them, when the raw value has none. */
#include <string.h>

#include "fuzz.h"
#include "json.h"
#include "utf8.h"

#define NF 5

typedef struct ref {
  const unsigned char *s;
  size_t n, i;
  const stet_json_field *want; /* the requested names */
  size_t nf;
  int found[NF];
  size_t start[NF], stop[NF];
  int escaped[NF];
} ref;

enum { R_OK = 0, R_UNUSUAL = 1, R_INVALID = 2 };

static void ws(ref *r) {
  while (r->i < r->n && (r->s[r->i] == ' ' || r->s[r->i] == '\n' || r->s[r->i] == '\r' ||
                         r->s[r->i] == '\t'))
    r->i++;
}

static int hex(unsigned char c) {
  return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

static unsigned hexval4(const unsigned char *p) {
  unsigned v = 0;
  for (int k = 0; k < 4; k++) {
    unsigned char c = p[k];
    v = v * 16 + (unsigned)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
  }
  return v;
}

/* A string at r->i (a quote); its body and whether it had escapes. */
static int string(ref *r, size_t *a, size_t *b, int *esc) {
  const unsigned char *s = r->s;
  size_t i = r->i + 1;
  *a = i;
  *esc = 0;
  for (;;) {
    if (i >= r->n) return R_INVALID;
    if (s[i] == '"') break;
    if (s[i] != '\\') { i++; continue; }
    *esc = 1;
    if (i + 1 >= r->n) return R_INVALID;
    unsigned char e = s[i + 1];
    if (strchr("\"\\/bfnrt", e) && e) { i += 2; continue; }
    if (e != 'u' || i + 6 > r->n) return R_INVALID;
    for (int k = 2; k < 6; k++) if (!hex(s[i + k])) return R_INVALID;
    unsigned u = hexval4(s + i + 2);
    if (u >= 0xDC00 && u <= 0xDFFF) return R_INVALID;
    if (u >= 0xD800 && u <= 0xDBFF) {
      if (i + 12 > r->n || s[i + 6] != '\\' || s[i + 7] != 'u') return R_INVALID;
      for (int k = 8; k < 12; k++) if (!hex(s[i + k])) return R_INVALID;
      unsigned lo = hexval4(s + i + 8);
      if (lo < 0xDC00 || lo > 0xDFFF) return R_INVALID;
      i += 12;
    } else {
      i += 6;
    }
  }
  *b = i;
  r->i = i + 1;
  return R_OK;
}

static int number(ref *r) {
  const unsigned char *s = r->s;
  size_t i = r->i, n = r->n;
  if (i < n && s[i] == '-') i++;
  if (i >= n) return R_INVALID;
  if (s[i] == '0') i++;
  else if (s[i] >= '1' && s[i] <= '9') while (i < n && s[i] >= '0' && s[i] <= '9') i++;
  else return R_INVALID;
  if (i < n && s[i] == '.') {
    i++;
    if (i >= n || s[i] < '0' || s[i] > '9') return R_INVALID;
    while (i < n && s[i] >= '0' && s[i] <= '9') i++;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    if (i < n && (s[i] == '+' || s[i] == '-')) i++;
    if (i >= n || s[i] < '0' || s[i] > '9') return R_INVALID;
    while (i < n && s[i] >= '0' && s[i] <= '9') i++;
  }
  r->i = i;
  return R_OK;
}

static int value(ref *r, size_t depth);

/* An object or array at r->i; depth is that of the container it is in. */
static int container(ref *r, size_t depth) {
  int obj = r->s[r->i] == '{';
  if (depth >= STET_JSON_MAX_DEPTH) return R_UNUSUAL;
  r->i++;
  ws(r);
  if (r->i < r->n && r->s[r->i] == (obj ? '}' : ']')) { r->i++; return R_OK; }
  for (;;) {
    long want = -1;
    if (obj) {
      size_t a, b;
      int esc, rc;
      if (r->i >= r->n || r->s[r->i] != '"') return R_INVALID;
      if ((rc = string(r, &a, &b, &esc))) return rc;
      if (depth == 0) {
        if (esc) return R_UNUSUAL;
        for (size_t k = 0; k < r->nf && want < 0; k++)
          if (r->want[k].len == b - a && memcmp(r->want[k].name, r->s + a, b - a) == 0)
            want = (long)k;
      }
      ws(r);
      if (r->i >= r->n || r->s[r->i] != ':') return R_INVALID;
      r->i++;
      ws(r);
    }
    if (r->i >= r->n) return R_INVALID;
    if (want >= 0) {
      size_t a, b;
      int esc, rc;
      if (r->s[r->i] != '"') return R_UNUSUAL;
      if ((rc = string(r, &a, &b, &esc))) return rc;
      r->found[want] = 1;
      r->start[want] = a;
      r->stop[want] = b;
      r->escaped[want] = esc;
    } else {
      int rc = value(r, depth + 1);
      if (rc) return rc;
    }
    ws(r);
    if (r->i >= r->n) return R_INVALID;
    if (r->s[r->i] == ',') { r->i++; ws(r); continue; }
    if (r->s[r->i] == (obj ? '}' : ']')) { r->i++; return R_OK; }
    return R_INVALID;
  }
}

static int word(ref *r, const char *w) {
  size_t l = strlen(w);
  if (r->n - r->i < l || memcmp(r->s + r->i, w, l) != 0) return R_INVALID;
  r->i += l;
  return R_OK;
}

static int value(ref *r, size_t depth) {
  unsigned char c = r->s[r->i];
  size_t a, b;
  int esc;
  if (c == '"') return string(r, &a, &b, &esc);
  if (c == '{' || c == '[') return container(r, depth);
  if (c == 't') return word(r, "true");
  if (c == 'f') return word(r, "false");
  if (c == 'n') return word(r, "null");
  return number(r);
}

static int reference(ref *r) {
  ws(r);
  if (r->i >= r->n || r->s[r->i] != '{') return R_UNUSUAL;
  int rc = container(r, 0);
  if (rc) return rc;
  ws(r);
  return r->i == r->n ? R_OK : R_INVALID;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_in in = {data, size};
  unsigned b0 = fuzz_byte(&in);
  size_t klen;
  const uint8_t *kp = fuzz_bytes(&in, b0 & 7, &klen);
  char *key = fuzz_copy(kp, klen);
  char *s = fuzz_copy(in.p, in.n);
  size_t n = in.n;
  stet_json_field f[NF] = {
    {"title", 5, 0, 0, 0, 0, NULL, 0, NULL, 0, 0},
    {"text", 4, 0, 0, 0, 0, NULL, 0, NULL, 0, 0},
    {"url", 3, 0, 0, 0, 0, NULL, 0, NULL, 0, 0},
    {"", 0, 0, 0, 0, 0, NULL, 0, NULL, 0, 0},
    {key, klen, 0, 0, 0, 0, NULL, 0, NULL, 0, 0},
  };
  size_t nf = NF;
  for (size_t k = 0; k + 1 < NF; k++)
    if (f[k].len == klen && memcmp(f[k].name, key, klen) == 0) nf = NF - 1;

  char *textout = malloc(n ? n : 1); /* "text" is unescaped by the scan */
  if (!textout) abort();
  f[1].out = textout;
  size_t where = (size_t)-1;
  stet_json_status st = stet_json_scan(s, n, f, nf, &where);
  ref r;
  memset(&r, 0, sizeof r);
  r.s = (const unsigned char *)s;
  r.n = n;
  r.want = f;
  r.nf = nf;
  int want = reference(&r);
  if ((int)st != want) fprintf(stderr, "scan %d, reference %d at %zu\n", (int)st, want, r.i);
  FUZZ_CHECK((int)st == want, "scan status differs from the reference");
  if (st == STET_JSON_INVALID) FUZZ_CHECK(where <= n, "error offset past the end");
  if (st == STET_JSON_OK) {
    for (size_t k = 0; k < nf; k++) {
      FUZZ_CHECK(f[k].found == r.found[k], "found differs from the reference");
      if (!f[k].found) continue;
      FUZZ_CHECK(f[k].start == r.start[k] && f[k].stop == r.stop[k] &&
                     f[k].escaped == r.escaped[k], "field differs from the reference");
      size_t a = f[k].start, b = f[k].stop;
      FUZZ_CHECK(a >= 1 && a <= b && b < n && s[a - 1] == '"' && s[b] == '"',
                 "field body not between quotes");
      FUZZ_CHECK(f[k].escaped == (memchr(s + a, '\\', b - a) != NULL), "escaped flag wrong");
      char *out = malloc(b - a + 1);
      if (!out) abort();
      size_t len = stet_json_unescape(s + a, b - a, out);
      FUZZ_CHECK(len != (size_t)-1 && len <= b - a, "unescape of a scanned field failed or grew");
      if (f[k].out && f[k].escaped)
        FUZZ_CHECK(f[k].outlen == len && memcmp(f[k].out, out, len) == 0,
                   "the value unescaped by the scan differs from stet_json_unescape's");
      size_t bad;
      if (stet_utf8_validate((const unsigned char *)s + a, b - a, &bad) == 0)
        FUZZ_CHECK(stet_utf8_validate((const unsigned char *)out, len, &bad) == 0,
                   "unescaped valid UTF-8 is not valid");
      free(out);
    }
  }
  /* the AVX2 scan and the baseline agree on everything, values unescaped
   * by the scan included (every field with room for them) */
  {
    stet_json_field g[2][NF];
    char *outs[2][NF];
    uint32_t nls[2][NF][4]; /* newlines noted: room for 4 (more: counted) */
    stet_json_status sts[2];
    size_t wh[2] = {0, 0}, oth[2] = {0, 0};
    for (int v = 0; v < 2; v++) {
      memcpy(g[v], f, sizeof g[v]);
      for (size_t k = 0; k < nf; k++) {
        outs[v][k] = malloc(n ? n : 1);
        if (!outs[v][k]) abort();
        g[v][k].out = outs[v][k];
        g[v][k].nl = nls[v][k];
        g[v][k].nl_cap = 4;
      }
      sts[v] = stet_json_scan_simd(s, n, g[v], nf, &wh[v], (b0 & 8) ? &oth[v] : NULL, v);
    }
    FUZZ_CHECK(sts[0] == sts[1], "the AVX2 scan's status differs from the baseline's");
    if (sts[0] == STET_JSON_INVALID) FUZZ_CHECK(wh[0] == wh[1], "error offsets differ");
    if (sts[0] == STET_JSON_OK) {
      FUZZ_CHECK(oth[0] == oth[1], "other keys counted differently");
      for (size_t k = 0; k < nf; k++) {
        FUZZ_CHECK(g[0][k].found == g[1][k].found, "found differs between the paths");
        if (!g[0][k].found) continue;
        FUZZ_CHECK(g[0][k].start == g[1][k].start && g[0][k].stop == g[1][k].stop &&
                       g[0][k].escaped == g[1][k].escaped,
                   "a field differs between the paths");
        if (g[0][k].escaped)
          FUZZ_CHECK(g[0][k].outlen == g[1][k].outlen &&
                         memcmp(outs[0][k], outs[1][k], g[0][k].outlen) == 0,
                     "unescaped values differ between the paths");
        /* the newlines noted are those of the unescaped value, when the
         * raw value holds none of its own */
        FUZZ_CHECK(g[0][k].nl_n == g[1][k].nl_n, "newlines noted differ between the paths");
        if (!g[0][k].escaped) {
          FUZZ_CHECK(g[0][k].nl_n == 0, "newlines noted in a value without escapes");
        } else if (!memchr(s + g[0][k].start, '\n', g[0][k].stop - g[0][k].start)) {
          size_t m = 0;
          for (size_t i = 0; i < g[0][k].outlen; i++) {
            if (outs[0][k][i] != '\n') continue;
            FUZZ_CHECK(m >= 4 || (nls[0][k][m] == i && nls[1][k][m] == i),
                       "a newline noted at the wrong offset");
            m++;
          }
          FUZZ_CHECK(m == g[0][k].nl_n, "not every newline of the value was noted");
        }
      }
    }
    for (int v = 0; v < 2; v++)
      for (size_t k = 0; k < nf; k++) free(outs[v][k]);
  }
  /* stet_json_scan_top agrees with the scan where the scan decided: the
   * same fields on an object without requested nulls, the same error on
   * invalid text; it counts at most one other key for each ':' */
  {
    stet_json_field g[NF];
    memcpy(g, f, sizeof g);
    for (size_t k = 0; k < nf; k++) g[k].out = NULL;
    size_t others = (size_t)-1, where2 = (size_t)-1;
    stet_json_status st2 = stet_json_scan_top(s, n, g, nf, &where2, &others);
    if (st == STET_JSON_OK) {
      FUZZ_CHECK(st2 == STET_JSON_OK, "scan_top refused what the scan took");
      for (size_t k = 0; k < nf; k++)
        FUZZ_CHECK(g[k].found == f[k].found &&
                       (!g[k].found || (g[k].start == f[k].start && g[k].stop == f[k].stop)),
                   "scan_top's fields differ from the scan's");
    }
    if (st == STET_JSON_INVALID)
      FUZZ_CHECK(st2 == STET_JSON_INVALID && where2 == where, "scan_top's error differs");
    if (st2 == STET_JSON_OK) {
      size_t colons = 0;
      for (size_t i = 0; i < n; i++) colons += s[i] == ':';
      FUZZ_CHECK(others <= colons, "scan_top counted more keys than there are");
    }
  }
  /* unescape of the raw text (exact-size output buffer) */
  char *out = malloc(n ? n : 1);
  if (!out) abort();
  size_t len = stet_json_unescape(s, n, out);
  FUZZ_CHECK(len == (size_t)-1 || len <= n, "unescape wrote more than its input");
  free(out);
  /* escape of the raw text into exactly 6 * n bytes: the AVX2 scan and the
   * baseline agree, and unescaping gives the text back */
  char *e1 = malloc(6 * n + 1), *e2 = malloc(6 * n + 1), *back = malloc(n + 1);
  if (!e1 || !e2 || !back) abort();
  size_t l1 = stet_json_escape_to_simd(e1, s, n, -1), l2 = stet_json_escape_to_simd(e2, s, n, 0);
  FUZZ_CHECK(l1 == l2 && memcmp(e1, e2, l1) == 0, "the AVX2 escape and the baseline differ");
  FUZZ_CHECK(l1 <= 6 * n, "escape wrote more than 6 bytes a byte");
  size_t lb = stet_json_unescape(e1, l1, back);
  FUZZ_CHECK(lb == n && memcmp(back, s, n) == 0, "unescaping an escape did not give the text");
  free(e1);
  free(e2);
  free(back);
  free(textout);
  free(key);
  free(s);
  return 0;
}
