/* core/lua_json.c: the JSON field scanner (core/json.c) for Lua.
 *
 *   core.json_fields(s, names [, out [, i [, j]]]) -> out |
 *       false, "unusual" | false, "invalid", offset
 *
 * Scans s[i..j] (default the whole string; i and j as string.sub takes
 * them), so lines need not be cut out of a block first. names is an array
 * of key names; out (a new table unless given) gets out[name] = the string
 * value of each name found, and nil for the others.
 * false means the caller must decode s with a full decoder: stet.json_fields
 * (lua/stet/init.lua) does that with lua-cjson, so its answers are the same
 * as cjson's whatever the line holds. */
#define _GNU_SOURCE /* memrchr */
#include <string.h>

#include "json.h"
#include "lua_stet.h"

#define MAX_FIELDS 32
#define SCRATCH_KEEP (1024 * 1024)

/* The start (0-based) and length of s[i..j] for 1-based i, j as string.sub
 * takes them (negative counts from the end). */
static void sub_range(lua_State *L, size_t len, int ia, int ja, size_t *off, size_t *n) {
  lua_Integer i = luaL_optinteger(L, ia, 1), j = luaL_optinteger(L, ja, -1);
  lua_Integer l = (lua_Integer)len;
  if (i < 0) i = i < -l ? 1 : l + i + 1;
  else if (i == 0) i = 1;
  if (j < 0) j = j < -l ? 0 : l + j + 1;
  else if (j > l) j = l;
  if (i > j) {
    *off = 0;
    *n = 0;
    return;
  }
  *off = (size_t)(i - 1);
  *n = (size_t)(j - i + 1);
}

/* core.json_fields(s, names [, out [, i [, j]]]) [-0, +1|2|3]; upvalue 1
 * is a stet_buf box, scratch for unescaped values. */
static int l_json_fields(lua_State *L) {
  size_t len, off, n;
  const char *s = luaL_checklstring(L, 1, &len);
  luaL_checktype(L, 2, LUA_TTABLE);
  if (!lua_isnoneornil(L, 3)) luaL_checktype(L, 3, LUA_TTABLE);
  sub_range(L, len, 4, 5, &off, &n);
  s += off;
  lua_Integer nf = (lua_Integer)lua_rawlen(L, 2);
  luaL_argcheck(L, nf <= MAX_FIELDS, 2, "too many names (at most 32)");
  stet_json_field f[MAX_FIELDS];
  for (lua_Integer k = 0; k < nf; k++) {
    lua_rawgeti(L, 2, k + 1);
    if (lua_type(L, -1) != LUA_TSTRING) luaL_argerror(L, 2, "names must be strings");
    f[k].name = lua_tolstring(L, -1, &f[k].len); /* still referenced by names */
    f[k].out = NULL;
    f[k].nl = NULL;
    lua_pop(L, 1);
  }
  size_t where = 0;
  stet_json_status st = stet_json_scan(s, n, f, (size_t)nf, &where);
  if (st != STET_JSON_OK) {
    lua_pushboolean(L, 0);
    if (st == STET_JSON_UNUSUAL) {
      lua_pushliteral(L, "unusual");
      return 2;
    }
    lua_pushliteral(L, "invalid");
    lua_pushinteger(L, (lua_Integer)(off + where) + 1);
    return 3;
  }
  stet_buf *scratch = lua_touserdata(L, lua_upvalueindex(1));
  if (lua_isnoneornil(L, 3)) lua_createtable(L, 0, (int)nf);
  else lua_pushvalue(L, 3);
  for (lua_Integer k = 0; k < nf; k++) {
    lua_rawgeti(L, 2, k + 1); /* the key */
    const stet_json_field *fk = &f[k];
    if (!fk->found) {
      lua_pushnil(L);
    } else if (!fk->escaped) {
      lua_pushlstring(L, s + fk->start, fk->stop - fk->start);
    } else {
      size_t raw = fk->stop - fk->start;
      scratch->len = 0;
      if (stet_buf_reserve(scratch, raw + 1)) return stet_lua_nomem(L);
      size_t m = stet_json_unescape(s + fk->start, raw, scratch->data);
      if (m == (size_t)-1) return luaL_error(L, "json_fields: escape checked twice differs");
      lua_pushlstring(L, scratch->data, m);
      stet_buf_trim(scratch, SCRATCH_KEEP);
    }
    lua_rawset(L, -3);
  }
  return 1;
}

/* Whether s[0..n) holds a byte that is not a space to Lua's "%S" (C
 * locale isspace: space, \t, \n, \v, \f, \r). */
int stet_line_has_text(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c != ' ' && (c < '\t' || c > '\r')) return 1;
  }
  return 0;
}

/* stet._last_newline(s, init) -> the position (1-based) of the last "\n"
 * of s at or after init, or nil. [-0, +1] */
static int l_last_newline(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  lua_Integer init = luaL_optinteger(L, 2, 1);
  size_t from = init < 1 ? 0 : (size_t)(init - 1);
  if (from >= n) return 0;
  const char *p = memrchr(s + from, '\n', n - from);
  if (!p) return 0;
  lua_pushinteger(L, (lua_Integer)(p - s) + 1);
  return 1;
}

void stet_count_lines(const char *s, size_t n, long long *texts, long long *bytes,
                      long long *lines) {
  long long t = 0, b = 0, l = 0;
  size_t pos = 0;
  for (;;) {
    const char *nl = memchr(s + pos, '\n', n - pos);
    size_t e = nl ? (size_t)(nl - s) : n;
    l++;
    if (stet_line_has_text(s + pos, e - pos)) {
      t++;
      b += (long long)(e - pos);
    }
    if (!nl) break;
    pos = e + 1;
  }
  *texts = t;
  *bytes = b;
  *lines = l;
}

/* stet._count_lines(s) -> texts, bytes, lines: stet_count_lines of a
 * string or of a sink's bytes (stet._sink). [-0, +3] */
static int l_count_lines(lua_State *L) {
  size_t n;
  const char *s;
  stet_buf *b = lua_type(L, 1) == LUA_TUSERDATA ? stet_lua_testbuf(L, 1) : NULL;
  if (b) s = b->data, n = b->len;
  else s = luaL_checklstring(L, 1, &n);
  long long texts, bytes, lines;
  stet_count_lines(s, n, &texts, &bytes, &lines);
  lua_pushinteger(L, (lua_Integer)texts);
  lua_pushinteger(L, (lua_Integer)bytes);
  lua_pushinteger(L, (lua_Integer)lines);
  return 3;
}

static const luaL_Reg funcs[] = {
  {"json_fields", l_json_fields},
  {"_last_newline", l_last_newline},
  {"_count_lines", l_count_lines},
  {NULL, NULL},
};

void stet_lua_open_json(lua_State *L) {
  stet_lua_newbuf(L); /* the scratch buffer, shared by the functions */
  luaL_setfuncs(L, funcs, 1);
}
