/* core/lua_fingerprint.c: stet.fingerprint, stet.fingerprint_key and
 * stet.body_fingerprint (core/fingerprint.c) for Lua.
 *
 * Fingerprints are Lua integers holding the 64 bits (so about half of them
 * are negative); ("%016x"):format(fp) prints them as unsigned hex. The
 * reusable key buffers live in a userdata upvalue shared by the three
 * functions of one Lua state, so no call allocates once they have grown. */
#include "fingerprint.h"
#include "lua_stet.h"

#define CTX_META "stet.fp_ctx"

static int ctx_gc(lua_State *L) {
  stet_fp_ctx_free((stet_fp_ctx *)luaL_checkudata(L, 1, CTX_META));
  return 0;
}

static stet_fp_ctx *upctx(lua_State *L) {
  return (stet_fp_ctx *)lua_touserdata(L, lua_upvalueindex(1));
}

/* stet.fingerprint(p) -> integer [-0, +1] */
static int l_fingerprint(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  uint64_t fp;
  if (stet_fingerprint(upctx(L), s, n, &fp)) return stet_lua_nomem(L);
  lua_pushinteger(L, (lua_Integer)fp);
  return 1;
}

/* stet.fingerprint_key(p) -> string, the normalized key [-0, +1].
 * For specs: stet.fingerprint_key(p, path [, i [, j]]) -> key, path used:
 * the key of p:sub(i, j) (default the whole string) built with the ASCII
 * path "scalar", "sse2", "ssse3" or "avx2" at most (the best the
 * processor has below it), the rest of p readable past the end, as
 * `stet hash` reads paragraphs in a file buffer. Every path gives the same
 * key. [-0, +2] */
static int l_fingerprint_key(lua_State *L) {
  static const char *const paths[] = {"best", "scalar", "sse2", "ssse3", "avx2", NULL};
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  stet_fp_ctx *ctx = upctx(L);
  if (lua_isnoneornil(L, 2)) {
    if (stet_fingerprint_key(ctx, s, n)) return stet_lua_nomem(L);
    lua_pushlstring(L, ctx->key.data, ctx->key.len);
    return 1;
  }
  int path = luaL_checkoption(L, 2, NULL, paths);
  lua_Integer i = luaL_optinteger(L, 3, 1), j = luaL_optinteger(L, 4, (lua_Integer)n);
  luaL_argcheck(L, i >= 1 && i <= (lua_Integer)n + 1, 3, "out of range");
  luaL_argcheck(L, j >= i - 1 && j <= (lua_Integer)n, 4, "out of range");
  int saved = ctx->path;
  ctx->path = path;
  int used = stet_fp_path(ctx);
  int r = stet_fingerprint_key_in(ctx, s + i - 1, (size_t)(j - i + 1), n - (size_t)j);
  ctx->path = saved;
  if (r) return stet_lua_nomem(L);
  lua_pushlstring(L, ctx->key.data, ctx->key.len);
  lua_pushstring(L, paths[used]);
  return 2;
}

/* stet.body_fingerprint(text) -> integer [-0, +1] */
static int l_body_fingerprint(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  uint64_t fp;
  if (stet_body_fingerprint(upctx(L), s, n, &fp)) return stet_lua_nomem(L);
  lua_pushinteger(L, (lua_Integer)fp);
  return 1;
}

static const luaL_Reg funcs[] = {
  {"fingerprint", l_fingerprint},
  {"fingerprint_key", l_fingerprint_key},
  {"body_fingerprint", l_body_fingerprint},
  {NULL, NULL},
};

void stet_lua_open_fingerprint(lua_State *L) {
  stet_fp_ctx *ctx = lua_newuserdatauv(L, sizeof *ctx, 0);
  stet_fp_ctx init = STET_FP_CTX_INIT;
  *ctx = init;
  if (luaL_newmetatable(L, CTX_META)) {
    lua_pushcfunction(L, ctx_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  luaL_setfuncs(L, funcs, 1);
  lua_pushinteger(L, (lua_Integer)STET_FP_EMPTY);
  lua_setfield(L, -2, "FP_EMPTY");
}
