/* core/lua_segment.c: the segmenters of core/segment.h for Lua:
 * segments, paragraphs, sentences, words, abbrevs, segment_lines and
 * segment_file. lua/stet/init.lua wraps sentences, segment_lines and
 * segment_file so that they get the abbreviation set built from
 * lua/stet/abbreviations.lua.
 *
 * Spans are tables {text, start, stop} (also as fields .text .start .stop):
 * start is the 1-based offset of the first byte and stop that of the last,
 * so s:sub(start, stop) == text. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bytemask.h"
#include "lua_stet.h"
#include "normalize.h"
#include "segment.h"

#define ABBREVS_META "stet.abbrevs"

typedef struct collect {
  lua_State *L;
  const char *s;
  int table;         /* stack index of the result array */
  int spans;         /* push {text, start, stop} tables */
  lua_Integer count;
  stet_buf *fold;    /* case folding scratch (boxed), or NULL */
} collect;

/* Pushes s[a..b), case folded when c->fold is set. [-0, +1, m] */
static void push_text(collect *c, size_t a, size_t b) {
  lua_State *L = c->L;
  if (!c->fold) {
    lua_pushlstring(L, c->s + a, b - a);
    return;
  }
  stet_buf *f = c->fold;
  const unsigned char *p = (const unsigned char *)c->s + a;
  size_t k = 0, len = b - a;
  while (k < len && p[k] < 0x80) k++;
  f->len = 0;
  if (k == len) {
    if (stet_buf_reserve(f, len)) stet_lua_nomem(L);
    for (k = 0; k < len; k++) f->data[k] = (char)(p[k] | ((unsigned char)(p[k] - 'A') < 26 ? 0x20 : 0));
    f->len = len;
  } else {
    stet_norm_opts o;
    stet_norm_defaults(&o);
    o.casefold = 1;
    o.newlines = o.spaces = o.controls = 0;
    stet_norm_stats st = {0, 0};
    int r = stet_normalize(c->s + a, len, &o, f, &st);
    if (r < 0) stet_lua_nomem(L);
    if (r == 0) {
      lua_pushlstring(L, c->s + a, len);
      return;
    }
  }
  lua_pushlstring(L, f->data, f->len);
}

/* stet_span_fn: appends one string or span to the result array. */
static int collect_span(void *ud, size_t a, size_t b) {
  collect *c = ud;
  lua_State *L = c->L;
  push_text(c, a, b);
  if (c->spans) {
    lua_createtable(L, 3, 3);
    lua_pushvalue(L, -2);
    lua_rawseti(L, -2, 1);
    lua_pushinteger(L, (lua_Integer)a + 1);
    lua_rawseti(L, -2, 2);
    lua_pushinteger(L, (lua_Integer)b);
    lua_rawseti(L, -2, 3);
    lua_rotate(L, -2, 1);
    lua_setfield(L, -2, "text");
    lua_pushinteger(L, (lua_Integer)a + 1);
    lua_setfield(L, -2, "start");
    lua_pushinteger(L, (lua_Integer)b);
    lua_setfield(L, -2, "stop");
  }
  lua_rawseti(L, c->table, ++c->count);
  return 0;
}

/* Checks the options table at idx (may be absent). */
static void check_opts(lua_State *L, int idx) {
  if (!lua_isnoneornil(L, idx)) luaL_checktype(L, idx, LUA_TTABLE);
}

/* Sets up c with a new result array on top of the stack. [-0, +1] */
static void collect_init(lua_State *L, collect *c, const char *s, int spans) {
  lua_newtable(L);
  c->L = L;
  c->s = s;
  c->table = lua_gettop(L);
  c->spans = spans;
  c->count = 0;
  c->fold = NULL;
}

typedef size_t (*next_fn)(const char *s, size_t n, size_t pos);

static size_t word_next_any(const char *s, size_t n, size_t pos) {
  return stet_word_next(s, n, pos, NULL);
}

/* The boundary finder named by the string at idx. */
static next_fn check_kind(lua_State *L, int idx) {
  static const char *const kinds[] = {"grapheme", "word", "sentence", NULL};
  switch (luaL_checkoption(L, idx, NULL, kinds)) {
    case 0: return stet_grapheme_next;
    case 1: return word_next_any;
    default: return stet_sentence_next;
  }
}

/* stet.segments(s, kind [, opts]) -> array of every UAX #29 segment
 * (strings, or spans with opts.spans). [-0, +1] */
static int l_segments(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  next_fn next = check_kind(L, 2);
  check_opts(L, 3);
  collect c;
  collect_init(L, &c, s, stet_lua_optbool(L, 3, 3, "spans", 0));
  for (size_t pos = 0; pos < n;) {
    size_t e = next(s, n, pos);
    collect_span(&c, pos, e);
    pos = e;
  }
  return 1;
}

/* stet.paragraphs(s [, opts]) -> array (opts.lines, opts.spans). [-0, +1] */
static int l_paragraphs(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  check_opts(L, 2);
  int lines = stet_lua_optbool(L, 2, 2, "lines", 0);
  collect c;
  collect_init(L, &c, s, stet_lua_optbool(L, 2, 2, "spans", 0));
  stet_paragraphs_each(s, n, lines, collect_span, &c);
  return 1;
}

/* The abbreviation set at idx, or NULL when it is nil. */
static const stet_abbrevs *opt_abbrevs(lua_State *L, int idx) {
  if (lua_isnoneornil(L, idx)) return NULL;
  return *(stet_abbrevs **)luaL_checkudata(L, idx, ABBREVS_META);
}

/* stet.core.sentences(s [, opts [, abbrevs]]) -> array (opts.spans); pure
 * UAX #29 sentences, trimmed, when abbrevs is nil. [-0, +1] */
static int l_sentences(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  check_opts(L, 2);
  const stet_abbrevs *ab = opt_abbrevs(L, 3);
  collect c;
  collect_init(L, &c, s, stet_lua_optbool(L, 2, 2, "spans", 0));
  stet_sentences_each(s, n, ab, collect_span, &c);
  return 1;
}

/* stet.words(s [, opts]) -> array of word-like segments (opts.lower,
 * opts.spans). [-0, +1] */
static int l_words(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  check_opts(L, 2);
  int lower = stet_lua_optbool(L, 2, 2, "lower", 0);
  int spans = stet_lua_optbool(L, 2, 2, "spans", 0);
  stet_buf *fold = lower ? stet_lua_newbuf(L) : NULL;
  collect c;
  collect_init(L, &c, s, spans);
  c.fold = fold;
  stet_words_each(s, n, collect_span, &c);
  if (fold) {
    stet_buf_free(fold);
    lua_remove(L, -2);
  }
  return 1;
}

static int abbrevs_gc(lua_State *L) {
  stet_abbrevs **p = luaL_checkudata(L, 1, ABBREVS_META);
  stet_abbrevs_free(*p);
  *p = NULL;
  return 0;
}

/* Adds every string of the array at field k of the table at idx. */
static void add_list(lua_State *L, stet_abbrevs *a, int idx, const char *k, stet_abbr_kind kind) {
  if (lua_getfield(L, idx, k) == LUA_TTABLE) {
    lua_Integer len = (lua_Integer)lua_rawlen(L, -1);
    for (lua_Integer i = 1; i <= len; i++) {
      size_t wl;
      lua_rawgeti(L, -1, i);
      const char *w = lua_tolstring(L, -1, &wl);
      if (!w) luaL_error(L, "abbreviations.%s[%d] is not a string", k, (int)i);
      if (stet_abbrevs_set(a, w, wl, kind)) stet_lua_nomem(L);
      lua_pop(L, 1);
    }
  }
  lua_pop(L, 1);
}

/* Adds the table at idx: lists titles, abbreviations, starters; array items
 * (abbreviations); and word = "title"|"abbreviation"|"starter"|false. */
static void add_table(lua_State *L, stet_abbrevs *a, int idx) {
  add_list(L, a, idx, "titles", STET_ABBR_TITLE);
  add_list(L, a, idx, "abbreviations", STET_ABBR_MAYEND);
  add_list(L, a, idx, "starters", STET_ABBR_STARTER);
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    size_t wl;
    if (lua_type(L, -2) == LUA_TNUMBER && lua_type(L, -1) == LUA_TSTRING) {
      const char *w = lua_tolstring(L, -1, &wl);
      if (stet_abbrevs_set(a, w, wl, STET_ABBR_MAYEND)) stet_lua_nomem(L);
    } else if (lua_type(L, -2) == LUA_TSTRING) {
      const char *w = lua_tolstring(L, -2, &wl);
      int t = lua_type(L, -1);
      const char *v = t == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
      stet_abbr_kind kind;
      if (!strcmp(w, "titles") || !strcmp(w, "abbreviations") || !strcmp(w, "starters")) {
        lua_pop(L, 1);
        continue;
      } else if (t == LUA_TBOOLEAN && !lua_toboolean(L, -1)) kind = STET_ABBR_NONE;
      else if (v && !strcmp(v, "title")) kind = STET_ABBR_TITLE;
      else if (v && !strcmp(v, "abbreviation")) kind = STET_ABBR_MAYEND;
      else if (v && !strcmp(v, "starter")) kind = STET_ABBR_STARTER;
      else {
        luaL_error(L, "abbreviations['%s'] must be \"title\", \"abbreviation\", "
                      "\"starter\" or false", w);
        return;
      }
      if (stet_abbrevs_set(a, w, wl, kind)) stet_lua_nomem(L);
    }
    lua_pop(L, 1);
  }
}

/* stet.abbrevs(defaults [, extra]) -> a compiled abbreviation set for
 * stet.core.sentences, from tables shaped like lua/stet/abbreviations.lua
 * (extra may also list words, and map a word to its kind or false). */
static int l_abbrevs(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  if (!lua_isnoneornil(L, 2)) luaL_checktype(L, 2, LUA_TTABLE);
  lua_settop(L, 2);
  stet_abbrevs **p = lua_newuserdatauv(L, sizeof *p, 0);
  *p = NULL;
  luaL_setmetatable(L, ABBREVS_META);
  if (!(*p = stet_abbrevs_new())) return stet_lua_nomem(L);
  add_table(L, *p, 1);
  if (!lua_isnoneornil(L, 2)) add_table(L, *p, 2);
  return 1;
}

/* Output of segment_lines. */
typedef struct lines_out {
  stet_buf *b;
  const char *s;
  size_t n;      /* length of s */
  size_t offset;
  int spans;
} lines_out;

/* Nonzero when some byte of v equals c (the classic zero-byte test). */
static inline uint64_t has_byte(uint64_t v, unsigned char c) {
  uint64_t x = v ^ (0x0101010101010101ull * c);
  return (x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull;
}

/* Appends the decimal digits of v. */
static void put_uint(stet_buf *b, size_t v) {
  char tmp[24];
  int k = 0;
  do {
    tmp[k++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  while (k) b->data[b->len++] = tmp[--k];
}

/* Makes room for one segment of len bytes, escaped, with its offsets and
 * line end (2 * len + 64). The buffer is reserved for the whole chunk at
 * the start, so this rarely calls stet_buf_reserve. 0, or -1 on ENOMEM. */
static inline int line_room(stet_buf *b, size_t len) {
  return b->cap - b->len >= 2 * len + 64 ? 0 : stet_buf_reserve(b, 2 * len + 64);
}

/* Appends "start<TAB>stop<TAB>" for the segment [a, b) when o->spans. */
static inline void line_offsets(lines_out *o, size_t a, size_t b) {
  if (o->spans) {
    put_uint(o->b, o->offset + a + 1);
    o->b->data[o->b->len++] = '\t';
    put_uint(o->b, o->offset + b);
    o->b->data[o->b->len++] = '\t';
  }
}

/* The bytes of v that need an escape, as bit 7 of each byte; exact for
 * the lowest such byte (higher ones may be false alarms). */
static inline uint64_t escapes8(uint64_t v) {
  return has_byte(v, '\n') | has_byte(v, '\r') | has_byte(v, '\t') | has_byte(v, '\\');
}

/* line_span for any segment: offsets, then the bytes with escapes. Kept
 * out of line so that line_span's common case saves no registers. */
__attribute__((noinline)) static int line_span_any(lines_out *o, size_t a, size_t b) {
  size_t len = b - a;
  if (line_room(o->b, len)) return -1;
  line_offsets(o, a, b);
  stet_buf *out = o->b;
  const char *p = o->s + a;
  char *d = out->data + out->len;
  size_t k = 0;
  /* Eight bytes at a time while none of them needs an escape. */
  while (k + 8 <= len) {
    uint64_t v;
    memcpy(&v, p + k, 8);
    if (escapes8(v)) break;
    memcpy(d, &v, 8);
    d += 8;
    k += 8;
  }
  for (; k < len; k++) {
    char c = p[k];
    if (c == '\n' || c == '\r' || c == '\t' || c == '\\') {
      *d++ = '\\';
      *d++ = c == '\n' ? 'n' : c == '\r' ? 'r' : c == '\t' ? 't' : '\\';
    } else {
      *d++ = c;
    }
  }
  *d++ = '\n';
  out->len = (size_t)(d - out->data);
  return 0;
}

/* stet_span_fn: one escaped segment per line, optionally after
 * "start<TAB>stop<TAB>". A segment of at most 16 bytes (most words) that
 * needs no escape is copied as 16 bytes when the text has 16 bytes from a
 * (line_room leaves room; the line end overwrites what is past it). */
static int line_span(void *ud, size_t a, size_t b) {
  lines_out *o = ud;
  size_t len = b - a;
  if (len <= 16 && o->n - a >= 16 &&
      !(stet_escapes16((const unsigned char *)o->s + a) & ((1u << len) - 1))) {
    if (line_room(o->b, len)) return -1;
    line_offsets(o, a, b);
    stet_buf *out = o->b;
    char *d = out->data + out->len;
    memcpy(d, o->s + a, 16);
    d[len] = '\n';
    out->len += len + 1;
    return 0;
  }
  return line_span_any(o, a, b);
}

/* The length of the longest prefix of s[0..n) that ends where no segment
 * can continue: after the last blank line (paragraphs) or line end (the
 * other kinds). 0 when there is none. */
static size_t safe_cut(const char *s, size_t n, int blank_line) {
  size_t end = n;
  while (end > 0) {
    const char *nl = NULL;
    for (size_t k = end; k > 0; k--)
      if (s[k - 1] == '\n') { nl = s + k - 1; break; }
    if (!nl) return 0;
    size_t at = (size_t)(nl - s);
    if (!blank_line) return at + 1;
    size_t k = at;
    while (k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t' || s[k - 1] == '\r' ||
                     s[k - 1] == '\f' || s[k - 1] == '\v')) k--;
    if (k == 0 || s[k - 1] == '\n') return at + 1;
    end = at;
  }
  return 0;
}

/* Appends the lines of the segments of o->s[0..o->n) of kind by (0
 * paragraph, 1 sentence, 2 word, 3 grapheme) to o->b. 0, or -1 on ENOMEM. */
static int segment_into(lines_out *o, int by, int lines, const stet_abbrevs *ab) {
  const char *s = o->s;
  size_t n = o->n;
  if (stet_buf_reserve(o->b, n + n / 4 + 64)) return -1;
  switch (by) {
    case 0: return stet_paragraphs_each(s, n, lines, line_span, o);
    case 1: return stet_sentences_each(s, n, ab, line_span, o);
    case 2: return stet_words_each(s, n, line_span, o);
    default:
      for (size_t pos = 0; pos < n;) {
        size_t e = stet_grapheme_next(s, n, pos);
        if (line_span(o, pos, e)) return -1;
        pos = e;
      }
      return 0;
  }
}

static const char *const segment_kinds[] = {"paragraph", "sentence", "word", "grapheme", NULL};

/* stet.core.segment_file(path | "-", by [, opts [, abbrevs]]) -> true |
 * nil, err
 * Writes the lines of segment_lines for a whole file (or standard input)
 * to standard output, in blocks of opts.chunk bytes (default 4 MB) cut
 * where no segment can continue, with buffers reused from block to block:
 * no Lua string per block. by, opts.spans and opts.lines as for
 * segment_lines; offsets count from the start of the file. */
static int l_segment_file(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  int by = luaL_checkoption(L, 2, NULL, segment_kinds);
  check_opts(L, 3);
  const stet_abbrevs *ab = opt_abbrevs(L, 4);
  int spans = stet_lua_optbool(L, 3, 3, "spans", 0);
  int lines = stet_lua_optbool(L, 3, 3, "lines", 0);
  lua_Integer chunk = 4 << 20;
  if (!lua_isnoneornil(L, 3)) {
    lua_getfield(L, 3, "chunk");
    chunk = luaL_optinteger(L, -1, chunk);
    lua_pop(L, 1);
    luaL_argcheck(L, chunk > 0, 3, "field 'chunk' must be positive");
  }
  stet_buf *in = stet_lua_newbuf(L);
  stet_buf *out = stet_lua_newbuf(L);
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  if (!f) {
    lua_pushnil(L);
    lua_pushfstring(L, "%s: %s", path, strerror(errno));
    return 2;
  }
  size_t offset = 0;
  int eof = 0, failed = 0;
  in->len = 0;
  while (!eof) {
    if (stet_buf_reserve(in, (size_t)chunk)) { failed = ENOMEM; break; }
    size_t got = fread(in->data + in->len, 1, (size_t)chunk, f);
    in->len += got;
    if (got < (size_t)chunk) {
      if (ferror(f)) { failed = errno ? errno : EIO; break; }
      eof = 1;
    }
    size_t cut = eof ? in->len : safe_cut(in->data, in->len, by == 0 && !lines);
    if (cut == 0 && !eof) continue;
    lines_out o = {out, in->data, cut, offset, spans};
    out->len = 0;
    if (segment_into(&o, by, lines, ab)) { failed = ENOMEM; break; }
    if (out->len && fwrite(out->data, 1, out->len, stdout) != out->len) {
      failed = -(errno ? errno : EIO);
      break;
    }
    offset += cut;
    memmove(in->data, in->data + cut, in->len - cut);
    in->len -= cut;
  }
  if (stet_lua_file_done(L, f, path, in, out, failed)) return 2;
  lua_pushboolean(L, 1);
  return 1;
}

/* stet.core.segment_lines(s, by [, opts [, abbrevs]]) -> text, used
 * One segment per line with "\n", "\r", "\t" and "\\" escaped (and
 * "start\tstop\t" first with opts.spans, offsets plus opts.offset). by is
 * "paragraph", "sentence", "word" or "grapheme"; opts.lines as for
 * paragraphs. With opts.partial only the prefix up to the last point where
 * no segment can continue is done; used is its length. [-0, +2] */
static int l_segment_lines(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  int by = luaL_checkoption(L, 2, NULL, segment_kinds);
  check_opts(L, 3);
  const stet_abbrevs *ab = opt_abbrevs(L, 4);
  int spans = stet_lua_optbool(L, 3, 3, "spans", 0);
  int lines = stet_lua_optbool(L, 3, 3, "lines", 0);
  int partial = stet_lua_optbool(L, 3, 3, "partial", 0);
  lua_Integer offset = 0;
  if (!lua_isnoneornil(L, 3)) {
    lua_getfield(L, 3, "offset");
    offset = luaL_optinteger(L, -1, 0);
    lua_pop(L, 1);
    luaL_argcheck(L, offset >= 0, 3, "field 'offset' must not be negative");
  }
  if (partial) n = safe_cut(s, n, by == 0 && !lines);
  stet_buf *b = stet_lua_newbuf(L);
  int box = lua_gettop(L);
  lines_out o = {b, s, n, (size_t)offset, spans};
  int r = segment_into(&o, by, lines, ab);
  if (r) {
    stet_buf_free(b);
    return stet_lua_nomem(L);
  }
  stet_lua_pushbuf(L, box);
  lua_pushinteger(L, (lua_Integer)n);
  return 2;
}

static const luaL_Reg funcs[] = {
  {"segments", l_segments},
  {"paragraphs", l_paragraphs},
  {"sentences", l_sentences},
  {"words", l_words},
  {"abbrevs", l_abbrevs},
  {"segment_lines", l_segment_lines},
  {"segment_file", l_segment_file},
  {NULL, NULL},
};

void stet_lua_open_segment(lua_State *L) {
  if (luaL_newmetatable(L, ABBREVS_META)) {
    lua_pushcfunction(L, abbrevs_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_pop(L, 1);
  luaL_setfuncs(L, funcs, 0);
}
