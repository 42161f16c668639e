/* core/lua_budget.c: a memory budget for rule hooks.
 *
 * stet.memory_budget(bytes) wraps the Lua state's allocator (once) with one
 * that counts live bytes and refuses to grow past a limit: the limit is set
 * to the bytes in use now plus `bytes`. stet.memory_budget(nil) lifts it.
 * stet.memory_budget_hit() tells whether an allocation was refused since the
 * last call that set a budget, so the pipeline can say "memory budget
 * exceeded" instead of a bare "not enough memory". Past the limit, small
 * blocks (up to SMALL bytes) are still granted from a reserve of RESERVE
 * bytes: the code that handles the refusal (packing the results of the
 * hook's coroutine, formatting the reason) must not fail in turn, however
 * close to the limit the refused allocation left the state. The counter
 * lives in a userdata owned by the state (its registry), so states never
 * share it. */
#include <stdlib.h>

#include "lua_stet.h"

#define BUDGET_KEY "stet.budget"
#define SMALL 256
#define RESERVE (64 * 1024)

typedef struct budget {
  lua_Alloc inner;
  void *inner_ud;
  size_t used;   /* live bytes allocated through this allocator */
  size_t limit;  /* 0 = none */
  int hit;
} budget;

/* lua_Alloc contract: nsize 0 frees; otherwise (re)allocates. A block
 * allocated before the wrapper was installed is freed through it too; its
 * size is then subtracted from `used`, which may dip below the truth, so
 * `used` saturates at 0. */
static void *budget_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  budget *b = (budget *)ud;
  size_t old = ptr ? osize : 0;
  if (nsize == 0) {
    b->used = b->used >= old ? b->used - old : 0;
    return b->inner(b->inner_ud, ptr, osize, 0);
  }
  if (b->limit && nsize > old && b->used + (nsize - old) > b->limit &&
      (nsize > SMALL || b->used + (nsize - old) > b->limit + RESERVE)) {
    b->hit = 1;
    return NULL;
  }
  void *p = b->inner(b->inner_ud, ptr, osize, nsize);
  if (p) b->used = b->used >= old ? b->used - old + nsize : nsize;
  return p;
}

/* __gc of the holder: runs when the state closes, before its last frees,
 * so it puts the original allocator back and frees the counter. */
static int budget_gc(lua_State *L) {
  budget **box = (budget **)lua_touserdata(L, 1);
  if (*box) {
    lua_setallocf(L, (*box)->inner, (*box)->inner_ud);
    free(*box);
    *box = NULL;
  }
  return 0;
}

/* The state's budget, installing the counting allocator on first use. The
 * counter is malloc'ed, not a Lua object: the allocator outlives every
 * object but the holder's finalizer. */
static budget *get_budget(lua_State *L) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, BUDGET_KEY) == LUA_TUSERDATA) {
    budget *b = *(budget **)lua_touserdata(L, -1);
    lua_pop(L, 1);
    if (b) return b;
    luaL_error(L, "memory budget used while the state closes");
  }
  lua_pop(L, 1);
  budget **box = lua_newuserdatauv(L, sizeof *box, 0);
  *box = NULL;
  lua_newtable(L);
  lua_pushcfunction(L, budget_gc);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  budget *b = malloc(sizeof *b);
  if (!b) luaL_error(L, "not enough memory");
  *box = b;
  lua_setfield(L, LUA_REGISTRYINDEX, BUDGET_KEY); /* lives as long as L */
  b->inner = lua_getallocf(L, &b->inner_ud);
  b->used = (size_t)lua_gc(L, LUA_GCCOUNT, 0) * 1024u + (size_t)lua_gc(L, LUA_GCCOUNTB, 0);
  b->limit = 0;
  b->hit = 0;
  lua_setallocf(L, budget_alloc, b);
  return b;
}

/* stet.memory_budget(bytes | nil) [-0, +0] */
static int l_memory_budget(lua_State *L) {
  budget *b = get_budget(L);
  if (lua_isnoneornil(L, 1)) {
    b->limit = 0;
    return 0;
  }
  lua_Integer bytes = luaL_checkinteger(L, 1);
  luaL_argcheck(L, bytes > 0, 1, "budget must be positive");
  b->used = (size_t)lua_gc(L, LUA_GCCOUNT, 0) * 1024u + (size_t)lua_gc(L, LUA_GCCOUNTB, 0);
  b->limit = b->used + (size_t)bytes;
  b->hit = 0;
  return 0;
}

/* stet.memory_budget_hit() -> boolean [-0, +1] */
static int l_memory_budget_hit(lua_State *L) {
  budget *b = get_budget(L);
  lua_pushboolean(L, b->hit);
  return 1;
}

static const luaL_Reg funcs[] = {
  {"memory_budget", l_memory_budget},
  {"memory_budget_hit", l_memory_budget_hit},
  {NULL, NULL},
};

void stet_lua_open_budget(lua_State *L) {
  luaL_setfuncs(L, funcs, 0);
}
