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
#ifdef __SSE2__
#include <emmintrin.h>
#endif

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

/* stet.json_quote(s) -> the JSON string literal of s: quotes, backslash,
 * C0 controls and DEL escaped, every other byte (UTF-8 included) as it is.
 * [-0, +1] */
static int l_json_quote(lua_State *L) {
  size_t n;
  const unsigned char *s = (const unsigned char *)luaL_checklstring(L, 1, &n);
  static const char hex[] = "0123456789abcdef";
  luaL_Buffer b;
  char *out = luaL_buffinitsize(L, &b, n + 2);
  size_t o = 0, cap = n + 2, i = 0;
  out[o++] = '"';
  while (i < n) {
    size_t run = i;
    run = plain_run(s, run, n);
    if (run > i) {
      if (cap - o < run - i + 8) {
        luaL_addsize(&b, o);
        out = luaL_prepbuffsize(&b, run - i + 8);
        cap = run - i + 8;
        o = 0;
      }
      memcpy(out + o, s + i, run - i);
      o += run - i;
      i = run;
      if (i >= n) break;
    }
    if (cap - o < 8) {
      luaL_addsize(&b, o);
      out = luaL_prepbuffsize(&b, 64);
      cap = 64;
      o = 0;
    }
    unsigned char c = s[i++];
    out[o++] = '\\';
    switch (c) {
    case '"': out[o++] = '"'; break;
    case '\\': out[o++] = '\\'; break;
    case '\n': out[o++] = 'n'; break;
    case '\r': out[o++] = 'r'; break;
    case '\t': out[o++] = 't'; break;
    case '\b': out[o++] = 'b'; break;
    case '\f': out[o++] = 'f'; break;
    default:
      out[o++] = 'u'; out[o++] = '0'; out[o++] = '0';
      out[o++] = hex[c >> 4]; out[o++] = hex[c & 15];
    }
  }
  if (cap - o < 1) {
    luaL_addsize(&b, o);
    out = luaL_prepbuffsize(&b, 1);
    o = 0;
  }
  out[o++] = '"';
  luaL_addsize(&b, o);
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
