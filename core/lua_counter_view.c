/* core/lua_counter_view.c: read-only views of a counting table for worker
 * threads (core/lua_pool.c). The main state owns the table; during the
 * second pass of `stet clean` no one writes to it, so workers may look
 * counts up concurrently through a view:
 *
 *   local addr = counter:address()        -- in the owning state
 *   local view = stet._counter_view(addr) -- in a worker state
 *   view:count(fp, site)
 *
 * A view does not own the table and must not outlive it; the pipeline keeps
 * the counter alive until the pool is closed. Internal: scripts have no
 * reason to use this. */
#include <stdint.h>

#include "counter.h"
#include "lua_stet.h"

#define VIEW_META "stet.counter_view"

/* counter:address() -> integer */
static int c_address(lua_State *L) {
  stet_counter *c = stet_lua_checkcounter(L, 1);
  lua_pushinteger(L, (lua_Integer)(uintptr_t)c);
  return 1;
}

/* stet._counter_view(address) -> view */
static int l_view(lua_State *L) {
  lua_Integer addr = luaL_checkinteger(L, 1);
  luaL_argcheck(L, addr != 0, 1, "null counter");
  const stet_counter **v = lua_newuserdatauv(L, sizeof *v, 0);
  *v = (const stet_counter *)(uintptr_t)addr;
  luaL_setmetatable(L, VIEW_META);
  return 1;
}

/* The counting table at idx, a counter or a view of one. */
const struct stet_counter *stet_lua_tocounter_any(lua_State *L, int idx) {
  void *v = luaL_testudata(L, idx, VIEW_META);
  if (v) return *(const stet_counter **)v;
  return stet_lua_checkcounter(L, idx);
}

void stet_lua_open_counter_view(lua_State *L) {
  /* counter:address(), added to the counter's methods; a view's count is
   * the counter's own (it accepts both) */
  luaL_getmetatable(L, "stet.counter");
  lua_getfield(L, -1, "__index");
  lua_pushcfunction(L, c_address);
  lua_setfield(L, -2, "address");
  if (luaL_newmetatable(L, VIEW_META)) {
    lua_newtable(L);
    lua_getfield(L, -3, "count");
    lua_setfield(L, -2, "count");
    lua_setfield(L, -2, "__index");
  }
  lua_pop(L, 3);
  lua_pushcfunction(L, l_view);
  lua_setfield(L, -2, "_counter_view");
}
