/* core/sentences.c: news-aware sentences on top of the UAX #29 sentence
 * boundaries of core/sentbreak.c, and the abbreviation sets they consult.
 *
 * A UAX #29 boundary is dropped (the two sentences are joined) when
 *  - the sentence ends with "WORD." and spaces, WORD being a title (Mr, Sen),
 *    or an abbreviation that may end a sentence (U.S., Inc., Jan.), an
 *    initial (W.) or an initialism (J.K., D.C.) and the next word is not a
 *    listed sentence starter (The, He, But...);
 *  - the next sentence begins with a lower-case letter ("Stop!" he said);
 *  - the sentence is only a list number ("1." in "1. Register online.").
 * A boundary after a line end is never dropped. The word lists come from the
 * caller (lua/stet/abbreviations.lua), held in a stet_abbrevs hash set. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "segment.h"
#include "segprops.h"
#include "utf8.h"

#define MAX_WORD 64

typedef struct abbr_slot {
  uint32_t hash;
  uint32_t off;   /* into names; 0 = empty slot (names[0] is unused) */
  uint8_t len;
  uint8_t flags;  /* STET_ABBR_* bits, see flag_of */
} abbr_slot;

struct stet_abbrevs {
  abbr_slot *slots;
  size_t cap, used; /* cap a power of two */
  char *names;
  size_t names_len, names_cap;
};

/* Title and may-end are exclusive values in the low bits; starter is a bit. */
enum { KIND_MASK = 3, STARTER_BIT = 4 };

static uint32_t hash_word(const char *w, size_t len) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)w[i]) * 16777619u;
  return h;
}

stet_abbrevs *stet_abbrevs_new(void) {
  stet_abbrevs *a = calloc(1, sizeof *a);
  if (!a) return NULL;
  a->cap = 64;
  a->slots = calloc(a->cap, sizeof *a->slots);
  a->names_cap = 1024;
  a->names = malloc(a->names_cap);
  if (!a->slots || !a->names) {
    stet_abbrevs_free(a);
    return NULL;
  }
  a->names_len = 1;
  return a;
}

void stet_abbrevs_free(stet_abbrevs *a) {
  if (!a) return;
  free(a->slots);
  free(a->names);
  free(a);
}

/* The slot holding w, or the empty slot where it would go. */
static abbr_slot *find_slot(const stet_abbrevs *a, const char *w, size_t len, uint32_t h) {
  size_t mask = a->cap - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    abbr_slot *e = &a->slots[i];
    if (e->off == 0) return e;
    if (e->hash == h && e->len == len && memcmp(a->names + e->off, w, len) == 0) return e;
  }
}

/* Doubles the slot array. 0 or -1. */
static int grow(stet_abbrevs *a) {
  abbr_slot *old = a->slots;
  size_t oldcap = a->cap;
  abbr_slot *slots = calloc(oldcap * 2, sizeof *slots);
  if (!slots) return -1;
  a->slots = slots;
  a->cap = oldcap * 2;
  for (size_t i = 0; i < oldcap; i++) {
    if (old[i].off == 0) continue;
    size_t mask = a->cap - 1, j = old[i].hash & mask;
    while (slots[j].off) j = (j + 1) & mask;
    slots[j] = old[i];
  }
  free(old);
  return 0;
}

int stet_abbrevs_set(stet_abbrevs *a, const char *w, size_t len, stet_abbr_kind kind) {
  if (len && w[len - 1] == '.') len--;
  if (len == 0 || len > MAX_WORD) return 0;
  uint32_t h = hash_word(w, len);
  abbr_slot *e = find_slot(a, w, len, h);
  if (e->off == 0) {
    if (kind == STET_ABBR_NONE) return 0;
    if ((a->used + 1) * 2 > a->cap) {
      if (grow(a)) return -1;
      e = find_slot(a, w, len, h);
    }
    if (a->names_len + len > a->names_cap) {
      size_t cap = a->names_cap * 2 + len;
      char *p = realloc(a->names, cap);
      if (!p) return -1;
      a->names = p;
      a->names_cap = cap;
    }
    memcpy(a->names + a->names_len, w, len);
    e->hash = h;
    e->off = (uint32_t)a->names_len;
    e->len = (uint8_t)len;
    e->flags = 0;
    a->names_len += len;
    a->used++;
  }
  if (kind == STET_ABBR_STARTER) e->flags |= STARTER_BIT;
  else if (kind == STET_ABBR_NONE) e->flags &= STARTER_BIT;
  else e->flags = (uint8_t)((e->flags & STARTER_BIT) | kind);
  return 0;
}

/* The flags of w (0 when absent). */
static unsigned abbr_flags(const stet_abbrevs *a, const char *w, size_t len) {
  if (len == 0 || len > MAX_WORD) return 0;
  const abbr_slot *e = find_slot(a, w, len, hash_word(w, len));
  return e->off ? e->flags : 0;
}

stet_abbr_kind stet_abbrevs_get(const stet_abbrevs *a, const char *w, size_t len) {
  if (len && w[len - 1] == '.') len--;
  return (stet_abbr_kind)(abbr_flags(a, w, len) & KIND_MASK);
}

static inline int is_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}
static inline int is_alpha(unsigned char c) {
  return (unsigned char)((c | 0x20) - 'a') < 26;
}
static inline int is_upper(unsigned char c) {
  return (unsigned char)(c - 'A') < 26;
}

/* Whether s[a..b) is an initialism: one or two letters, then ".X" or ".XY"
 * groups ("U.S", "J.K", "a.m", "Ph.D"). */
static int initialism(const char *s, size_t a, size_t b) {
  size_t run = 0, dots = 0;
  for (size_t i = a; i < b; i++) {
    if (s[i] == '.') {
      if (run == 0) return 0;
      dots++;
      run = 0;
    } else if (++run > 2) {
      return 0;
    }
  }
  return dots > 0 && run > 0;
}

/* Whether the sentence s[start..e) ends in an abbreviation or initial that
 * the next text s[e..n) continues, so the boundary at e is dropped. */
static int abbrev_continues(const char *s, size_t start, size_t e, size_t n,
                            const stet_abbrevs *ab) {
  size_t t = e;
  while (t > start && (s[t - 1] == ' ' || s[t - 1] == '\t')) t--;
  if (t == e || t <= start || s[t - 1] != '.') return 0;  /* "WORD." then spaces */
  size_t dot = t - 1, a = dot;
  while (a > start && (is_alpha((unsigned char)s[a - 1]) || s[a - 1] == '.')) a--;
  if (a == dot || s[a] == '.' || s[dot - 1] == '.') return 0;  /* ellipsis, "x.." */
  if (a > start && ((unsigned char)s[a - 1] >= 0x80 ||
                    (unsigned char)(s[a - 1] - '0') < 10)) return 0;  /* part of a longer word */
  unsigned kind = abbr_flags(ab, s + a, dot - a) & KIND_MASK;
  if (kind == STET_ABBR_TITLE) return 1;
  if (kind == STET_ABBR_NONE) {
    if (dot - a == 1 && is_upper((unsigned char)s[a])) kind = STET_ABBR_MAYEND;  /* "W." */
    else if (initialism(s, a, dot)) kind = STET_ABBR_MAYEND;
    else return 0;
  }
  /* May end: split only before a starter word (after opening quotes). */
  size_t w = e;
  while (w < n && (s[w] == '"' || s[w] == '\'' || s[w] == '(' || s[w] == '[')) w++;
  if (w + 3 <= n && (unsigned char)s[w] == 0xE2 && (unsigned char)s[w + 1] == 0x80 &&
      ((unsigned char)s[w + 2] == 0x9C || (unsigned char)s[w + 2] == 0x98))
    w += 3; /* “ or ‘ */
  size_t we = w;
  while (we < n && is_alpha((unsigned char)s[we])) we++;
  return !(abbr_flags(ab, s + w, we - w) & STARTER_BIT);
}

/* Whether s[a..b), trimmed, is a list number such as "1." or "12.". */
static int list_number(const char *s, size_t a, size_t b) {
  while (a < b && is_space((unsigned char)s[a])) a++;
  while (b > a && is_space((unsigned char)s[b - 1])) b--;
  if (b - a < 2 || b - a > 4 || s[b - 1] != '.') return 0;
  for (size_t i = a; i < b - 1; i++)
    if ((unsigned char)(s[i] - '0') >= 10) return 0;
  return 1;
}

/* Whether the text at s[e..n) starts with a lower-case letter. */
static int starts_lower(const char *s, size_t e, size_t n) {
  size_t len;
  int32_t cp;
  if (e >= n) return 0;
  if ((unsigned char)s[e] < 0x80) return (unsigned char)(s[e] - 'a') < 26;
  len = stet_utf8_decode((const unsigned char *)s + e, n - e, &cp);
  (void)len;
  return stet_sb((uint32_t)cp) == STET_SB_LOWER;
}

/* Whether the UAX #29 sentence s[..e) ends with a paragraph separator. */
static int ends_line(const char *s, size_t e) {
  unsigned char c = (unsigned char)s[e - 1];
  if (c == '\n' || c == '\r') return 1;
  if (e >= 2 && c == 0x85 && (unsigned char)s[e - 2] == 0xC2) return 1;
  return e >= 3 && (c == 0xA8 || c == 0xA9) && (unsigned char)s[e - 2] == 0x80 &&
         (unsigned char)s[e - 3] == 0xE2;
}

int stet_sentences_each(const char *s, size_t n, const stet_abbrevs *ab,
                        stet_span_fn fn, void *ud) {
  size_t start = 0, pos = 0;
  while (pos < n) {
    size_t e = stet_sentence_next(s, n, pos);
    if (ab && e < n && !ends_line(s, e) &&
        (starts_lower(s, e, n) || list_number(s, start, e) ||
         abbrev_continues(s, pos, e, n, ab))) {
      pos = e;
      continue;
    }
    size_t a = start, b = e;
    while (a < b && is_space((unsigned char)s[a])) a++;
    while (b > a && is_space((unsigned char)s[b - 1])) b--;
    if (a < b) {
      int r = fn(ud, a, b);
      if (r) return r;
    }
    start = pos = e;
  }
  return 0;
}
