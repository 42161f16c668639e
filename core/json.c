/* core/json.c: the JSON field scanner of json.h.
 *
 * One pass, no recursion: a bit stack remembers for each open container
 * whether it is an object or an array. Strings are skipped 16 bytes at a
 * time with SSE2, or 32 with AVX2 where the CPU has it (the scanner is
 * instantiated once with each pair of finders), looking for the closing
 * quote and for backslashes, so long text fields cost little more than a
 * copy. */
#include "json.h"

#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "bytemask.h"
#include "wordscan.h" /* stet_have_avx2 */

typedef struct scan {
  const unsigned char *s;
  size_t n, i;
} scan;

static inline void skip_ws(scan *sc) {
  while (sc->i < sc->n) {
    unsigned char c = sc->s[sc->i];
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return;
    sc->i++;
  }
}

/* The value of the hex digit c, or -1. */
static inline int hexval(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c |= 0x20;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

/* The code unit of the 4 hex digits at p (room checked), or -1. */
static long hex4(const unsigned char *p) {
  long v = 0;
  for (int k = 0; k < 4; k++) {
    int h = hexval(p[k]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

/* The offset of the first '"' or '\\' in s[i..n), or n. Strings have an
 * escape every 70 bytes or so in news text, too often for memchr calls. */
static inline size_t find_special(const unsigned char *s, size_t i, size_t n) {
#ifdef __SSE2__
  const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
  while (i + 16 <= n) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    unsigned m = (unsigned)_mm_movemask_epi8(
      _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)));
    if (m) return i + (size_t)__builtin_ctz(m);
    i += 16;
  }
#endif
  while (i < n && s[i] != '"' && s[i] != '\\') i++;
  return i;
}

static size_t put_utf8(unsigned char *o, uint32_t cp);

/* Decodes the escape at s[i] ('\\') of s[0..n). Returns its length and the
 * code point (or byte) in *cp, or 0 when it is invalid. */
static size_t escape_at(const unsigned char *s, size_t n, size_t i, uint32_t *cp) {
  if (i + 1 >= n || s[i] != '\\') return 0;
  switch (s[i + 1]) {
  case '"': *cp = '"'; return 2;
  case '\\': *cp = '\\'; return 2;
  case '/': *cp = '/'; return 2;
  case 'b': *cp = '\b'; return 2;
  case 'f': *cp = '\f'; return 2;
  case 'n': *cp = '\n'; return 2;
  case 'r': *cp = '\r'; return 2;
  case 't': *cp = '\t'; return 2;
  case 'u': break;
  default: return 0;
  }
  if (i + 6 > n) return 0;
  long hi = hex4(s + i + 2);
  if (hi < 0 || (hi >= 0xDC00 && hi <= 0xDFFF)) return 0; /* lone low surrogate */
  if (hi < 0xD800 || hi > 0xDBFF) {
    *cp = (uint32_t)hi;
    return 6;
  }
  if (i + 12 > n || s[i + 6] != '\\' || s[i + 7] != 'u') return 0;
  long lo = hex4(s + i + 8);
  if (lo < 0xDC00 || lo > 0xDFFF) return 0;
  *cp = 0x10000 + (((uint32_t)hi - 0xD800) << 10) + ((uint32_t)lo - 0xDC00);
  return 12;
}

/* The byte a two-character escape "\\c" stands for, or 0 ("\\u" and
 * invalid ones): a table, not a switch, as news text has one every 70
 * bytes or so. */
static const unsigned char simple_escapes[256] = {
  ['"'] = '"', ['\\'] = '\\', ['/'] = '/', ['b'] = '\b',
  ['f'] = '\f', ['n'] = '\n', ['r'] = '\r', ['t'] = '\t'};

static inline unsigned char simple_escape(unsigned char c) {
  return simple_escapes[c];
}

/* find_special that also copies s[i..) up to it to *o (advanced): 16 bytes
 * are stored at a time, so *o must have room for 16 bytes past what it
 * gets; skip_string's output always has (see there). */
static inline size_t copy_to_special(const unsigned char *s, size_t i, size_t n,
                                     unsigned char **o) {
  unsigned char *w = *o;
#ifdef __SSE2__
  const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
  while (i + 16 <= n) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    _mm_storeu_si128((__m128i *)(void *)w, v);
    unsigned m = (unsigned)_mm_movemask_epi8(
      _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)));
    if (m) {
      unsigned k = (unsigned)__builtin_ctz(m);
      *o = w + k;
      return i + k;
    }
    w += 16;
    i += 16;
  }
#endif
  while (i < n && s[i] != '"' && s[i] != '\\') *w++ = s[i++];
  *o = w;
  return i;
}

/* The finders of the strings' special bytes: find_special and
 * copy_to_special, or their AVX2 forms below, given to the scanner as
 * constants (scan_object is instantiated once with each). */
typedef size_t find_fn(const unsigned char *s, size_t i, size_t n);
typedef size_t copy_fn(const unsigned char *s, size_t i, size_t n, unsigned char **o);

#ifdef STET_BYTEMASK_AVX2
/* find_special, 32 bytes at a time. */
STET_AVX2_INLINE size_t find_special_avx2(const unsigned char *s, size_t i, size_t n) {
  const __m256i quote = _mm256_set1_epi8('"'), bslash = _mm256_set1_epi8('\\');
  while (i + 32 <= n) {
    __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(s + i));
    unsigned m = (unsigned)_mm256_movemask_epi8(
      _mm256_or_si256(_mm256_cmpeq_epi8(v, quote), _mm256_cmpeq_epi8(v, bslash)));
    if (m) return i + (size_t)__builtin_ctz(m);
    i += 32;
  }
  return find_special(s, i, n);
}

/* copy_to_special, 32 bytes at a time: *o must have room for 32 bytes
 * past what it gets (skip_string's reasoning holds for 32 as for 16). */
STET_AVX2_INLINE size_t copy_to_special_avx2(const unsigned char *s, size_t i, size_t n,
                                             unsigned char **o) {
  unsigned char *w = *o;
  const __m256i quote = _mm256_set1_epi8('"'), bslash = _mm256_set1_epi8('\\');
  while (i + 32 <= n) {
    __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(s + i));
    _mm256_storeu_si256((__m256i *)(void *)w, v);
    unsigned m = (unsigned)_mm256_movemask_epi8(
      _mm256_or_si256(_mm256_cmpeq_epi8(v, quote), _mm256_cmpeq_epi8(v, bslash)));
    if (m) {
      unsigned k = (unsigned)__builtin_ctz(m);
      *o = w + k;
      return i + k;
    }
    w += 32;
    i += 32;
  }
  *o = w;
  return copy_to_special(s, i, n, o);
}
#endif

/* Notes a newline at offset at of a field's unescaped value (nl). */
static inline void note_newline(stet_json_field *f, size_t at) {
  if (f->nl_n < f->nl_cap) f->nl[f->nl_n] = (uint32_t)at;
  f->nl_n++;
}

/* Skips the string whose opening quote is at sc->i. On success sc->i is
 * after the closing quote, the body is [*start, *stop) and *escaped says
 * whether it holds escapes. Returns 0, or -1 when invalid. When out is not
 * NULL (room for sc->n bytes) and the string holds escapes, its unescaped
 * body goes to out and its length to *outlen. From the first escape on,
 * the text is copied while it is scanned: at input offset i the output is
 * at most i - *start long (an escape is never shorter than what it stands
 * for), so a 16-byte store made while i + 16 <= n stays inside out.
 * nlf (NULL, or the field, with out) notes where escapes put newlines. */
static inline __attribute__((always_inline)) int skip_string(scan *sc, size_t *start,
                                                             size_t *stop, int *escaped,
                                                             char *out, size_t *outlen,
                                                             stet_json_field *nlf,
                                                             find_fn *find, copy_fn *copy) {
  const unsigned char *s = sc->s;
  size_t n = sc->n, i = sc->i + 1;
  unsigned char *o = (unsigned char *)out;
  *start = i;
  *escaped = 0;
  i = find(s, i, n);
  if (i < n && s[i] == '\\' && o) {
    memcpy(o, s + *start, i - *start);
    o += i - *start;
  }
  for (;;) {
    if (i >= n) {
      sc->i = n;
      return -1;
    }
    if (s[i] == '"') {
      *stop = i;
      sc->i = i + 1;
      if (o && *escaped) *outlen = (size_t)(o - (unsigned char *)out);
      return 0;
    }
    *escaped = 1;
    unsigned char c = i + 1 < n ? simple_escape(s[i + 1]) : 0;
    if (c && nlf) {
      /* a run of them (the "\n\n" between paragraphs) without going back
       * to the finder for each; the newline count in a local, as the
       * stores through o could alias it (nlf comes with out) */
      uint32_t *nl = nlf->nl;
      size_t nl_n = nlf->nl_n, cap = nlf->nl_cap;
      do {
        if (c == '\n') {
          if (nl_n < cap) nl[nl_n] = (uint32_t)(o - (unsigned char *)out);
          nl_n++;
        }
        *o++ = c;
        i += 2;
      } while (i + 1 < n && s[i] == '\\' && (c = simple_escape(s[i + 1])) != 0);
      nlf->nl_n = nl_n;
    } else if (c) {
      do {
        if (o) *o++ = c;
        i += 2;
      } while (i + 1 < n && s[i] == '\\' && (c = simple_escape(s[i + 1])) != 0);
    } else {
      uint32_t cp;
      size_t len = escape_at(s, n, i, &cp);
      if (!len) {
        sc->i = i;
        return -1;
      }
      if (cp == '\n' && nlf) note_newline(nlf, (size_t)(o - (unsigned char *)out));
      if (o) o += put_utf8(o, cp);
      i += len;
    }
    i = o ? copy(s, i, n, &o) : find(s, i, n);
  }
}

/* Skips a number at sc->i (strict JSON grammar). 0, or -1 when invalid. */
static int skip_number(scan *sc) {
  const unsigned char *s = sc->s;
  size_t n = sc->n, i = sc->i;
  if (i < n && s[i] == '-') i++;
  if (i >= n) return -1;
  if (s[i] == '0') {
    i++;
  } else if (s[i] >= '1' && s[i] <= '9') {
    while (i < n && s[i] >= '0' && s[i] <= '9') i++;
  } else {
    return -1;
  }
  if (i < n && s[i] == '.') {
    size_t d = ++i;
    while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    if (i == d) return -1;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    if (i < n && (s[i] == '+' || s[i] == '-')) i++;
    size_t d = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    if (i == d) return -1;
  }
  /* a number must end at a delimiter ("01" is two tokens, so invalid) */
  if (i < n && !(s[i] == ',' || s[i] == '}' || s[i] == ']' || s[i] == ' ' || s[i] == '\n' ||
                 s[i] == '\r' || s[i] == '\t'))
    return -1;
  sc->i = i;
  return 0;
}

/* Skips the literal word at sc->i. 0, or -1 when it is not there. */
static int skip_word(scan *sc, const char *w, size_t len) {
  if (sc->n - sc->i < len || memcmp(sc->s + sc->i, w, len) != 0) return -1;
  sc->i += len;
  return 0;
}

/* The index of the requested field named s[a..b), or -1. */
static long field_index(const unsigned char *s, size_t a, size_t b, const stet_json_field *f,
                        size_t nf) {
  for (size_t k = 0; k < nf; k++)
    if (f[k].len == b - a && memcmp(f[k].name, s + a, b - a) == 0) return (long)k;
  return -1;
}

/* stet_json_scan, and stet_json_scan_top when others is not NULL, with
 * the finders find and copy. */
static inline __attribute__((always_inline)) stet_json_status
scan_object(const char *str, size_t n, stet_json_field *fields, size_t nf, size_t *where,
            size_t *others, find_fn *find, copy_fn *copy) {
  scan sc = {(const unsigned char *)str, n, 0};
  const unsigned char *s = sc.s;
  uint64_t stack[(STET_JSON_MAX_DEPTH + 63) / 64]; /* bit set: an array */
  size_t depth = 0;
  stet_json_status status = STET_JSON_INVALID;
  for (size_t k = 0; k < nf; k++) fields[k].found = 0, fields[k].nl_n = 0;
  if (others) *others = 0;
  skip_ws(&sc);
  if (sc.i >= n || s[sc.i] != '{') {
    status = STET_JSON_UNUSUAL; /* not an object: the full decoder says what */
    goto fail;
  }
  sc.i++;
  stack[0] = 0;
  depth = 1;
  skip_ws(&sc);
  if (sc.i < n && s[sc.i] == '}') { /* {} */
    sc.i++;
    skip_ws(&sc);
    if (sc.i != n) goto fail;
    return STET_JSON_OK;
  }
  for (;;) {
    /* at a member of an object or an element of an array */
    int in_array = (int)(stack[(depth - 1) / 64] >> ((depth - 1) % 64) & 1);
    long want = -1;
    if (!in_array) {
      size_t a, b;
      int esc;
      if (sc.i >= n || s[sc.i] != '"' ||
          skip_string(&sc, &a, &b, &esc, NULL, NULL, NULL, find, copy))
        goto fail;
      if (depth == 1) {
        if (esc) {
          status = STET_JSON_UNUSUAL; /* an escaped key: leave it to the decoder */
          goto fail;
        }
        want = field_index(s, a, b, fields, nf);
        if (want < 0 && others) ++*others;
      }
      skip_ws(&sc);
      if (sc.i >= n || s[sc.i] != ':') goto fail;
      sc.i++;
      skip_ws(&sc);
    }
    if (sc.i >= n) goto fail;
    unsigned char c = s[sc.i];
    if (c == '"') {
      size_t a, b;
      int esc;
      stet_json_field *f = want >= 0 ? &fields[want] : NULL;
      stet_json_field *nlf = f && f->out && f->nl ? f : NULL;
      if (nlf) nlf->nl_n = 0; /* a key given twice: the last value's */
      if (skip_string(&sc, &a, &b, &esc, f ? f->out : NULL, f ? &f->outlen : NULL, nlf, find,
                      copy))
        goto fail;
      if (f) {
        f->found = 1;
        f->escaped = esc;
        f->start = a;
        f->stop = b;
      }
    } else if (want >= 0 && others && c == 'n') {
      if (skip_word(&sc, "null", 4)) goto fail;
      fields[want].found = 0; /* null: as if absent, whatever came before */
    } else if (want >= 0) {
      status = STET_JSON_UNUSUAL; /* a requested field that is not a string */
      goto fail;
    } else if (c == '{' || c == '[') {
      if (depth >= STET_JSON_MAX_DEPTH) {
        status = STET_JSON_UNUSUAL;
        goto fail;
      }
      uint64_t bit = UINT64_C(1) << (depth % 64);
      if (depth % 64 == 0) stack[depth / 64] = 0;
      if (c == '[') stack[depth / 64] |= bit;
      else stack[depth / 64] &= ~bit;
      depth++;
      sc.i++;
      skip_ws(&sc);
      if (sc.i < n && s[sc.i] == (c == '{' ? '}' : ']')) {
        sc.i++;
        depth--;
      } else {
        continue;
      }
    } else if (c == 't') {
      if (skip_word(&sc, "true", 4)) goto fail;
    } else if (c == 'f') {
      if (skip_word(&sc, "false", 5)) goto fail;
    } else if (c == 'n') {
      if (skip_word(&sc, "null", 4)) goto fail;
    } else if (skip_number(&sc)) {
      goto fail;
    }
    for (;;) { /* after a value: a comma, or the ends of containers */
      skip_ws(&sc);
      if (depth == 0) {
        if (sc.i != n) goto fail;
        return STET_JSON_OK;
      }
      if (sc.i >= n) goto fail;
      int arr = (int)(stack[(depth - 1) / 64] >> ((depth - 1) % 64) & 1);
      if (s[sc.i] == ',') {
        sc.i++;
        skip_ws(&sc);
        break;
      }
      if (s[sc.i] != (arr ? ']' : '}')) goto fail;
      sc.i++;
      depth--;
    }
  }
fail:
  if (where) *where = sc.i;
  return status;
}

static stet_json_status scan_base(const char *s, size_t n, stet_json_field *fields, size_t nf,
                                  size_t *where, size_t *others) {
  return scan_object(s, n, fields, nf, where, others, find_special, copy_to_special);
}

#ifdef STET_BYTEMASK_AVX2
STET_TARGET_AVX2 static stet_json_status scan_avx2(const char *s, size_t n,
                                                   stet_json_field *fields, size_t nf,
                                                   size_t *where, size_t *others) {
  return scan_object(s, n, fields, nf, where, others, find_special_avx2, copy_to_special_avx2);
}
#endif

stet_json_status stet_json_scan_simd(const char *s, size_t n, stet_json_field *fields, size_t nf,
                                     size_t *where, size_t *others, int simd) {
#ifdef STET_BYTEMASK_AVX2
  if (simd != 0 && stet_have_avx2()) return scan_avx2(s, n, fields, nf, where, others);
#endif
  (void)simd;
  return scan_base(s, n, fields, nf, where, others);
}

stet_json_status stet_json_scan(const char *s, size_t n, stet_json_field *fields, size_t nf,
                                size_t *where) {
  return stet_json_scan_simd(s, n, fields, nf, where, NULL, -1);
}

stet_json_status stet_json_scan_top(const char *s, size_t n, stet_json_field *fields, size_t nf,
                                    size_t *where, size_t *others) {
  return stet_json_scan_simd(s, n, fields, nf, where, others, -1);
}

/* Appends code point cp as UTF-8 (room reserved). */
static size_t put_utf8(unsigned char *o, uint32_t cp) {
  if (cp < 0x80) {
    o[0] = (unsigned char)cp;
    return 1;
  }
  if (cp < 0x800) {
    o[0] = (unsigned char)(0xC0 | cp >> 6);
    o[1] = (unsigned char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = (unsigned char)(0xE0 | cp >> 12);
    o[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
    o[2] = (unsigned char)(0x80 | (cp & 0x3F));
    return 3;
  }
  o[0] = (unsigned char)(0xF0 | cp >> 18);
  o[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
  o[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
  o[3] = (unsigned char)(0x80 | (cp & 0x3F));
  return 4;
}

size_t stet_json_unescape(const char *str, size_t n, char *out) {
  const unsigned char *s = (const unsigned char *)str;
  unsigned char *o = (unsigned char *)out;
  size_t i = 0;
  while (i < n) {
    size_t b = find_special(s, i, n); /* the body holds no bare '"' */
    memcpy(o, s + i, b - i);
    o += b - i;
    i = b;
    if (i >= n) break;
    uint32_t cp;
    size_t len = escape_at(s, n, i, &cp);
    if (!len) return (size_t)-1;
    o += put_utf8(o, cp);
    i += len;
  }
  return (size_t)(o - (unsigned char *)out);
}

/* The end of the run of bytes from i that JSON takes as they are: not a
 * control, DEL, quote or backslash. 16 bytes at a time with SSE2. */
static size_t plain_run(const unsigned char *s, size_t i, size_t n) {
#ifdef __SSE2__
  const __m128i lim = _mm_set1_epi8(0x20), del = _mm_set1_epi8(0x7F);
  const __m128i quote = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\');
  while (i + 16 <= n) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    /* signed compare: bytes >= 0x80 are negative, so mask them back out */
    __m128i ctl = _mm_andnot_si128(v, _mm_cmplt_epi8(v, lim));
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, del), _mm_cmpeq_epi8(v, quote)),
                               _mm_cmpeq_epi8(v, bs));
    int m = _mm_movemask_epi8(_mm_or_si128(hit, ctl));
    if (m) return i + (size_t)__builtin_ctz((unsigned)m);
    i += 16;
  }
#endif
  while (i < n && s[i] >= 0x20 && s[i] != '"' && s[i] != '\\' && s[i] != 0x7F) i++;
  return i;
}

/* Writes the escape of the byte c to out; returns its length. */
static inline size_t escape_byte(char *out, unsigned char c) {
  static const char hex[] = "0123456789abcdef";
  out[0] = '\\';
  switch (c) {
  case '"': out[1] = '"'; return 2;
  case '\\': out[1] = '\\'; return 2;
  case '\n': out[1] = 'n'; return 2;
  case '\r': out[1] = 'r'; return 2;
  case '\t': out[1] = 't'; return 2;
  case '\b': out[1] = 'b'; return 2;
  case '\f': out[1] = 'f'; return 2;
  default:
    out[1] = 'u'; out[2] = '0'; out[3] = '0';
    out[4] = hex[c >> 4]; out[5] = hex[c & 15];
    return 6;
  }
}

/* stet_json_escape_to from s[i..n) to out + o, the baseline way. */
static size_t escape_from(char *out, size_t o, const unsigned char *s, size_t i, size_t n) {
  while (i < n) {
    size_t run = plain_run(s, i, n);
    if (run > i) {
      memcpy(out + o, s + i, run - i);
      o += run - i;
      i = run;
      if (i >= n) break;
    }
    o += escape_byte(out + o, s[i++]);
  }
  return o;
}

#ifdef STET_BYTEMASK_AVX2
/* The bytes of the 32 at p that need an escape. */
STET_AVX2_INLINE uint32_t escape_mask32(const unsigned char *p) {
  const __m256i lim = _mm256_set1_epi8(0x20), del = _mm256_set1_epi8(0x7F);
  const __m256i quote = _mm256_set1_epi8('"'), bs = _mm256_set1_epi8('\\');
  __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)p);
  /* signed compare: bytes >= 0x80 are negative, so mask them back out */
  __m256i ctl = _mm256_andnot_si256(v, _mm256_cmpgt_epi8(lim, v));
  __m256i hit = _mm256_or_si256(
      _mm256_or_si256(_mm256_cmpeq_epi8(v, del), _mm256_cmpeq_epi8(v, quote)),
      _mm256_cmpeq_epi8(v, bs));
  return (uint32_t)_mm256_movemask_epi8(_mm256_or_si256(hit, ctl));
}

/* stet_json_escape_to, 32 bytes at a time while 32 remain: each block is
 * copied out before it is checked, and the output goes on from the first
 * byte to escape. The copy stays inside the room for 6 * n bytes: o is at
 * most 6 * i, and n - i >= 32. */
STET_TARGET_AVX2 static size_t escape_avx2(char *out, const unsigned char *s, size_t n) {
  size_t i = 0, o = 0;
  while (i + 32 <= n) {
    _mm256_storeu_si256((__m256i *)(void *)(out + o),
                        _mm256_loadu_si256((const __m256i *)(const void *)(s + i)));
    uint32_t m = escape_mask32(s + i);
    if (!m) {
      i += 32;
      o += 32;
      continue;
    }
    size_t k = (size_t)__builtin_ctz(m);
    o += k;
    i += k;
    o += escape_byte(out + o, s[i++]);
  }
  /* the last n - i < 32 bytes, from the mask of the 32 that end the text */
  size_t left = n - i;
  if (!left) return o;
  uint32_t m = escape_mask32(s + n - 32) >> (32 - left);
  while (m) {
    size_t k = (size_t)__builtin_ctz(m);
    memcpy(out + o, s + i, k);
    o += k;
    i += k;
    o += escape_byte(out + o, s[i++]);
    m >>= k + 1; /* k + 1 <= 31: bit k was set and m has left < 32 bits */
  }
  memcpy(out + o, s + i, n - i);
  return o + (n - i);
}
#endif

size_t stet_json_escape_to_simd(char *out, const char *str, size_t n, int simd) {
  const unsigned char *s = (const unsigned char *)str;
#ifdef STET_BYTEMASK_AVX2
  if (simd != 0 && n >= 32 && stet_have_avx2()) return escape_avx2(out, s, n);
#else
  (void)simd;
#endif
  return escape_from(out, 0, s, 0, n);
}

size_t stet_json_escape_to(char *out, const char *str, size_t n) {
  return stet_json_escape_to_simd(out, str, n, -1);
}
