/* core/lua_counter.c: counting tables (core/counter.c) for Lua.
 *
 *   local t = stet.counter()
 *   t:add(fp, site, doc [, text]) -> count   counts doc once for (fp, site)
 *   t:count(fp, site) -> integer
 *   t:size() -> entries;  t:memory() -> bytes;  t:sites() -> { names }
 *   t:top(n [, site]) -> { {fp=, site=, count=, sample=}, ... }
 *   t:save(path) -> true | nil, "path: reason"
 *   t:merge(other) -> t
 *   t:add_paragraphs(text, site, doc [, samples]) -> paragraphs
 *       splits text on blank lines and adds every paragraph's fingerprint
 *       (with its text as sample unless samples is false): the fast path of
 *       `stet hash` until the segmentation module provides paragraphs
 *   stet.load_counter(path) -> table | nil, "path: reason"
 * doc is an integer or a string (strings are hashed); the adds of one
 * document must be consecutive (see counter.h). */
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "counter.h"
#include "fingerprint.h"
#include "lua_stet.h"

#define COUNTER_META "stet.counter"
#define DOC_SEED UINT64_C(0x646f63756d656e74)

typedef struct counter_box {
  stet_counter *c;
  stet_fp_ctx fp; /* for add_paragraphs */
} counter_box;

static stet_counter *check_counter(lua_State *L, int idx) {
  counter_box *b = luaL_checkudata(L, idx, COUNTER_META);
  if (!b->c) luaL_argerror(L, idx, "counter has been freed");
  return b->c;
}


/* stet.counter() -> counter [-0, +1] */
static int l_counter(lua_State *L) {
  counter_box *b = lua_newuserdatauv(L, sizeof *b, 0);
  b->c = NULL;
  stet_fp_ctx init = STET_FP_CTX_INIT;
  b->fp = init;
  luaL_setmetatable(L, COUNTER_META);
  b->c = stet_counter_new();
  if (!b->c) return stet_lua_nomem(L);
  return 1;
}

static int c_gc(lua_State *L) {
  counter_box *b = luaL_checkudata(L, 1, COUNTER_META);
  stet_counter_free(b->c);
  stet_fp_ctx_free(&b->fp);
  b->c = NULL;
  return 0;
}

static uint32_t check_site(lua_State *L, stet_counter *c, int idx) {
  size_t len;
  const char *s = luaL_checklstring(L, idx, &len);
  uint32_t id;
  if (stet_counter_site(c, s, len, &id)) stet_lua_nomem(L);
  return id;
}

/* The document key of argument idx: an integer, or a hashed string. */
static uint64_t check_doc(lua_State *L, int idx) {
  if (lua_type(L, idx) == LUA_TSTRING) {
    size_t n;
    const char *d = lua_tolstring(L, idx, &n);
    return XXH3_64bits_withSeed(d, n, DOC_SEED);
  }
  return (uint64_t)luaL_checkinteger(L, idx);
}

/* t:add(fp, site, doc [, text]) -> count of (fp, site) after the call */
static int c_add(lua_State *L) {
  stet_counter *c = check_counter(L, 1);
  uint64_t fp = (uint64_t)luaL_checkinteger(L, 2);
  uint32_t site = check_site(L, c, 3);
  uint64_t doc = check_doc(L, 4);
  size_t tlen = 0;
  const char *text = luaL_optlstring(L, 5, NULL, &tlen);
  uint32_t count;
  if (stet_counter_add(c, fp, site, doc, text, tlen, &count) < 0) return stet_lua_nomem(L);
  lua_pushinteger(L, (lua_Integer)count);
  return 1;
}

static int blank(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

/* Finds the next paragraph of s[*pos..n): blocks of lines separated by
 * lines that are empty or blank, trimmed of white space. Returns 1 with
 * [*start, *stop), or 0 at the end; advances *pos. */
static int next_paragraph(const char *s, size_t n, size_t *pos, size_t *start, size_t *stop) {
  size_t i = *pos, a = n, z = 0;
  while (i < n) {
    const char *nl = memchr(s + i, '\n', n - i);
    size_t le = nl ? (size_t)(nl - s) : n, x = i, y = le;
    while (x < y && blank((unsigned char)s[x])) x++;
    while (y > x && blank((unsigned char)s[y - 1])) y--;
    i = nl ? le + 1 : n;
    if (x == y) {
      if (a < n) break; /* a blank line ends the paragraph */
      continue;
    }
    if (a == n) a = x;
    z = y;
  }
  *pos = i;
  if (a == n) return 0;
  *start = a;
  *stop = z;
  return 1;
}

/* t:add_paragraphs(text, site, doc [, samples]) -> paragraphs added */
static int c_add_paragraphs(lua_State *L) {
  counter_box *b = luaL_checkudata(L, 1, COUNTER_META);
  stet_counter *c = check_counter(L, 1);
  size_t n;
  const char *s = luaL_checklstring(L, 2, &n);
  uint32_t site = check_site(L, c, 3);
  uint64_t doc = check_doc(L, 4);
  int samples = lua_isnoneornil(L, 5) || lua_toboolean(L, 5);
  size_t pos = 0, a, z;
  lua_Integer count = 0;
  while (next_paragraph(s, n, &pos, &a, &z)) {
    uint64_t fp;
    if (stet_fingerprint(&b->fp, s + a, z - a, &fp) ||
        stet_counter_add(c, fp, site, doc, samples ? s + a : NULL, z - a, NULL) < 0)
      return stet_lua_nomem(L);
    count++;
  }
  lua_pushinteger(L, count);
  return 1;
}

/* t:count(fp, site) -> integer */
static int c_count(lua_State *L) {
  stet_counter *c = check_counter(L, 1);
  uint64_t fp = (uint64_t)luaL_checkinteger(L, 2);
  size_t len;
  const char *s = luaL_checklstring(L, 3, &len);
  uint32_t id;
  lua_Integer n = 0;
  if (stet_counter_find_site(c, s, len, &id)) n = (lua_Integer)stet_counter_count(c, fp, id);
  lua_pushinteger(L, n);
  return 1;
}

static int c_size(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)check_counter(L, 1)->size);
  return 1;
}

static int c_memory(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)stet_counter_memory(check_counter(L, 1)));
  return 1;
}

/* t:sites() -> array of site names, in id order */
static int c_sites(lua_State *L) {
  stet_counter *c = check_counter(L, 1);
  lua_createtable(L, (int)c->nsites, 0);
  for (uint32_t id = 0; id < c->nsites; id++) {
    size_t l;
    const char *s = stet_counter_site_name(c, id, &l);
    lua_pushlstring(L, s, l);
    lua_rawseti(L, -2, (lua_Integer)id + 1);
  }
  return 1;
}

/* t:top(n [, site]) -> array of {fp=, site=, count=, sample=} */
static int c_top(lua_State *L) {
  stet_counter *c = check_counter(L, 1);
  lua_Integer n = luaL_checkinteger(L, 2);
  luaL_argcheck(L, n >= 0, 2, "must be >= 0");
  int64_t site = -1;
  if (!lua_isnoneornil(L, 3)) {
    size_t len;
    const char *s = luaL_checklstring(L, 3, &len);
    uint32_t id;
    if (!stet_counter_find_site(c, s, len, &id)) {
      lua_newtable(L);
      return 1;
    }
    site = id;
  }
  if ((size_t)n > c->size) n = (lua_Integer)c->size;
  stet_buf *box = stet_lua_newbuf(L);
  if (stet_buf_reserve(box, (size_t)n * sizeof(stet_count_entry) + 1)) return stet_lua_nomem(L);
  stet_count_entry *out = (stet_count_entry *)(void *)box->data;
  size_t k = stet_counter_top(c, (size_t)n, site, out);
  lua_createtable(L, (int)k, 0);
  for (size_t i = 0; i < k; i++) {
    lua_createtable(L, 0, 4);
    lua_pushinteger(L, (lua_Integer)out[i].fp);
    lua_setfield(L, -2, "fp");
    size_t l;
    const char *name = stet_counter_site_name(c, out[i].site, &l);
    lua_pushlstring(L, name, l);
    lua_setfield(L, -2, "site");
    lua_pushinteger(L, (lua_Integer)out[i].count);
    lua_setfield(L, -2, "count");
    const char *sample = stet_counter_sample(c, out[i].fp, out[i].site, &l);
    if (sample) {
      lua_pushlstring(L, sample, l);
      lua_setfield(L, -2, "sample");
    }
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1; /* the box is collected with its buffer */
}

/* t:save(path) -> true | nil, message */
static int c_save(lua_State *L) {
  stet_counter *c = check_counter(L, 1);
  const char *path = luaL_checkstring(L, 2);
  char err[512];
  if (stet_counter_save(c, path, err, sizeof err)) {
    luaL_pushfail(L);
    lua_pushstring(L, err);
    return 2;
  }
  lua_pushboolean(L, 1);
  return 1;
}

/* t:merge(other) -> t */
static int c_merge(lua_State *L) {
  stet_counter *c = check_counter(L, 1);
  stet_counter *o = check_counter(L, 2);
  luaL_argcheck(L, c != o, 2, "cannot merge a counter into itself");
  if (stet_counter_merge(c, o)) return stet_lua_nomem(L);
  lua_settop(L, 1);
  return 1;
}

static int c_tostring(lua_State *L) {
  counter_box *b = luaL_checkudata(L, 1, COUNTER_META);
  lua_pushfstring(L, "stet.counter (%d entries)", b->c ? (int)b->c->size : 0);
  return 1;
}

/* stet.load_counter(path) -> counter | nil, message */
static int l_load_counter(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  counter_box *b = lua_newuserdatauv(L, sizeof *b, 0);
  b->c = NULL;
  stet_fp_ctx init = STET_FP_CTX_INIT;
  b->fp = init;
  luaL_setmetatable(L, COUNTER_META);
  char err[512];
  b->c = stet_counter_load(path, err, sizeof err);
  if (!b->c) {
    luaL_pushfail(L);
    lua_pushstring(L, err);
    return 2;
  }
  return 1;
}

static const luaL_Reg methods[] = {
  {"add", c_add},
  {"add_paragraphs", c_add_paragraphs},
  {"count", c_count},
  {"size", c_size},
  {"memory", c_memory},
  {"sites", c_sites},
  {"top", c_top},
  {"save", c_save},
  {"merge", c_merge},
  {NULL, NULL},
};

static const luaL_Reg funcs[] = {
  {"counter", l_counter},
  {"load_counter", l_load_counter},
  {NULL, NULL},
};

void stet_lua_open_counter(lua_State *L) {
  if (luaL_newmetatable(L, COUNTER_META)) {
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, c_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, c_tostring);
    lua_setfield(L, -2, "__tostring");
  }
  lua_pop(L, 1);
  luaL_setfuncs(L, funcs, 0);
}

/* The counter at idx, for other binding files (core/lua_counter_view.c). */
stet_counter *stet_lua_checkcounter(lua_State *L, int idx) {
  return check_counter(L, idx);
}
