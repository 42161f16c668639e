/* core/lua_stet.c: luaopen_stet_core, the C module "stet.core", and the
 * helpers of lua_stet.h. lua/stet/init.lua wraps this module into the
 * public "stet" library. */
#include "lua_stet.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lalloc.h"

#define BUF_META "stet.buf"

/* A box: the byte buffer, and whether another thread still reads it. A
 * worker fills a sink with a batch's records and holds it (sink:hold); the
 * main thread writes them out and lets go (stet._sink_send), and only then
 * does the worker fill it again: no copy of the records between the two. */
typedef struct sink_box {
  stet_buf b; /* first: a box is its buffer */
  _Atomic int held;
} sink_box;

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

/* sink:clear([keep]): empties it, keeping its room up to keep bytes
 * (default 64 MB; more is let go). [-0, +0] */
static int sink_clear(lua_State *L) {
  stet_buf *b = luaL_checkudata(L, 1, BUF_META);
  lua_Integer keep = luaL_optinteger(L, 2, (lua_Integer)64 << 20);
  if (keep < 0 || b->cap > (size_t)keep) stet_buf_free(b);
  b->len = 0;
  return 0;
}

/* sink:len() -> the bytes it holds. [-0, +1] */
static int sink_len(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)((stet_buf *)luaL_checkudata(L, 1, BUF_META))->len);
  return 1;
}

/* sink:hold() -> address: marks it held, for stet._sink_send (or
 * stet._sink_drop) in another thread's state to write and let go. The
 * holder must keep the sink alive and leave it alone until then. [-0, +1] */
static int sink_hold(lua_State *L) {
  sink_box *x = luaL_checkudata(L, 1, BUF_META);
  atomic_store(&x->held, 1);
  lua_pushinteger(L, (lua_Integer)(uintptr_t)x);
  return 1;
}

/* sink:held() -> whether it is held still. [-0, +1] */
static int sink_held(lua_State *L) {
  sink_box *x = luaL_checkudata(L, 1, BUF_META);
  lua_pushboolean(L, atomic_load(&x->held));
  return 1;
}

static sink_box *held_box(lua_State *L, int idx) {
  lua_Integer a = luaL_checkinteger(L, idx);
  luaL_argcheck(L, a != 0, idx, "null sink");
  sink_box *x = (sink_box *)(uintptr_t)a;
  luaL_argcheck(L, atomic_load(&x->held), idx, "a sink not held");
  return x;
}

/* stet._sink_send(address, file): writes the bytes of the held sink at
 * address (sink:hold) to the Lua file handle (flushed first), then lets
 * the sink go. [-0, +0] */
static int l_sink_send(lua_State *L) {
  sink_box *x = held_box(L, 1);
  luaL_Stream *f = (luaL_Stream *)luaL_checkudata(L, 2, LUA_FILEHANDLE);
  luaL_argcheck(L, f->closef != NULL && f->f != NULL, 2, "closed file");
  int e = fflush(f->f) != 0 ? errno : 0;
  const char *p = x->b.data;
  size_t n = x->b.len;
  while (!e && n > 0) {
    ssize_t w = write(fileno(f->f), p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) e = w < 0 ? errno : EIO;
    else {
      p += w;
      n -= (size_t)w;
    }
  }
  atomic_store(&x->held, 0);
  if (e) return luaL_error(L, "writing the output: %s", strerror(e));
  return 0;
}

/* stet._sink_drop(address): lets the held sink go unwritten. [-0, +0] */
static int l_sink_drop(lua_State *L) {
  atomic_store(&held_box(L, 1)->held, 0);
  return 0;
}

/* sink:string() -> the bytes it holds, as a string. [-0, +1] */
static int sink_string(lua_State *L) {
  stet_buf *b = luaL_checkudata(L, 1, BUF_META);
  lua_pushlstring(L, b->data ? b->data : "", b->len);
  return 1;
}

stet_buf *stet_lua_newbuf(lua_State *L) {
  sink_box *x = lua_newuserdatauv(L, sizeof *x, 0);
  stet_buf *b = &x->b;
  b->data = NULL;
  b->len = b->cap = 0;
  atomic_init(&x->held, 0);
  if (luaL_newmetatable(L, BUF_META)) {
    lua_pushcfunction(L, buf_gc);
    lua_setfield(L, -2, "__gc");
    static const luaL_Reg methods[] = {
      {"put", sink_put}, {"clear", sink_clear}, {"len", sink_len}, {"string", sink_string},
      {"hold", sink_hold}, {"held", sink_held}, {NULL, NULL},
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
 * sink:clear(), sink:len(), sink:string(), sink:hold(), sink:held().
 * [-0, +1] */
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
  lua_pushcfunction(L, l_sink_send);
  lua_setfield(L, -2, "_sink_send");
  lua_pushcfunction(L, l_sink_drop);
  lua_setfield(L, -2, "_sink_drop");
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
