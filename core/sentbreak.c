/* core/sentbreak.c: UAX #29 sentence boundaries (rules SB1..SB998).
 *
 * stet_sentence_next scans forward from a boundary. Between terminators it
 * only needs to know the last two characters after SB5 (Extend and Format
 * attach to what precedes them); after an ATerm or STerm it follows the
 * pattern SATerm Close* Sp* of rules SB8..SB11. ASCII text without
 * terminators or line ends is skipped a byte at a time through a table. */
#include <stdint.h>

#include "segment.h"
#include "segprops.h"
#include "utf8.h"

#define NONE 0xFFu

/* The sentence property of the character at s[i], its length in *len. */
static inline unsigned sb_at(const unsigned char *s, size_t n, size_t i, size_t *len) {
  if (s[i] < 0x80) {
    *len = 1;
    return stet_sb_stage2[s[i]];
  }
  int32_t cp;
  *len = stet_utf8_decode(s + i, n - i, &cp);
  return stet_sb((uint32_t)cp);
}

#define BIT(c) (1u << (c))
/* Classes that end the plain fast path. */
#define SPECIAL (BIT(STET_SB_ATERM) | BIT(STET_SB_STERM) | BIT(STET_SB_CR) | \
                 BIT(STET_SB_LF) | BIT(STET_SB_SEP))
#define PARASEP (BIT(STET_SB_SEP) | BIT(STET_SB_CR) | BIT(STET_SB_LF))

/* SB8: after ATerm Close* Sp*, whether the next character among OLetter,
 * Upper, Lower, ParaSep, ATerm and STerm, from offset j on, is a Lower. */
static int sb8_lower_ahead(const unsigned char *s, size_t n, size_t j) {
  const unsigned stop = BIT(STET_SB_OLETTER) | BIT(STET_SB_UPPER) | BIT(STET_SB_LOWER) |
                        PARASEP | BIT(STET_SB_ATERM) | BIT(STET_SB_STERM);
  while (j < n) {
    size_t len;
    unsigned c = sb_at(s, n, j, &len);
    if (BIT(c) & stop) return c == STET_SB_LOWER;
    j += len;
  }
  return 0;
}

size_t stet_sentence_next(const char *str, size_t n, size_t pos) {
  const unsigned char *s = (const unsigned char *)str;
  size_t len;
  unsigned prev = sb_at(s, n, pos, &len), pp = NONE;
  size_t i = pos + len;
  if (prev == STET_SB_CR) {                                                 /* SB3, SB4 */
    if (i < n && s[i] == '\n') i++;
    return i;
  }
  if (BIT(prev) & PARASEP) return i;                                        /* SB4 */
  /* term: the last ATerm or STerm while the text since it is Close* Sp*
   * (NONE otherwise); spaces: whether an Sp followed it. */
  unsigned term = (prev == STET_SB_ATERM || prev == STET_SB_STERM) ? prev : NONE;
  int spaces = 0;
  while (i < n) {
    if (term == NONE && s[i] < 0x80 && !(BIT(stet_sb_stage2[s[i]]) & SPECIAL)) {
      size_t j = i + 1;
      while (j < n && s[j] < 0x80 && !(BIT(stet_sb_stage2[s[j]]) & SPECIAL)) j++;
      pp = j - i >= 2 ? stet_sb_stage2[s[j - 2]] : prev;
      prev = stet_sb_stage2[s[j - 1]];
      i = j;
      continue;
    }
    unsigned cur = sb_at(s, n, i, &len);
    if (cur == STET_SB_EXTEND || cur == STET_SB_FORMAT) {                   /* SB5 */
      i += len;
      continue;
    }
    if (BIT(cur) & PARASEP) {                 /* SB9, SB10, SB998, then SB4 */
      i += len;
      if (cur == STET_SB_CR && i < n && s[i] == '\n') i++;
      return i;
    }
    if (term != NONE) {
      int join = 0;
      if (prev == STET_SB_ATERM &&
          (cur == STET_SB_NUMERIC ||                                        /* SB6 */
           (cur == STET_SB_UPPER && (pp == STET_SB_UPPER || pp == STET_SB_LOWER)))) /* SB7 */
        join = 1;
      else if (term == STET_SB_ATERM && sb8_lower_ahead(s, n, i))           /* SB8 */
        join = 1;
      else if (cur == STET_SB_SCONTINUE || cur == STET_SB_ATERM || cur == STET_SB_STERM)
        join = 1;                                                           /* SB8a */
      else if (!spaces && cur == STET_SB_CLOSE)                             /* SB9 */
        join = 1;
      else if (cur == STET_SB_SP)                                           /* SB9, SB10 */
        join = 1;
      if (!join) return i;                                                  /* SB11 */
    }
    if (cur == STET_SB_ATERM || cur == STET_SB_STERM) {
      term = cur;
      spaces = 0;
    } else if (term != NONE && cur == STET_SB_CLOSE && !spaces) {
    } else if (term != NONE && cur == STET_SB_SP) {
      spaces = 1;
    } else {
      term = NONE;
    }
    pp = prev;
    prev = cur;
    i += len;
  }
  return n;
}
