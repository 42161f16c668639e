/* core/lua_stet.c: luaopen_stet_core, the C module "stet.core", and the
 * helpers of lua_stet.h. lua/stet/init.lua wraps this module into the
 * public "stet" library. */
#include "lua_stet.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lalloc.h"

#define BUF_META "stet.buf"

static int buf_gc(lua_State *L) {
  stet_buf_free((stet_buf *)luaL_checkudata(L, 1, BUF_META));
  return 0;
}

/* sink:put(s): appends the string s. [-0, +0] */
static int sink_put(lua_State *L) {
  stet_buf *b = luaL_checkudata(L, 1, BUF_META);
  size_t n;
  const char *s = luaL_checklstring(L, 2, &n);
  if (stet_buf_append(b, s, n)) return stet_lua_nomem(L);
  return 0;
}

/* sink:clear(): empties it, keeping its room (up to 64 MB). [-0, +0] */
static int sink_clear(lua_State *L) {
  stet_buf *b = luaL_checkudata(L, 1, BUF_META);
  if (b->cap > (64u << 20)) stet_buf_free(b);
  b->len = 0;
  return 0;
}

/* sink:len() -> the bytes it holds. [-0, +1] */
static int sink_len(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)((stet_buf *)luaL_checkudata(L, 1, BUF_META))->len);
  return 1;
}

/* sink:string() -> the bytes it holds, as a string. [-0, +1] */
static int sink_string(lua_State *L) {
  stet_buf *b = luaL_checkudata(L, 1, BUF_META);
  lua_pushlstring(L, b->data ? b->data : "", b->len);
  return 1;
}

stet_buf *stet_lua_newbuf(lua_State *L) {
  stet_buf *b = lua_newuserdatauv(L, sizeof *b, 0);
  b->data = NULL;
  b->len = b->cap = 0;
  if (luaL_newmetatable(L, BUF_META)) {
    lua_pushcfunction(L, buf_gc);
    lua_setfield(L, -2, "__gc");
    static const luaL_Reg methods[] = {
      {"put", sink_put}, {"clear", sink_clear}, {"len", sink_len}, {"string", sink_string},
      {NULL, NULL},
    };
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
  }
  lua_setmetatable(L, -2);
  return b;
}

stet_buf *stet_lua_testbuf(lua_State *L, int idx) {
  return (stet_buf *)luaL_testudata(L, idx, BUF_META);
}

/* stet._sink() -> a byte buffer that C functions write into (records of
 * stet._lane2_run with agg.sink, stet._spill_append): sink:put(s),
 * sink:clear(), sink:len(), sink:string(). [-0, +1] */
static int l_sink(lua_State *L) {
  stet_lua_newbuf(L);
  return 1;
}

void stet_lua_pushbuf(lua_State *L, int box) {
  box = lua_absindex(L, box);
  stet_buf *b = (stet_buf *)lua_touserdata(L, box);
  lua_pushlstring(L, b->data ? b->data : "", b->len);
  stet_buf_free(b);
  lua_remove(L, box);
}

int stet_lua_optbool(lua_State *L, int idx, int arg, const char *k, int def) {
  if (lua_isnoneornil(L, idx)) return def;
  int t = lua_getfield(L, idx, k);
  int v = def;
  if (t == LUA_TBOOLEAN) v = lua_toboolean(L, -1);
  else if (t != LUA_TNIL) {
    lua_pop(L, 1);
    return luaL_argerror(L, arg, lua_pushfstring(L, "field '%s' must be a boolean", k));
  }
  lua_pop(L, 1);
  return v;
}

int stet_lua_file_done(lua_State *L, FILE *f, const char *path, stet_buf *in, stet_buf *out,
                       int failed) {
  if (f != stdin) fclose(f);
  if (fflush(stdout) != 0 && !failed) failed = -(errno ? errno : EIO);
  stet_buf_free(in);
  stet_buf_free(out);
  if (!failed) return 0;
  lua_pushnil(L);
  if (failed < 0) lua_pushfstring(L, "writing standard output: %s", strerror(-failed));
  else lua_pushfstring(L, "%s: %s", path, strerror(failed));
  return 1;
}

int stet_lua_nomem(lua_State *L) {
  lua_pushliteral(L, "not enough memory");
  return lua_error(L);
}

int luaopen_stet_core(lua_State *L);

/* [-0, +1] the module table. */
int luaopen_stet_core(lua_State *L) {
  lua_newtable(L);
  stet_lua_open_normalize(L);
  stet_lua_open_budget(L);
  stet_lua_open_sys(L);
  stet_lua_open_paths(L);
  stet_lua_open_segment(L);
  stet_lua_open_fingerprint(L);
  stet_lua_open_counter(L);
  stet_lua_open_wire(L);
  stet_lua_open_pool(L);
  stet_lua_open_signal(L);
  stet_lua_open_document(L);
  stet_lua_open_bench(L);
  stet_lua_open_counter_view(L);
  stet_lua_open_sumstore(L);
  stet_lua_open_minhash(L);
  stet_lua_open_json(L);
  stet_lua_open_lsh(L);
  stet_lua_open_luapat(L);
  lua_pushcfunction(L, l_sink);
  lua_setfield(L, -2, "_sink");
  return 1;
}

/* Like lauxlib's: an error outside any protected call ends the process. */
static int panic(lua_State *L) {
  const char *msg = lua_tostring(L, -1);
  fprintf(stderr, "stet: unprotected error in a Lua call (%s)\n", msg ? msg : "not a string");
  return 0; /* Lua aborts */
}

#define LALLOC_KEY "stet.lalloc"

lua_State *stet_lua_newstate(void) {
  stet_lalloc *a = stet_lalloc_new();
  if (!a) return NULL;
  lua_State *L = lua_newstate(stet_lalloc_fn, a);
  if (!L) {
    stet_lalloc_destroy(a);
    return NULL;
  }
  lua_atpanic(L, panic);
  lua_pushlightuserdata(L, a);
  lua_setfield(L, LUA_REGISTRYINDEX, LALLOC_KEY);
  return L;
}

void stet_lua_closestate(lua_State *L) {
  lua_getfield(L, LUA_REGISTRYINDEX, LALLOC_KEY);
  stet_lalloc *a = (stet_lalloc *)lua_touserdata(L, -1);
  lua_pop(L, 1);
  lua_close(L);
  stet_lalloc_destroy(a);
}
