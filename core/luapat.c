/* core/luapat.c: Lua 5.4 patterns compiled to items and matched by a
 * backtracking matcher, and sets of patterns with first-byte dispatch
 * (see luapat.h).
 *
 * Compiling walks the pattern exactly as Lua's matcher would meet its
 * pieces (so every error the matcher could raise on some subject is found,
 * with the same message) and turns each piece into an item: a byte, any
 * byte, a byte set (classes and [sets] become 256-bit maps, in the C
 * locale), a capture open/close/position, the end anchor, %b, %f or a
 * back-reference, with a quantifier. Which capture a ')' closes, and
 * whether a back-reference is valid, is fixed by the pattern's text, so
 * both are resolved here. Matching recurses where Lua's matcher recurses
 * (captures, '?' that matched, '*', '+', '-'), so the depth limit of 200
 * behaves the same. */
#include "luapat.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OP_CHAR, OP_ANY, OP_SET, OP_OPEN, OP_POS, OP_CLOSE, OP_END, OP_BALANCE, OP_FRONTIER, OP_BACKREF };
enum { Q_ONE, Q_STAR, Q_PLUS, Q_LAZY, Q_OPT };

#define CAP_UNFINISHED (-1)
#define CAP_POSITION (-2)
#define BAD ((size_t)-1)
#define HAS(bits, c) ((bits)[(c) >> 3] & (1u << ((c) & 7)))
#define ADD(bits, c) ((bits)[(c) >> 3] |= (unsigned char)(1u << ((c) & 7)))

typedef struct pat_item {
  unsigned char op, q; /* OP_*, Q_* */
  unsigned char a, b;  /* byte; capture index; %b's open and close bytes */
  uint32_t set;        /* OP_SET, OP_FRONTIER: index in sets */
} pat_item;

struct stet_pat {
  pat_item *items;
  size_t nitems;
  unsigned char (*sets)[32];
  size_t nsets;
  char *src; /* a copy of the source, NUL-terminated */
  size_t len;
  unsigned char *prefix; /* the leading single bytes every match starts with */
  size_t nprefix;
  size_t rare; /* the offset of its byte least common in text */
  int anchored, ncap;
  int first_known;        /* every match starts with a byte in first */
  unsigned char first[32];
  int last_known;         /* every match ends at the subject's end with a byte in last */
  unsigned char last[32];
  unsigned char *suffix;  /* the single bytes every match ends with, but for... */
  size_t nsuffix;
  int opt_last;           /* ...this byte after them, when not -1 ("%.?$") */
};

/* ---- character classes (C locale, as Lua's isalpha & co. there) ---- */

static int is_lower(int c) { return c >= 'a' && c <= 'z'; }
static int is_upper(int c) { return c >= 'A' && c <= 'Z'; }
static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_alpha(int c) { return is_lower(c) || is_upper(c); }
static int is_alnum(int c) { return is_alpha(c) || is_digit(c); }
static int is_graph(int c) { return c >= 33 && c <= 126; }

/* Whether byte c is in class %cl; a letter that names no class, or any
 * other byte, stands for itself. */
static int class_match(int c, int cl) {
  int res;
  switch (is_upper(cl) ? cl + 32 : cl) {
  case 'a': res = is_alpha(c); break;
  case 'c': res = c < 32 || c == 127; break;
  case 'd': res = is_digit(c); break;
  case 'g': res = is_graph(c); break;
  case 'l': res = is_lower(c); break;
  case 'p': res = is_graph(c) && !is_alnum(c); break;
  case 's': res = c == ' ' || (c >= 9 && c <= 13); break;
  case 'u': res = is_upper(c); break;
  case 'w': res = is_alnum(c); break;
  case 'x': res = is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); break;
  case 'z': res = c == 0; break; /* deprecated in Lua, still there */
  default: return cl == c;
  }
  return is_upper(cl) ? !res : res;
}

/* Whether %cl names a class (rather than a byte standing for itself). */
static int is_class(int cl) { return strchr("acdglpsuwxz", is_upper(cl) ? cl + 32 : cl) != NULL && cl != 0; }

static void class_bits(unsigned char bits[32], int cl) {
  for (int c = 0; c < 256; c++)
    if (class_match(c, cl)) ADD(bits, c);
}

/* The bytes of the set pat[p] == '[' ... pat[ec] == ']', read the way Lua
 * reads it: a range's upper end is taken as it is, even a '%', so the
 * escape that follows can reach the closing ']' ("[a-%%]" holds ']'). */
static void bracket_bits(unsigned char bits[32], const unsigned char *pat, size_t p, size_t ec) {
  unsigned char on[32] = { 0 };
  int sig = 1;
  if (pat[p + 1] == '^') {
    sig = 0;
    p++;
  }
  while (++p < ec) {
    if (pat[p] == '%') {
      p++;
      for (int c = 0; c < 256; c++)
        if (class_match(c, pat[p])) ADD(on, c);
    } else if (pat[p + 1] == '-' && p + 2 < ec) {
      p += 2;
      for (int c = pat[p - 2]; c <= pat[p]; c++) ADD(on, c);
    } else {
      ADD(on, pat[p]);
    }
  }
  for (int i = 0; i < 32; i++) bits[i] = sig ? on[i] : (unsigned char)~on[i];
}

/* ---- compiling ---- */

/* The end of the single-byte class starting at pat[p] ('%x', '[set]' or a
 * byte), or BAD with *msg set. */
static size_t class_end(const unsigned char *pat, size_t len, size_t p, const char **msg) {
  unsigned char c = pat[p++];
  if (c == '%') {
    if (p >= len) {
      *msg = "malformed pattern (ends with '%')";
      return BAD;
    }
    return p + 1;
  }
  if (c == '[') {
    if (p < len && pat[p] == '^') p++;
    do {
      if (p >= len) {
        *msg = "malformed pattern (missing ']')";
        return BAD;
      }
      c = pat[p++];
      if (c == '%' && p < len) p++; /* an escaped byte, e.g. "%]" */
    } while (p >= len || pat[p] != ']');
    return p + 1;
  }
  return p;
}

/* Whether Lua would search for the pattern as plain text. */
static int no_specials(const unsigned char *pat, size_t len) {
  for (size_t i = 0; i < len; i++)
    if (pat[i] && strchr("^$*+?.([%-", pat[i])) return 0;
  return 1;
}

/* Turns the pattern into items; returns 0 or STET_PAT_EPATTERN with the
 * message in err. */
static int parse(stet_pat *p, const unsigned char *pat, size_t len, char *err, size_t errlen) {
  const char *msg = NULL;
  unsigned char unfinished[STET_PAT_MAXCAPTURES];
  int level = 0;
  size_t pos = 0;
  if (no_specials(pat, len)) {
    for (; pos < len; pos++) p->items[p->nitems++] = (pat_item){ OP_CHAR, Q_ONE, pat[pos], 0, 0 };
    return 0;
  }
  if (len > 0 && pat[0] == '^') {
    p->anchored = 1;
    pos = 1;
  }
  while (pos < len) {
    pat_item it = { OP_CHAR, Q_ONE, 0, 0, 0 };
    unsigned char c = pat[pos], d = pos + 1 < len ? pat[pos + 1] : 0;
    int esc = c == '%' && pos + 1 < len;
    if (c == '(') {
      if (level >= STET_PAT_MAXCAPTURES) {
        msg = "too many captures";
        goto fail;
      }
      it.a = (unsigned char)level;
      if (d == ')' && pos + 1 < len) {
        it.op = OP_POS;
        unfinished[level] = 0;
        pos += 2;
      } else {
        it.op = OP_OPEN;
        unfinished[level] = 1;
        pos++;
      }
      level++;
    } else if (c == ')') {
      int l = level - 1;
      while (l >= 0 && !unfinished[l]) l--;
      if (l < 0) {
        msg = "invalid pattern capture";
        goto fail;
      }
      unfinished[l] = 0;
      it.op = OP_CLOSE;
      it.a = (unsigned char)l;
      pos++;
    } else if (c == '$' && pos + 1 == len) {
      it.op = OP_END;
      pos++;
    } else if (esc && d == 'b') {
      if (pos + 3 >= len) {
        msg = "malformed pattern (missing arguments to '%b')";
        goto fail;
      }
      it.op = OP_BALANCE;
      it.a = pat[pos + 2];
      it.b = pat[pos + 3];
      pos += 4;
    } else if (esc && d == 'f') {
      size_t sp = pos + 2, ep;
      if (sp >= len || pat[sp] != '[') {
        msg = "missing '[' after '%f' in pattern";
        goto fail;
      }
      if ((ep = class_end(pat, len, sp, &msg)) == BAD) goto fail;
      it.op = OP_FRONTIER;
      it.set = (uint32_t)p->nsets;
      bracket_bits(p->sets[p->nsets++], pat, sp, ep - 1);
      pos = ep;
    } else if (esc && is_digit(d)) {
      int l = d - '1';
      if (l < 0 || l >= level || unfinished[l]) {
        snprintf(err, errlen, "invalid capture index %%%d", l + 1);
        return STET_PAT_EPATTERN;
      }
      it.op = OP_BACKREF;
      it.a = (unsigned char)l;
      pos += 2;
    } else {
      size_t ep = class_end(pat, len, pos, &msg);
      if (ep == BAD) goto fail;
      if (c == '.') {
        it.op = OP_ANY;
      } else if (c == '[' || (c == '%' && is_class(d))) {
        it.op = OP_SET;
        it.set = (uint32_t)p->nsets;
        unsigned char *bits = p->sets[p->nsets++];
        if (c == '[') bracket_bits(bits, pat, pos, ep - 1);
        else class_bits(bits, d);
      } else {
        it.a = c == '%' ? d : c;
      }
      if (ep < len) {
        const char *q = strchr("*+-?", pat[ep]);
        if (q && pat[ep]) {
          it.q = (unsigned char)(Q_STAR + (q - "*+-?"));
          ep++;
        }
      }
      pos = ep;
    }
    p->items[p->nitems++] = it;
  }
  for (int l = 0; l < level; l++)
    if (unfinished[l]) {
      msg = "unfinished capture";
      goto fail;
    }
  p->ncap = level;
  return 0;
fail:
  snprintf(err, errlen, "%s", msg);
  return STET_PAT_EPATTERN;
}

/* How uncommon byte c is in English text, roughly (higher: rarer), to
 * choose the prefix byte an unanchored search looks for. */
static int rarity(int c) {
  static const char by_frequency[] = "etaoinshrdlcumwfgypbvkjxqz";
  if (c == ' ') return 0;
  if (is_lower(c)) return 1 + (int)(strchr(by_frequency, c) - by_frequency);
  if (is_upper(c)) return 20 + rarity(c + 32) / 4;
  if (is_digit(c)) return 15;
  return c == '.' || c == ',' ? 10 : 30;
}

/* For a pattern that ends with "$": the set of bytes a match can end
 * with, from the last item that must consume a byte and the optional ones
 * after it. Unknown when a match may be empty, or ends with a
 * back-reference or any byte. */
static void analyse_end(stet_pat *p) {
  if (p->nitems == 0 || p->items[p->nitems - 1].op != OP_END) return;
  for (size_t i = p->nitems - 1; i-- > 0;) {
    const pat_item *it = &p->items[i];
    switch (it->op) {
    case OP_OPEN: case OP_POS: case OP_CLOSE: case OP_FRONTIER:
      continue; /* consume nothing */
    case OP_BALANCE:
      ADD(p->last, it->b);
      p->last_known = 1;
      return;
    case OP_CHAR:
      ADD(p->last, it->a);
      break;
    case OP_SET:
      for (int b = 0; b < 32; b++) p->last[b] |= p->sets[it->set][b];
      break;
    default: /* any byte, a back-reference */
      return;
    }
    if (it->q == Q_ONE || it->q == Q_PLUS) {
      p->last_known = 1;
      return;
    }
  }
}

/* For a pattern that ends with "$": the run of single bytes a match ends
 * with, which an optional single byte may follow ("olicy" and "." in
 * "[Pp]olicy%.?$"). */
static void analyse_suffix(stet_pat *p) {
  p->opt_last = -1;
  if (p->nitems == 0 || p->items[p->nitems - 1].op != OP_END) return;
  size_t i = p->nitems - 1, n = 0; /* suffix[0..n): its bytes, last first */
  while (i-- > 0) {
    const pat_item *it = &p->items[i];
    if (it->op == OP_OPEN || it->op == OP_POS || it->op == OP_CLOSE || it->op == OP_FRONTIER)
      continue; /* consume nothing */
    if (it->op != OP_CHAR) break;
    if (it->q == Q_OPT && n == 0 && p->opt_last < 0) {
      p->opt_last = it->a;
      continue;
    }
    if (it->q != Q_ONE) break;
    p->suffix[n++] = it->a;
  }
  for (size_t k = 0; k < n / 2; k++) { /* into their order */
    unsigned char t = p->suffix[k];
    p->suffix[k] = p->suffix[n - 1 - k];
    p->suffix[n - 1 - k] = t;
  }
  p->nsuffix = n;
  if (!n) p->opt_last = -1;
}

/* The literal prefix and the set of possible first bytes. */
static void analyse(stet_pat *p) {
  size_t i = 0;
  while (i < p->nitems && p->items[i].op == OP_CHAR && p->items[i].q == Q_ONE) {
    p->prefix[i] = p->items[i].a;
    if (rarity(p->prefix[i]) > rarity(p->prefix[p->rare])) p->rare = i;
    i++;
  }
  p->nprefix = i;
  for (i = 0; i < p->nitems; i++) {
    const pat_item *it = &p->items[i];
    switch (it->op) {
    case OP_OPEN: case OP_POS: case OP_CLOSE: case OP_FRONTIER:
      continue; /* consume nothing */
    case OP_BALANCE:
      ADD(p->first, it->a);
      p->first_known = 1;
      return;
    case OP_BACKREF: case OP_END:
      return; /* may match empty */
    default:
      if (it->op == OP_CHAR) ADD(p->first, it->a);
      else if (it->op == OP_ANY) memset(p->first, 0xff, 32);
      else
        for (int b = 0; b < 32; b++) p->first[b] |= p->sets[it->set][b];
      if (it->q == Q_ONE || it->q == Q_PLUS) {
        p->first_known = 1;
        return;
      }
    }
  }
}

int stet_pat_compile(stet_pat **out, const char *pattern, size_t len, char *err, size_t errlen) {
  *out = NULL;
  size_t nsets = len / 2 + 1;
  size_t size = sizeof(stet_pat) + (len + 1) * sizeof(pat_item) + nsets * 32 + 3 * (len + 1);
  stet_pat *p = calloc(1, size);
  if (!p) {
    snprintf(err, errlen, "not enough memory");
    return STET_PAT_ENOMEM;
  }
  p->items = (pat_item *)(p + 1);
  p->sets = (unsigned char(*)[32])(p->items + len + 1);
  p->src = (char *)(p->sets + nsets);
  p->prefix = (unsigned char *)p->src + len + 1;
  p->suffix = p->prefix + len + 1;
  memcpy(p->src, pattern, len);
  p->len = len;
  int rc = parse(p, (const unsigned char *)pattern, len, err, errlen);
  if (rc) {
    free(p);
    return rc;
  }
  analyse(p);
  analyse_end(p);
  analyse_suffix(p);
  *out = p;
  return 0;
}

void stet_pat_free(stet_pat *p) { free(p); }

const char *stet_pat_source(const stet_pat *p, size_t *len) {
  if (len) *len = p->len;
  return p->src;
}

int stet_pat_captures(const stet_pat *p) { return p->ncap; }

const char *stet_pat_strerror(int code) {
  switch (code) {
  case STET_PAT_NOMATCH: return "no match";
  case STET_PAT_MATCH: return "match";
  case STET_PAT_EPATTERN: return "malformed pattern";
  case STET_PAT_ENOMEM: return "not enough memory";
  case STET_PAT_EDEPTH: return "pattern too complex";
  case STET_PAT_ESTEPS: return "pattern too complex (step limit reached)";
  default: return "unknown error";
  }
}

/* ---- matching ---- */

typedef struct mstate {
  const unsigned char *src, *end;
  const stet_pat *p;
  size_t steps; /* left */
  int depth;    /* nested calls left */
  int err;
  struct {
    const unsigned char *init;
    ptrdiff_t len; /* or CAP_UNFINISHED, CAP_POSITION */
  } cap[STET_PAT_MAXCAPTURES];
} mstate;

/* Whether item it (a byte, any byte or a set) matches the byte at s. */
static inline int single(const stet_pat *p, const pat_item *it, const unsigned char *s,
                         const unsigned char *end) {
  if (s >= end) return 0;
  switch (it->op) {
  case OP_CHAR: return *s == it->a;
  case OP_ANY: return 1;
  default: return HAS(p->sets[it->set], *s) != 0;
  }
}

/* The byte item i must match when it is a plain byte that must occur (so a
 * try where it does not can be skipped), or -1. */
static int required_byte(const stet_pat *p, size_t i) {
  if (i >= p->nitems) return -1;
  const pat_item *it = &p->items[i];
  return it->op == OP_CHAR && (it->q == Q_ONE || it->q == Q_PLUS) ? it->a : -1;
}

static const unsigned char *do_match(mstate *ms, const unsigned char *s, size_t i);

/* Item i repeated as often as it matches from s, then fewer times, until
 * the rest of the pattern matches. */
static const unsigned char *max_expand(mstate *ms, const unsigned char *s, size_t i) {
  const pat_item *it = &ms->p->items[i];
  size_t k = 0, avail = (size_t)(ms->end - s);
  if (it->op == OP_ANY) k = avail;
  else
    while (k < avail && single(ms->p, it, s + k, ms->end)) k++;
  if (ms->steps < k) {
    ms->err = STET_PAT_ESTEPS;
    return NULL;
  }
  ms->steps -= k;
  int need = required_byte(ms->p, i + 1);
  for (;;) {
    /* a try that would fail at its first byte is skipped, unless it would
     * hit the depth limit (Lua raises then) */
    if (need < 0 || ms->depth == 0 || (k < avail && s[k] == need)) {
      const unsigned char *r = do_match(ms, s + k, i + 1);
      if (r || ms->err) return r;
    }
    if (k == 0) return NULL;
    k--;
  }
}

/* Item i repeated as few times as lets the rest of the pattern match. */
static const unsigned char *min_expand(mstate *ms, const unsigned char *s, size_t i) {
  const pat_item *it = &ms->p->items[i];
  int need = required_byte(ms->p, i + 1);
  for (;;) {
    if (need < 0 || ms->depth == 0 || (s < ms->end && *s == need)) {
      const unsigned char *r = do_match(ms, s, i + 1);
      if (r || ms->err) return r;
    }
    if (!single(ms->p, it, s, ms->end)) return NULL;
    s++;
    if (ms->steps-- == 0) {
      ms->err = STET_PAT_ESTEPS;
      return NULL;
    }
  }
}

/* %bxy at s: the end of the balanced run, or NULL. */
static const unsigned char *balance(const mstate *ms, const unsigned char *s, int open, int close) {
  if (s >= ms->end || *s != open) return NULL;
  int depth = 1;
  while (++s < ms->end) {
    if (*s == close) {
      if (--depth == 0) return s + 1;
    } else if (*s == open) {
      depth++;
    }
  }
  return NULL;
}

/* Matches items i... at s: the end of the match, or NULL (ms->err says
 * whether that is an error). */
static const unsigned char *do_match(mstate *ms, const unsigned char *s, size_t i) {
  const stet_pat *p = ms->p;
  if (ms->depth == 0) {
    ms->err = STET_PAT_EDEPTH;
    return NULL;
  }
  ms->depth--;
  for (;;) {
    if (ms->steps-- == 0) {
      ms->err = STET_PAT_ESTEPS;
      s = NULL;
      break;
    }
    if (i == p->nitems) break;
    const pat_item *it = &p->items[i];
    switch (it->op) {
    case OP_OPEN: case OP_POS:
      ms->cap[it->a].init = s;
      ms->cap[it->a].len = it->op == OP_OPEN ? CAP_UNFINISHED : CAP_POSITION;
      s = do_match(ms, s, i + 1);
      goto done;
    case OP_CLOSE:
      ms->cap[it->a].len = s - ms->cap[it->a].init;
      s = do_match(ms, s, i + 1);
      goto done;
    case OP_END: /* always the last item */
      if (s != ms->end) s = NULL;
      goto done;
    case OP_BALANCE:
      if (!(s = balance(ms, s, it->a, it->b))) goto done;
      i++;
      continue;
    case OP_FRONTIER: {
      int prev = s == ms->src ? 0 : s[-1], cur = s < ms->end ? *s : 0;
      if (HAS(p->sets[it->set], prev) || !HAS(p->sets[it->set], cur)) {
        s = NULL;
        goto done;
      }
      i++;
      continue;
    }
    case OP_BACKREF: {
      ptrdiff_t l = ms->cap[it->a].len; /* a position capture never matches */
      if (l < 0 || ms->end - s < l || memcmp(ms->cap[it->a].init, s, (size_t)l) != 0) {
        s = NULL;
        goto done;
      }
      s += l;
      i++;
      continue;
    }
    default:
      if (!single(p, it, s, ms->end)) {
        if (it->q == Q_ONE || it->q == Q_PLUS) {
          s = NULL;
          goto done;
        }
        i++; /* zero repetitions */
        continue;
      }
      switch (it->q) {
      case Q_ONE:
        s++;
        i++;
        continue;
      case Q_OPT: {
        const unsigned char *r = do_match(ms, s + 1, i + 1);
        if (r || ms->err) {
          s = r;
          goto done;
        }
        i++;
        continue;
      }
      case Q_PLUS:
        s = max_expand(ms, s + 1, i);
        goto done;
      case Q_STAR:
        s = max_expand(ms, s, i);
        goto done;
      default: /* Q_LAZY */
        s = min_expand(ms, s, i);
        goto done;
      }
    }
  }
done:
  ms->depth++;
  return s;
}

/* One try at byte pos, whose first nprefix bytes are known to match. */
static int attempt(mstate *ms, size_t pos, stet_pat_match *m) {
  const stet_pat *p = ms->p;
  ms->depth = STET_PAT_MAXDEPTH;
  const unsigned char *r = do_match(ms, ms->src + pos + p->nprefix, p->nprefix);
  if (ms->err) return ms->err;
  if (!r) return STET_PAT_NOMATCH;
  if (m) {
    m->start = pos;
    m->end = (size_t)(r - ms->src);
    m->ncap = p->ncap;
    for (int l = 0; l < p->ncap; l++) {
      stet_pat_capture *c = &m->cap[l];
      c->start = (size_t)(ms->cap[l].init - ms->src);
      c->position = ms->cap[l].len == CAP_POSITION;
      c->len = c->position ? 0 : (size_t)ms->cap[l].len;
    }
  }
  return STET_PAT_MATCH;
}

/* Whether the k bytes before end are suf[0..k), from the last: a suffix
 * that does not fit mostly fails at once. */
static inline int ends_with(const unsigned char *end, const unsigned char *suf, size_t k) {
  for (size_t i = 1; i <= k; i++)
    if (end[-(ptrdiff_t)i] != suf[k - i]) return 0;
  return 1;
}

/* Whether s[init..n) (init <= n) ends as every match of p must, when p
 * ends with "$": with its suffix, or with it and opt_last; else with a byte
 * of last. */
static inline int end_fits(const stet_pat *p, const unsigned char *s, size_t n, size_t init) {
  if (p->nsuffix) {
    size_t sl = p->nsuffix, have = n - init;
    if (have >= sl && ends_with(s + n, p->suffix, sl)) return 1;
    return p->opt_last >= 0 && have > sl && s[n - 1] == p->opt_last &&
           ends_with(s + n - 1, p->suffix, sl);
  }
  return !p->last_known || (n > init && HAS(p->last, s[n - 1]));
}

int stet_pat_find(const stet_pat *p, const char *str, size_t n, size_t init, size_t max_steps,
                  stet_pat_match *m) {
  const unsigned char *s = (const unsigned char *)str;
  size_t k = p->nprefix;
  if (init > n || !end_fits(p, s, n, init)) return STET_PAT_NOMATCH;
  mstate ms;
  ms.src = s;
  ms.end = s + n;
  ms.p = p;
  ms.steps = max_steps ? max_steps : STET_PAT_DEFAULT_STEPS(n);
  ms.err = 0;
  if (p->anchored) {
    if (p->first_known && (init == n || !HAS(p->first, s[init]))) return STET_PAT_NOMATCH;
    if (k && (n - init < k || memcmp(s + init, p->prefix, k) != 0)) return STET_PAT_NOMATCH;
    return attempt(&ms, init, m);
  }
  for (size_t pos = init; pos <= n; pos++) {
    if (k) {
      /* look for the prefix's rarest byte where a whole prefix fits */
      size_t r = p->rare;
      if (n - pos < k) return STET_PAT_NOMATCH;
      const unsigned char *f = memchr(s + pos + r, p->prefix[r], n - pos - k + 1);
      if (!f) return STET_PAT_NOMATCH;
      pos = (size_t)(f - s) - r;
      if (memcmp(s + pos, p->prefix, k) != 0) continue;
    } else if (p->first_known) {
      while (pos < n && !HAS(p->first, s[pos])) pos++;
      if (pos == n) return STET_PAT_NOMATCH;
    }
    int rc = attempt(&ms, pos, m);
    if (rc != STET_PAT_NOMATCH) return rc;
  }
  return STET_PAT_NOMATCH;
}

/* ---- sets ---- */

/* A candidate of a dispatch list: a pattern, and for an anchored one up to
 * 8 bytes of its literal prefix, so most are rejected by one comparison of
 * the subject's next 8 bytes (key and mask in memory order). */
typedef struct candidate_entry {
  uint64_t key, mask;
  uint32_t index;
  uint32_t need; /* bytes the subject must have left for the prefix */
} candidate_entry;

struct stet_patset {
  stet_pat **pats;
  size_t count, room;
  candidate_entry *lists; /* candidates, list after list */
  size_t offset[258];     /* list of key b: lists[offset[b], offset[b + 1]) */
};

stet_patset *stet_patset_new(size_t count) {
  stet_patset *set = calloc(1, sizeof *set);
  if (!set) return NULL;
  set->pats = calloc(count ? count : 1, sizeof *set->pats);
  if (!set->pats) {
    free(set);
    return NULL;
  }
  set->room = count;
  return set;
}

int stet_patset_add(stet_patset *set, const char *pat, size_t len, char *err, size_t errlen) {
  if (set->count >= set->room) {
    snprintf(err, errlen, "set is full");
    return STET_PAT_ENOMEM;
  }
  stet_pat *p;
  int rc = stet_pat_compile(&p, pat, len, err, errlen);
  if (rc) return rc;
  set->pats[set->count++] = p;
  return 0;
}

/* Whether pattern p can match from a position whose byte is key (256: the
 * end of the subject). */
static int candidate(const stet_pat *p, int key) {
  if (key == 256) return !p->first_known;
  if (!p->anchored || !p->first_known) return 1;
  return HAS(p->first, key) != 0;
}

int stet_patset_finish(stet_patset *set) {
  size_t total = 0;
  for (int key = 0; key <= 256; key++)
    for (size_t i = 0; i < set->count; i++) total += (size_t)candidate(set->pats[i], key);
  free(set->lists);
  set->lists = malloc((total ? total : 1) * sizeof *set->lists);
  if (!set->lists) return STET_PAT_ENOMEM;
  size_t at = 0;
  for (int key = 0; key <= 256; key++) {
    set->offset[key] = at;
    for (size_t i = 0; i < set->count; i++) {
      const stet_pat *p = set->pats[i];
      if (!candidate(p, key)) continue;
      candidate_entry *c = &set->lists[at++];
      unsigned char key8[8] = { 0 }, mask8[8] = { 0 };
      size_t k = p->anchored ? (p->nprefix < 8 ? p->nprefix : 8) : 0;
      memcpy(key8, p->prefix, k);
      memset(mask8, 0xff, k);
      memcpy(&c->key, key8, 8);
      memcpy(&c->mask, mask8, 8);
      c->index = (uint32_t)i;
      c->need = (uint32_t)k;
    }
  }
  set->offset[257] = at;
  return 0;
}

size_t stet_patset_count(const stet_patset *set) { return set->count; }

const stet_pat *stet_patset_get(const stet_patset *set, size_t i) { return set->pats[i]; }

int stet_patset_first(const stet_patset *set, const char *s, size_t n, size_t init, size_t max_steps,
                      size_t *index) {
  if (init > n) return STET_PAT_NOMATCH;
  int key = init < n ? (unsigned char)s[init] : 256;
  size_t avail = n - init;
  unsigned char next8[8] = { 0 };
  memcpy(next8, s + init, avail < 8 ? avail : 8);
  uint64_t w;
  memcpy(&w, next8, 8);
  for (size_t j = set->offset[key]; j < set->offset[key + 1]; j++) {
    const candidate_entry *c = &set->lists[j];
    if (((w ^ c->key) & c->mask) != 0 || c->need > avail) continue;
    const stet_pat *p = set->pats[c->index];
    if (!end_fits(p, (const unsigned char *)s, n, init)) continue; /* without a call */
    int rc = stet_pat_find(p, s, n, init, max_steps, NULL);
    if (rc != STET_PAT_NOMATCH) {
      *index = c->index;
      return rc;
    }
  }
  return STET_PAT_NOMATCH;
}

void stet_patset_free(stet_patset *set) {
  if (!set) return;
  for (size_t i = 0; i < set->count; i++) stet_pat_free(set->pats[i]);
  free(set->pats);
  free(set->lists);
  free(set);
}
