/* core/segment.c: UAX #29 extended grapheme clusters and paragraphs.
 *
 * Word boundaries live in core/wordbreak.c, sentence boundaries in
 * core/sentbreak.c and the news rules on top of them in core/sentences.c;
 * segment.h declares them all. */
#include "segment.h"

#include <stdint.h>
#include <string.h>

#include "segprops.h"
#include "utf8.h"

/* The grapheme property byte of the character at s[i], its length in *len. */
static inline unsigned gcb_at(const unsigned char *s, size_t n, size_t i, size_t *len) {
  if (s[i] < 0x80) {
    *len = 1;
    return stet_gcb_stage2[s[i]];
  }
  int32_t cp;
  *len = stet_utf8_decode(s + i, n - i, &cp);
  return stet_gcb((uint32_t)cp);
}

/* Rules GB3..GB13 between prev and cur; emoji is 2 after ExtPict Extend*
 * ZWJ, ri the number of Regional_Indicators ending at prev. 1 = break. */
static int gcb_breaks(unsigned prev, unsigned cur, unsigned curflags, int emoji, size_t ri) {
  if (prev == STET_GCB_CR) return cur != STET_GCB_LF;                       /* GB3, GB4 */
  if (prev == STET_GCB_LF || prev == STET_GCB_CONTROL) return 1;            /* GB4 */
  if (cur == STET_GCB_CR || cur == STET_GCB_LF || cur == STET_GCB_CONTROL) return 1; /* GB5 */
  if (prev == STET_GCB_L && (cur == STET_GCB_L || cur == STET_GCB_V ||
                             cur == STET_GCB_LV || cur == STET_GCB_LVT)) return 0; /* GB6 */
  if ((prev == STET_GCB_LV || prev == STET_GCB_V) &&
      (cur == STET_GCB_V || cur == STET_GCB_T)) return 0;                   /* GB7 */
  if ((prev == STET_GCB_LVT || prev == STET_GCB_T) && cur == STET_GCB_T) return 0; /* GB8 */
  if (cur == STET_GCB_EXTEND || cur == STET_GCB_ZWJ) return 0;              /* GB9 */
  if (cur == STET_GCB_SPACINGMARK) return 0;                                /* GB9a */
  if (prev == STET_GCB_PREPEND) return 0;                                   /* GB9b */
  if (emoji == 2 && (curflags & STET_GCB_EXTPICT)) return 0;                /* GB11 */
  if (prev == STET_GCB_REGIONAL_INDICATOR && cur == STET_GCB_REGIONAL_INDICATOR &&
      (ri & 1)) return 0;                                                   /* GB12, GB13 */
  return 1;                                                                 /* GB999 */
}

size_t stet_grapheme_next(const char *str, size_t n, size_t pos) {
  const unsigned char *s = (const unsigned char *)str;
  size_t len;
  unsigned v = gcb_at(s, n, pos, &len);
  unsigned prev = v & STET_GCB_MASK;
  int emoji = (v & STET_GCB_EXTPICT) ? 1 : 0;
  size_t ri = prev == STET_GCB_REGIONAL_INDICATOR;
  size_t i = pos + len;
  while (i < n) {
    /* Two ASCII characters other than CR LF always break (GB4, GB999). */
    if (s[i] < 0x80 && s[i - 1] < 0x80 && s[i - 1] != '\r') return i;
    v = gcb_at(s, n, i, &len);
    unsigned cur = v & STET_GCB_MASK;
    if (gcb_breaks(prev, cur, v, emoji, ri)) return i;
    if (v & STET_GCB_EXTPICT) emoji = 1;
    else if (emoji == 1 && cur == STET_GCB_ZWJ) emoji = 2;
    else if (!(emoji == 1 && cur == STET_GCB_EXTEND)) emoji = 0;
    ri = cur == STET_GCB_REGIONAL_INDICATOR ? ri + 1 : 0;
    prev = cur;
    i += len;
  }
  return n;
}

/* White space that a blank line may hold and that trimming removes. */
static inline int is_blank(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || c == '\n';
}

/* Trims [a, b) and reports it when not empty. */
static int emit_trimmed(const char *s, size_t a, size_t b, stet_span_fn fn, void *ud) {
  while (a < b && is_blank((unsigned char)s[a])) a++;
  while (b > a && is_blank((unsigned char)s[b - 1])) b--;
  return a < b ? fn(ud, a, b) : 0;
}

int stet_paragraphs_each(const char *s, size_t n, int lines, stet_span_fn fn, void *ud) {
  size_t start = 0; /* first non-blank byte of the current paragraph */
  size_t line = 0;  /* start of the current line */
  int any = 0;      /* the current paragraph has a non-blank line */
  while (line < n) {
    const char *nl = memchr(s + line, '\n', n - line);
    size_t end = nl ? (size_t)(nl - s) + 1 : n;
    size_t k = line;
    while (k < end && is_blank((unsigned char)s[k])) k++;
    int blank = k == end;
    if (lines) {
      if (!blank) {
        int r = emit_trimmed(s, k, end, fn, ud);
        if (r) return r;
      }
    } else if (blank) {
      if (any) {
        int r = emit_trimmed(s, start, line, fn, ud);
        if (r) return r;
        any = 0;
      }
    } else if (!any) {
      start = k;
      any = 1;
    }
    line = end;
  }
  if (any) return emit_trimmed(s, start, n, fn, ud);
  return 0;
}
