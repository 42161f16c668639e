/* core/lua_wire.c: stet.pack(value) -> string and stet.unpack(string) ->
 * value, a compact binary form of plain Lua data (nil, booleans, integers,
 * floats, strings, tables of those) for handing documents and results
 * between the Lua states of worker threads (core/lua_pool.c). The form is
 * private to one build of stet: native byte order, no versioning.
 *
 *   value := 'n' | 'f' | 't' | 'i' int64 | 'd' double | 's' u64 len, bytes
 *          | 'T' u32 narray, u32 nhash, narray values, nhash (key, value)
 *          | 'L' pointer   (a light userdata such as lua-cjson's null, which
 *                           is the same value in every state of a process)
 *
 * Tables nest at most 100 deep (a cycle is an error, not a hang). */
#include <stdint.h>
#include <string.h>

#include "json.h"
#include "lua_stet.h"

#define MAX_DEPTH 100


/* The output lives in a stet_buf owned by a box on the stack (so a Lua
 * error frees it), not a luaL_Buffer, because packing pushes and pops
 * values between appends. */
typedef struct packer {
  lua_State *L;
  stet_buf *out;
} packer;

static void pack_value(lua_State *L, packer *b, int idx, int depth);

static void put(packer *b, const void *p, size_t n) {
  if (stet_buf_append(b->out, p, n)) luaL_error(b->L, "not enough memory");
}

static void put_char(packer *b, char c) {
  put(b, &c, 1);
}

/* Packs the table at idx: its array part 1..n (up to the first nil), then
 * every other key. */
static void pack_table(lua_State *L, packer *b, int idx, int depth) {
  if (depth > MAX_DEPTH) luaL_error(L, "stet.pack: tables nested too deep (a cycle?)");
  luaL_checkstack(L, 6, "stet.pack");
  lua_Integer narr = (lua_Integer)lua_rawlen(L, idx);
  uint32_t nhash = 0;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    if (!(lua_isinteger(L, -1) && lua_tointeger(L, -1) >= 1 && lua_tointeger(L, -1) <= narr)) nhash++;
  }
  uint32_t na = (uint32_t)narr;
  put_char(b, 'T');
  put(b, &na, sizeof na);
  put(b, &nhash, sizeof nhash);
  for (lua_Integer i = 1; i <= narr; i++) {
    lua_rawgeti(L, idx, i);
    pack_value(L, b, lua_gettop(L), depth + 1);
    lua_pop(L, 1);
  }
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    int k = lua_gettop(L) - 1;
    if (!(lua_isinteger(L, k) && lua_tointeger(L, k) >= 1 && lua_tointeger(L, k) <= narr)) {
      pack_value(L, b, k, depth + 1);
      pack_value(L, b, k + 1, depth + 1);
    }
    lua_pop(L, 1);
  }
}

/* Appends the value at idx (an absolute index). */
static void pack_value(lua_State *L, packer *b, int idx, int depth) {
  switch (lua_type(L, idx)) {
  case LUA_TNIL: put_char(b, 'n'); break;
  case LUA_TBOOLEAN: put_char(b, lua_toboolean(L, idx) ? 't' : 'f'); break;
  case LUA_TNUMBER:
    if (lua_isinteger(L, idx)) {
      int64_t v = (int64_t)lua_tointeger(L, idx);
      put_char(b, 'i');
      put(b, &v, sizeof v);
    } else {
      double d = (double)lua_tonumber(L, idx);
      put_char(b, 'd');
      put(b, &d, sizeof d);
    }
    break;
  case LUA_TSTRING: {
    size_t n;
    const char *s = lua_tolstring(L, idx, &n);
    uint64_t len = n;
    put_char(b, 's');
    put(b, &len, sizeof len);
    put(b, s, n);
    break;
  }
  case LUA_TTABLE: pack_table(L, b, idx, depth); break;
  case LUA_TLIGHTUSERDATA: {
    void *ptr = lua_touserdata(L, idx);
    put_char(b, 'L');
    put(b, &ptr, sizeof ptr);
    break;
  }
  default:
    luaL_error(L, "stet.pack: cannot pack a %s", luaL_typename(L, idx));
  }
}

/* stet.pack(value) -> string [-0, +1] */
static int l_pack(lua_State *L) {
  luaL_checkany(L, 1);
  lua_settop(L, 1);
  packer pk = {L, stet_lua_newbuf(L)};
  pack_value(L, &pk, 1, 0);
  stet_lua_pushbuf(L, 2);
  return 1;
}

typedef struct reader {
  const unsigned char *p, *end;
} reader;

static void take(lua_State *L, reader *r, void *out, size_t n) {
  if ((size_t)(r->end - r->p) < n) luaL_error(L, "stet.unpack: truncated data");
  memcpy(out, r->p, n);
  r->p += n;
}

/* Pushes the next value. [-0, +1] */
static void unpack_value(lua_State *L, reader *r, int depth) {
  if (depth > MAX_DEPTH) luaL_error(L, "stet.unpack: nested too deep");
  luaL_checkstack(L, 4, "stet.unpack");
  unsigned char tag;
  take(L, r, &tag, 1);
  switch (tag) {
  case 'n': lua_pushnil(L); break;
  case 'f': lua_pushboolean(L, 0); break;
  case 't': lua_pushboolean(L, 1); break;
  case 'i': { int64_t v; take(L, r, &v, sizeof v); lua_pushinteger(L, (lua_Integer)v); break; }
  case 'd': { double d; take(L, r, &d, sizeof d); lua_pushnumber(L, (lua_Number)d); break; }
  case 'L': { void *ptr; take(L, r, &ptr, sizeof ptr); lua_pushlightuserdata(L, ptr); break; }
  case 's': {
    uint64_t len;
    take(L, r, &len, sizeof len);
    if ((uint64_t)(r->end - r->p) < len) luaL_error(L, "stet.unpack: truncated data");
    lua_pushlstring(L, (const char *)r->p, (size_t)len);
    r->p += len;
    break;
  }
  case 'T': {
    uint32_t na, nh;
    take(L, r, &na, sizeof na);
    take(L, r, &nh, sizeof nh);
    if ((size_t)(r->end - r->p) < (size_t)na + 2u * nh) luaL_error(L, "stet.unpack: truncated data");
    lua_createtable(L, (int)na, (int)nh);
    for (uint32_t i = 1; i <= na; i++) {
      unpack_value(L, r, depth + 1);
      lua_rawseti(L, -2, i);
    }
    for (uint32_t i = 0; i < nh; i++) {
      unpack_value(L, r, depth + 1);
      unpack_value(L, r, depth + 1);
      if (lua_isnil(L, -2)) luaL_error(L, "stet.unpack: nil key");
      lua_rawset(L, -3);
    }
    break;
  }
  default:
    luaL_error(L, "stet.unpack: bad data (tag %d)", (int)tag);
  }
}

/* stet.unpack(string) -> value [-0, +1] */
static int l_unpack(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  reader r = {(const unsigned char *)s, (const unsigned char *)s + n};
  unpack_value(L, &r, 0);
  if (r.p != r.end) luaL_error(L, "stet.unpack: %d bytes of trailing data", (int)(r.end - r.p));
  return 1;
}

/* stet.json_quote(s) -> the JSON string literal of s (stet_json_quote):
 * quotes, backslash, C0 controls and DEL escaped, every other byte (UTF-8
 * included) as it is. [-0, +1] */
#define QUOTE_CHUNK 4096

static int l_json_quote(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  luaL_Buffer b;
  luaL_buffinit(L, &b); /* short strings stay in its own space */
  luaL_addchar(&b, '"');
  for (size_t i = 0; i < n; i += QUOTE_CHUNK) { /* room for 6 bytes per byte */
    size_t k = n - i < QUOTE_CHUNK ? n - i : QUOTE_CHUNK;
    char *out = luaL_prepbuffsize(&b, 6 * k);
    luaL_addsize(&b, stet_json_escape_to(out, s + i, k));
  }
  luaL_addchar(&b, '"');
  luaL_pushresult(&b);
  return 1;
}

static const luaL_Reg funcs[] = {
  {"json_quote", l_json_quote},
  {"pack", l_pack},
  {"unpack", l_unpack},
  {NULL, NULL},
};

void stet_lua_open_wire(lua_State *L) {
  luaL_setfuncs(L, funcs, 0);
}
