/* core/normalize.c: the one-pass normalizer of normalize.h.
 *
 * The input is copied lazily: `pend` is the first input byte not yet copied
 * to the output, and bytes between `pend` and the cursor are known to come
 * out unchanged. Only when something changes is that run flushed, so clean
 * text is never copied. Offsets into the output are "virtual" (vout): what
 * out->len would be if the pending run were flushed now.
 *
 * Normalization forms use the quick-check properties generated into
 * build/gen/normprops.h. `stable` is the output offset of the last character
 * that starts a stable span (canonical combining class 0 and quick check
 * Yes). When a character fails the check, everything from `stable` up to the
 * next stable character goes through utf8proc, and nothing else does. */
#include "normalize.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "bytemask.h"
#include "normprops.h"
#include "utf8.h"
#include "wordscan.h" /* stet_have_avx2 */

void stet_norm_defaults(stet_norm_opts *o) {
  o->form = STET_FORM_NFC;
  o->casefold = 0;
  o->newlines = 1;
  o->spaces = 1;
  o->controls = 1;
  o->quotes = 0;
  o->mojibake = 0;
}

void stet_norm_fold_opts(stet_norm_opts *o) {
  stet_norm_defaults(o);
  o->form = STET_FORM_NFKC;
  o->casefold = 1;
  o->newlines = o->spaces = o->controls = 0;
}

typedef struct norm_state {
  const unsigned char *s;
  size_t n;
  const stet_norm_opts *o;
  stet_buf *out;
  size_t base;      /* out->len when the call began; never trimmed below */
  size_t pend;      /* first input byte not yet copied */
  size_t stable;    /* vout of the last stable character */
  int unstable;     /* inside a span that must go through utf8proc */
  int changed;      /* something was flushed */
  unsigned last_ccc;
  uint8_t fail;     /* quick-check flags that fail the requested form */
  utf8proc_option_t upopts;
  utf8proc_int32_t *scratch;
  utf8proc_ssize_t scratch_cap;
  stet_norm_stats *st;
} norm_state;

static size_t vout(const norm_state *z, size_t i) {
  return z->out->len + (i - z->pend);
}

/* Copies the pending input run [pend, i) to the output. */
static int flush(norm_state *z, size_t i) {
  if (!z->changed && stet_buf_reserve(z->out, z->n + z->n / 64 + 64)) return -1;
  z->changed = 1;
  if (stet_buf_append(z->out, z->s + z->pend, i - z->pend)) return -1;
  z->pend = i;
  return 0;
}

static int map_special(const stet_norm_opts *o, int32_t cp, const char **r);
static int may_be_special(int32_t cp);

/* Maps the quotes, dashes and ellipses in b->data[from, len) the way the
 * input's are mapped: a compatibility decomposition makes new ones
 * (U+2034 TRIPLE PRIME is three U+2032 PRIME under NFKC). In place: a
 * replacement is never longer than what it replaces. */
static void map_span_quotes(const stet_norm_opts *o, stet_buf *b, size_t from) {
  size_t r = from, w = from;
  while (r < b->len) {
    int32_t cp;
    size_t k = stet_utf8_decode((const unsigned char *)b->data + r, b->len - r, &cp);
    const char *rep = NULL;
    if (cp >= 0x2000 && may_be_special(cp) && map_special(o, cp, &rep) == 1 && strlen(rep) <= k) {
      size_t m = strlen(rep);
      memcpy(b->data + w, rep, m);
      w += m;
    } else {
      memmove(b->data + w, b->data + r, k);
      w += k;
    }
    r += k;
  }
  b->len = w;
}

/* Runs utf8proc over out[stable, vout(i)) and ends the unstable span. */
static int end_span(norm_state *z, size_t i) {
  if (flush(z, i)) return -1;
  stet_buf *b = z->out;
  const utf8proc_uint8_t *src = (const utf8proc_uint8_t *)b->data + z->stable;
  utf8proc_ssize_t len = (utf8proc_ssize_t)(b->len - z->stable);
  for (;;) {
    utf8proc_ssize_t need =
        utf8proc_decompose(src, len, z->scratch, z->scratch_cap, z->upopts);
    if (need < 0) return -1;
    if (need <= z->scratch_cap) {
      utf8proc_ssize_t bytes = utf8proc_reencode(z->scratch, need, z->upopts);
      if (bytes < 0) return -1;
      b->len = z->stable;
      if (stet_buf_append(b, z->scratch, (size_t)bytes)) return -1;
      if (z->o->quotes) map_span_quotes(z->o, b, z->stable);
      break;
    }
    /* reencode writes up to 4 bytes per code point into the same buffer */
    utf8proc_int32_t *p = realloc(z->scratch, (size_t)need * sizeof *p + 16);
    if (!p) return -1;
    z->scratch = p;
    z->scratch_cap = need;
  }
  z->unstable = 0;
  return 0;
}

/* The byte before the cursor in the output as it would be, or -1. */
static int prev_byte(const norm_state *z, size_t i) {
  if (i > z->pend) return z->s[i - 1];
  if (z->out->len > z->base) return (unsigned char)z->out->data[z->out->len - 1];
  return -1;
}

/* Replaces input [i, i+k) by the ASCII or U+FFFD text r. A newline first
 * trims trailing spaces when o->spaces is set. */
static int replace(norm_state *z, size_t i, size_t k, const char *r, size_t rlen) {
  if (z->unstable && end_span(z, i)) return -1;
  if (flush(z, i)) return -1;
  stet_buf *b = z->out;
  if (rlen == 1 && r[0] == '\n' && z->o->spaces) {
    while (b->len > z->base && (b->data[b->len - 1] == ' ' || b->data[b->len - 1] == '\t'))
      b->len--;
  }
  if (stet_buf_append(b, r, rlen)) return -1;
  z->pend = i + k;
  z->stable = b->len - (rlen == 3 && (unsigned char)r[0] == 0xEF ? 3 : 1);
  z->last_ccc = 0;
  return 0;
}

/* Removes input [i, i+k). A removed character does not end a span. */
static int delete(norm_state *z, size_t i, size_t k) {
  if (flush(z, i)) return -1;
  z->pend = i + k;
  return 0;
}

/* Index of the first byte in s[i..n) that the plain ASCII path cannot copy
 * as it is: >= 0x80, a control other than "\n" and "\t", DEL, A-Z when case
 * folding, and (when trimming) a "\n" right after a space or tab. It may stop
 * earlier than needed (special_ascii then keeps the byte), never later.
 * after_blank says whether the output so far ends with a space or tab: the
 * input byte before i is not that byte when it was deleted or replaced. */
static size_t plain_ascii_end(const unsigned char *s, size_t i, size_t n, int fold, int trim,
                              int after_blank) {
#ifdef __SSE2__
  const __m128i lim = _mm_set1_epi8(0x20), del = _mm_set1_epi8(0x7F);
  const __m128i a1 = _mm_set1_epi8('A' - 1), z1 = _mm_set1_epi8('Z' + 1);
  const __m128i nl = _mm_set1_epi8('\n'), tab = _mm_set1_epi8('\t'), sp = _mm_set1_epi8(' ');
  unsigned carry = after_blank ? 1u : 0u;
  while (i + 16 <= n) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    __m128i is_nl = _mm_cmpeq_epi8(v, nl), is_tab = _mm_cmpeq_epi8(v, tab);
    __m128i bad = _mm_or_si128(_mm_cmplt_epi8(v, lim), _mm_cmpeq_epi8(v, del));
    if (fold)
      bad = _mm_or_si128(bad, _mm_and_si128(_mm_cmpgt_epi8(v, a1), _mm_cmplt_epi8(v, z1)));
    unsigned m = (unsigned)_mm_movemask_epi8(bad) & ~(unsigned)_mm_movemask_epi8(_mm_or_si128(is_nl, is_tab));
    if (trim) {
      unsigned blank = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, sp), is_tab));
      m |= (unsigned)_mm_movemask_epi8(is_nl) & ((blank << 1) | carry);
      carry = blank >> 15;
    }
    if (m) return i + (size_t)__builtin_ctz(m);
    i += 16;
  }
#else
  (void)trim;
  (void)after_blank;
#endif
  for (; i < n; i++) {
    unsigned c = s[i];
    if (c < 0x20 || c >= 0x7F || (fold && c >= 'A' && c <= 'Z')) break;
  }
  return i;
}

#ifdef STET_BYTEMASK_AVX2
/* plain_ascii_end, 32 bytes at a time while 34 remain. With `wide`, the
 * run may also hold characters that need nothing under the options
 * normalize_main allows it for (see there): the Latin-1 letters U+00C0 to
 * U+00FF (C3 80..BF) and the dashes and quotes U+2013, U+2014, U+2018,
 * U+2019, U+201C, U+201D (E2 80 93, 94, 98, 99, 9C, 9D), whole: a block
 * never ends inside one, and every other byte >= 0x80 stops the run. */
STET_TARGET_AVX2 static size_t plain_ascii_end_avx2(const unsigned char *s, size_t i, size_t n,
                                                    int fold, int trim, int after_blank,
                                                    int wide) {
  const __m256i lim = _mm256_set1_epi8(0x20), del = _mm256_set1_epi8(0x7F);
  const __m256i a1 = _mm256_set1_epi8('A' - 1), z1 = _mm256_set1_epi8('Z' + 1);
  const __m256i nl = _mm256_set1_epi8('\n'), tab = _mm256_set1_epi8('\t');
  const __m256i sp = _mm256_set1_epi8(' ');
  const __m256i c3 = _mm256_set1_epi8((char)0xC3), e2 = _mm256_set1_epi8((char)0xE2);
  const __m256i x80 = _mm256_set1_epi8((char)0x80), xc0 = _mm256_set1_epi8((char)0xC0);
  uint32_t carry = after_blank ? 1u : 0u;
  while (i + 34 <= n) {
    __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(s + i));
    __m256i is_nl = _mm256_cmpeq_epi8(v, nl), is_tab = _mm256_cmpeq_epi8(v, tab);
    /* signed: bytes >= 0x80 are below 0x20 too */
    __m256i bad = _mm256_or_si256(_mm256_cmpgt_epi8(lim, v), _mm256_cmpeq_epi8(v, del));
    if (fold)
      bad = _mm256_or_si256(bad, _mm256_and_si256(_mm256_cmpgt_epi8(v, a1),
                                                  _mm256_cmpgt_epi8(z1, v)));
    uint32_t m = (uint32_t)_mm256_movemask_epi8(bad) &
                 ~(uint32_t)_mm256_movemask_epi8(_mm256_or_si256(is_nl, is_tab));
    uint32_t adv = 32;
    if (wide && (m & (uint32_t)_mm256_movemask_epi8(v))) {
      __m256i v1 = _mm256_loadu_si256((const __m256i *)(const void *)(s + i + 1));
      __m256i v2 = _mm256_loadu_si256((const __m256i *)(const void *)(s + i + 2));
      /* C3 and a continuation byte (80..BF: below C0, signed) */
      uint32_t l2 = (uint32_t)_mm256_movemask_epi8(
          _mm256_and_si256(_mm256_cmpeq_epi8(v, c3), _mm256_cmpgt_epi8(xc0, v1)));
      /* E2 80 and 93, 94, 98, 99, 9C or 9D: 90 + 3, 4, 8, 9, 12, 13 */
      __m256i d = _mm256_sub_epi8(v2, _mm256_set1_epi8((char)0x90));
      __m256i in = _mm256_and_si256(_mm256_cmpgt_epi8(_mm256_set1_epi8(14), d),
                                    _mm256_cmpgt_epi8(d, _mm256_set1_epi8(-1)));
      /* bit d of 0x3318 (d in 0..13): shuffle the bit table by d */
      const __m256i bits = _mm256_setr_epi8(0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0,
                                            0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0);
      __m256i hit = _mm256_cmpeq_epi8(_mm256_shuffle_epi8(bits, _mm256_and_si256(d, in)),
                                      _mm256_set1_epi8(1));
      uint32_t l3 = (uint32_t)_mm256_movemask_epi8(_mm256_and_si256(
          _mm256_and_si256(_mm256_cmpeq_epi8(v, e2), _mm256_cmpeq_epi8(v1, x80)),
          _mm256_and_si256(in, hit)));
      m &= ~(l2 | l2 << 1 | l3 | l3 << 1 | l3 << 2);
      /* a character that runs past the block starts the next one */
      uint32_t over = (l2 & 0x80000000u) | (l3 & 0xC0000000u);
      if (over) adv = (uint32_t)__builtin_ctz(over);
      m &= adv == 32 ? ~0u : (1u << adv) - 1;
    }
    if (trim) {
      uint32_t blank =
          (uint32_t)_mm256_movemask_epi8(_mm256_or_si256(_mm256_cmpeq_epi8(v, sp), is_tab));
      m |= (uint32_t)_mm256_movemask_epi8(is_nl) & ((blank << 1) | carry);
      carry = (blank >> (adv - 1)) & 1;
    }
    if (m) return i + (size_t)__builtin_ctz(m);
    i += adv;
  }
  return plain_ascii_end(s, i, n, fold, trim, (int)carry);
}
#endif

/* Handles an ASCII byte that plain_ascii_end stopped at. Returns the bytes
 * consumed, or 0 on allocation failure. */
static size_t special_ascii(norm_state *z, size_t i) {
  const stet_norm_opts *o = z->o;
  unsigned c = z->s[i];
  /* A removed control is not there: like a removed non-ASCII character it
   * neither ends a span nor separates the combining marks around it. */
  if (o->controls && (c < 0x20 || c == 0x7F) && c != '\t' && c != '\n' && c != '\r')
    return delete(z, i, 1) ? 0 : 1;
  if (z->unstable && end_span(z, i)) return 0;
  z->last_ccc = 0;
  if (c == '\r' && o->newlines) {
    size_t k = (i + 1 < z->n && z->s[i + 1] == '\n') ? 2 : 1;
    return replace(z, i, k, "\n", 1) ? 0 : k;
  }
  if (c == '\n') {
    int p = prev_byte(z, i);
    if (o->spaces && (p == ' ' || p == '\t')) return replace(z, i, 1, "\n", 1) ? 0 : 1;
  } else if (c >= 'A' && c <= 'Z' && o->casefold) {
    char lower = (char)(c + 32);
    return replace(z, i, 1, &lower, 1) ? 0 : 1;
  }
  z->stable = vout(z, i);
  return 1;
}

/* What a non-ASCII code point becomes under the mapping options:
 * 0 keep, 1 replace by *r, 2 delete. */
static int map_special(const stet_norm_opts *o, int32_t cp, const char **r) {
  if (cp < 0xA0) { /* C1 controls */
    if (cp == 0x85) {
      if (!o->newlines) return 0; /* a line ending, left as it is */
      *r = "\n";
      return 1;
    }
    return o->controls ? 2 : 0;
  }
  switch (cp) {
  case 0xA0: case 0x1680: case 0x2000: case 0x2001: case 0x2002: case 0x2003:
  case 0x2004: case 0x2005: case 0x2006: case 0x2007: case 0x2008: case 0x2009:
  case 0x200A: case 0x202F: case 0x205F: case 0x3000:
    if (o->spaces) { *r = " "; return 1; }
    return 0;
  case 0xAD: case 0x200B: case 0x200C: case 0x200D: case 0x2060: case 0xFEFF:
    return o->spaces ? 2 : 0;
  case 0x2028: case 0x2029:
    if (o->newlines) { *r = "\n"; return 1; }
    return 0;
  default:
    break;
  }
  if (!o->quotes) return 0;
  switch (cp) {
  case 0x2018: case 0x2019: case 0x201A: case 0x201B: case 0x2032: case 0x2035:
    *r = "'"; return 1;
  case 0x201C: case 0x201D: case 0x201E: case 0x201F: case 0x2033: case 0x2036:
    *r = "\""; return 1;
  case 0x2012: case 0x2013: case 0x2014: case 0x2015:
    *r = "-"; return 1;
  case 0x2026:
    *r = "..."; return 1;
  default:
    return 0;
  }
}

static int may_be_special(int32_t cp) {
  return cp <= 0xAD || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x2060) ||
         cp == 0x3000 || cp == 0xFEFF;
}

/* Handles the non-ASCII sequence at i. Returns bytes consumed, 0 on ENOMEM. */
static size_t non_ascii(norm_state *z, size_t i) {
  int32_t cp;
  size_t k = stet_utf8_decode(z->s + i, z->n - i, &cp);
  if (cp == STET_UTF8_INVALID) {
    z->st->repaired++;
    return replace(z, i, k, "\xEF\xBF\xBD", 3) ? 0 : k;
  }
  if (may_be_special(cp)) {
    const char *r = NULL;
    int what = map_special(z->o, cp, &r);
    if (what == 1) return replace(z, i, k, r, strlen(r)) ? 0 : k;
    if (what == 2) return delete(z, i, k) ? 0 : k;
  }
  if (z->o->form == STET_FORM_NONE && !z->o->casefold) return k;
  uint8_t f = stet_normprops((uint32_t)cp);
  unsigned ccc = (f & STET_NP_CCC) ? utf8proc_get_property(cp)->combining_class : 0;
  int fails = (f & z->fail) || (ccc && ccc < z->last_ccc);
  if (z->unstable) {
    if (!fails && ccc == 0) {
      if (end_span(z, i)) return 0;
      z->stable = vout(z, i);
    }
  } else if (fails) {
    z->unstable = 1;
  } else if (ccc == 0) {
    z->stable = vout(z, i);
  }
  z->last_ccc = ccc;
  return k;
}

static int normalize_main(const char *in, size_t n, const stet_norm_opts *o,
                          stet_buf *out, stet_norm_stats *st, int simd) {
  norm_state z;
  memset(&z, 0, sizeof z);
  z.s = (const unsigned char *)in;
  z.n = n;
  z.o = o;
  z.out = out;
  z.base = z.stable = out->len;
  z.st = st;
  z.upopts = UTF8PROC_STABLE;
  switch (o->form) {
  case STET_FORM_NFC:
    z.fail = STET_NP_NFC_NO | STET_NP_NFC_MAYBE;
    z.upopts |= UTF8PROC_COMPOSE;
    break;
  case STET_FORM_NFD:
    z.fail = STET_NP_NFD_NO;
    z.upopts |= UTF8PROC_DECOMPOSE;
    break;
  case STET_FORM_NFKC:
    z.fail = STET_NP_NFKC_NO | STET_NP_NFKC_MAYBE;
    z.upopts |= UTF8PROC_COMPOSE | UTF8PROC_COMPAT;
    break;
  case STET_FORM_NFKD:
    z.fail = STET_NP_NFKD_NO;
    z.upopts |= UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT;
    break;
  default:
    /* no form: casefold alone still needs a valid utf8proc mode */
    z.upopts |= UTF8PROC_COMPOSE;
    break;
  }
  if (o->casefold) {
    z.fail |= STET_NP_CWCF;
    z.upopts |= UTF8PROC_CASEFOLD;
  }
  int rc = 0;
  size_t i = 0;
#ifdef STET_BYTEMASK_AVX2
  int avx2 = simd != 0 && n >= 64 && stet_have_avx2();
  /* the characters plain_ascii_end_avx2 may take whole: under NFC (or no
   * form), without case folding or the mapping of quotes, each is stable
   * (quick check Yes, combining class 0) and changes in no way */
  int wide = (o->form == STET_FORM_NFC || o->form == STET_FORM_NONE) && !o->casefold &&
             !o->quotes;
#else
  (void)simd;
#endif
  while (i < n) {
    int p = o->spaces ? prev_byte(&z, i) : -1;
    int blank = p == ' ' || p == '\t';
    size_t j;
#ifdef STET_BYTEMASK_AVX2
    if (avx2)
      j = plain_ascii_end_avx2(z.s, i, n, o->casefold, o->spaces, blank, wide);
    else
#endif
      j = plain_ascii_end(z.s, i, n, o->casefold, o->spaces, blank);
    if (j > i) {
      if (z.unstable && end_span(&z, i)) { rc = -1; break; }
      /* the last character of the run starts stable: walk back over the
       * continuation bytes of a wide one */
      size_t last = j - 1;
      while ((z.s[last] & 0xC0) == 0x80) last--;
      z.stable = vout(&z, last);
      z.last_ccc = 0;
      i = j;
      if (i >= n) break;
    }
    size_t k = z.s[i] < 0x80 ? special_ascii(&z, i) : non_ascii(&z, i);
    if (k == 0) { rc = -1; break; }
    i += k;
  }
  if (rc == 0 && z.unstable && end_span(&z, n)) rc = -1;
  if (rc == 0 && o->spaces && n > 0) {
    int p = prev_byte(&z, n);
    if (p == ' ' || p == '\t') {
      if (flush(&z, n)) rc = -1;
      while (out->len > z.base && (out->data[out->len - 1] == ' ' || out->data[out->len - 1] == '\t'))
        out->len--;
    }
  }
  if (rc == 0 && z.changed && flush(&z, n)) rc = -1;
  free(z.scratch);
  if (rc) return -1;
  /* a span that went through utf8proc may come back as it was */
  if (z.changed && out->len - z.base == n && memcmp(out->data + z.base, in, n) == 0) {
    out->len = z.base;
    return 0;
  }
  return z.changed ? 1 : 0;
}

int stet_normalize(const char *in, size_t n, const stet_norm_opts *o,
                   stet_buf *out, stet_norm_stats *st) {
  return stet_normalize_simd(in, n, o, out, st, -1);
}

int stet_normalize_simd(const char *in, size_t n, const stet_norm_opts *o,
                        stet_buf *out, stet_norm_stats *st, int simd) {
  if (o->mojibake) {
    stet_buf fixed = STET_BUF_INIT;
    int r = stet_mojibake_repair(in, n, &fixed, &st->mojibake);
    if (r == 1) {
      int r2 = normalize_main(fixed.data, fixed.len, o, out, st, simd);
      if (r2 == 0 && stet_buf_append(out, fixed.data, fixed.len)) r2 = -1;
      stet_buf_free(&fixed);
      return r2 < 0 ? -1 : 1;
    }
    stet_buf_free(&fixed);
    if (r < 0) return -1;
  }
  return normalize_main(in, n, o, out, st, simd);
}
