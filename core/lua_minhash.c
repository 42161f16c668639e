/* core/lua_minhash.c: stet.minhash and stet.similarity (core/minhash.c).
 *
 * A signature is a Lua string (see minhash.h for its bytes), so it is
 * already serialized: store it, send it, and compare it as it is. The LSH
 * index over signatures is lua/stet/lsh.lua. */
#include "lua_stet.h"
#include "minhash.h"

#define MH_CTX_META "stet.mh_ctx"

static int ctx_gc(lua_State *L) {
  stet_mh_ctx_free((stet_mh_ctx *)luaL_checkudata(L, 1, MH_CTX_META));
  return 0;
}

/* Reads integer field k of the options table at idx, within [lo, hi]. */
static int opt_int(lua_State *L, int idx, const char *k, int def, int lo, int hi) {
  if (lua_isnoneornil(L, idx)) return def;
  int t = lua_getfield(L, idx, k);
  int v = def;
  if (t != LUA_TNIL) {
    int ok;
    lua_Integer n = lua_tointegerx(L, -1, &ok);
    if (!ok || n < lo || n > hi)
      luaL_argerror(L, idx, lua_pushfstring(L, "field '%s' must be an integer in %d..%d", k, lo, hi));
    v = (int)n;
  }
  lua_pop(L, 1);
  return v;
}

/* stet.minhash(text [, {shingle=5, hashes=112}]) -> signature string */
static int l_minhash(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  if (!lua_isnoneornil(L, 2)) luaL_checktype(L, 2, LUA_TTABLE);
  stet_minhash_opts o;
  stet_minhash_defaults(&o);
  o.shingle = opt_int(L, 2, "shingle", o.shingle, 1, STET_MH_MAX_SHINGLE);
  o.hashes = opt_int(L, 2, "hashes", o.hashes, 1, STET_MH_MAX_HASHES);
  stet_buf *box = stet_lua_newbuf(L);
  int boxi = lua_gettop(L);
  size_t size = stet_minhash_size(&o);
  if (stet_buf_reserve(box, size)) return stet_lua_nomem(L);
  stet_mh_ctx *ctx = lua_touserdata(L, lua_upvalueindex(1));
  if (stet_minhash(ctx, s, n, &o, (unsigned char *)box->data)) return stet_lua_nomem(L);
  box->len = size;
  stet_lua_pushbuf(L, boxi);
  return 1;
}

/* stet.similarity(a, b) -> estimated Jaccard similarity in [0, 1] */
static int l_similarity(lua_State *L) {
  size_t la, lb;
  const char *a = luaL_checklstring(L, 1, &la);
  const char *b = luaL_checklstring(L, 2, &lb);
  double sim = stet_minhash_similarity((const unsigned char *)a, la, (const unsigned char *)b, lb);
  if (sim < 0)
    return luaL_error(L, "similarity: not two signatures made with the same options");
  lua_pushnumber(L, sim);
  return 1;
}

static const luaL_Reg funcs[] = {
  {"minhash", l_minhash},
  {"similarity", l_similarity},
  {NULL, NULL},
};

void stet_lua_open_minhash(lua_State *L) {
  stet_mh_ctx *ctx = lua_newuserdatauv(L, sizeof *ctx, 0);
  stet_mh_ctx init = STET_MH_CTX_INIT;
  *ctx = init;
  if (luaL_newmetatable(L, MH_CTX_META)) {
    lua_pushcfunction(L, ctx_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  luaL_setfuncs(L, funcs, 1);
}
