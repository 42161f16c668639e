/* core/lua_lsh.c: the LSH index (core/lsh.c) for lua/stet/lsh.lua, which
 * keeps the ids and checks the signatures:
 *
 *   local x = core.lsh_index(bands, width [, expect]) -- width: bytes per band
 *   x:add(sig)            -- a whole signature (4-byte header + values);
 *                            it becomes number x:size()
 *   x:candidates(sig) -> { numbers }  (1-based, ascending)
 *   x:clusters(threshold) -> { { numbers }, ... }  groups of two or more,
 *                            each ascending, groups by their first number
 *   x:size() -> signatures added */
#include <stdlib.h>
#include <string.h>

#include "lsh.h"
#include "lua_stet.h"

#define LSH_META "stet.lsh_index"
#define SIG_HEADER 4

typedef struct lsh_box {
  stet_lsh *x;
} lsh_box;

static stet_lsh *check_lsh(lua_State *L) {
  lsh_box *b = luaL_checkudata(L, 1, LSH_META);
  if (!b->x) luaL_argerror(L, 1, "index has been freed");
  return b->x;
}

/* The values of signature argument idx, checked against the index shape. */
static const unsigned char *check_sig(lua_State *L, const stet_lsh *x, int idx) {
  size_t len;
  const char *s = luaL_checklstring(L, idx, &len);
  luaL_argcheck(L, len == SIG_HEADER + x->bands * x->width, idx, "signature of another size");
  return (const unsigned char *)s + SIG_HEADER;
}

/* core.lsh_index(bands, width [, expect]) -> index, with room for expect
 * signatures */
static int l_lsh_index(lua_State *L) {
  lua_Integer bands = luaL_checkinteger(L, 1), width = luaL_checkinteger(L, 2);
  lua_Integer expect = luaL_optinteger(L, 3, 0);
  luaL_argcheck(L, bands >= 1 && bands <= 65536, 1, "must be in 1..65536");
  luaL_argcheck(L, width >= 4 && width % 4 == 0 && width <= 65536, 2,
                "must be a positive multiple of 4");
  lsh_box *b = lua_newuserdatauv(L, sizeof *b, 0);
  b->x = NULL;
  luaL_setmetatable(L, LSH_META);
  b->x = stet_lsh_new((size_t)bands, (size_t)width);
  if (!b->x) return stet_lua_nomem(L);
  if (expect > 0 && stet_lsh_reserve(b->x, (size_t)expect)) return stet_lua_nomem(L);
  return 1;
}

static int x_gc(lua_State *L) {
  lsh_box *b = luaL_checkudata(L, 1, LSH_META);
  stet_lsh_free(b->x);
  b->x = NULL;
  return 0;
}

static int x_add(lua_State *L) {
  stet_lsh *x = check_lsh(L);
  if (stet_lsh_add(x, check_sig(L, x, 2))) return stet_lua_nomem(L);
  return 0;
}

static int x_size(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)check_lsh(L)->n);
  return 1;
}

/* Collects candidate numbers into a stet_buf of uint32_t. */
typedef struct collect {
  stet_buf *out;
  int oom;
} collect;

static void on_candidate(void *ud, size_t i) {
  collect *c = ud;
  uint32_t v = (uint32_t)i;
  if (stet_buf_append(c->out, &v, sizeof v)) c->oom = 1;
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

static int x_candidates(lua_State *L) {
  stet_lsh *x = check_lsh(L);
  const unsigned char *sig = check_sig(L, x, 2);
  stet_buf *seen = stet_lua_newbuf(L);
  stet_buf *found = stet_lua_newbuf(L);
  if (stet_buf_reserve(seen, x->n + 1)) return stet_lua_nomem(L);
  memset(seen->data, 0, x->n + 1);
  collect c = {found, 0};
  stet_lsh_candidates(x, sig, (unsigned char *)seen->data, on_candidate, &c);
  if (c.oom) return stet_lua_nomem(L);
  uint32_t *v = (uint32_t *)(void *)found->data;
  size_t k = found->len / sizeof *v;
  if (k > 1) qsort(v, k, sizeof *v, cmp_u32);
  lua_createtable(L, (int)k, 0);
  for (size_t i = 0; i < k; i++) {
    lua_pushinteger(L, (lua_Integer)v[i] + 1);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

static int x_clusters(lua_State *L) {
  stet_lsh *x = check_lsh(L);
  double threshold = luaL_checknumber(L, 2);
  size_t n = x->n;
  stet_buf *box = stet_lua_newbuf(L);
  if (stet_buf_reserve(box, (2 * n + 1) * sizeof(uint32_t))) return stet_lua_nomem(L);
  uint32_t *root = (uint32_t *)(void *)box->data, *size = root + n;
  if (stet_lsh_clusters(x, threshold, root)) return stet_lua_nomem(L);
  memset(size, 0, n * sizeof *size);
  for (size_t i = 0; i < n; i++) size[root[i]]++;
  /* groups in order of their root, the smallest member: size[r] becomes
   * the Lua index of r's group table, 0 for singletons */
  lua_newtable(L);
  int out = lua_gettop(L);
  lua_Integer ngroups = 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t r = root[i];
    if (r == i) {
      if (size[r] < 2) {
        size[r] = 0;
        continue;
      }
      lua_createtable(L, (int)size[r], 0);
      lua_pushvalue(L, -1);
      lua_rawseti(L, out, ++ngroups);
      size[r] = (uint32_t)ngroups;
      lua_pushinteger(L, (lua_Integer)i + 1);
      lua_rawseti(L, -2, 1);
      lua_pop(L, 1);
    } else {
      lua_rawgeti(L, out, size[r]);
      lua_pushinteger(L, (lua_Integer)i + 1);
      lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
      lua_pop(L, 1);
    }
  }
  return 1;
}

static const luaL_Reg methods[] = {
  {"add", x_add},
  {"size", x_size},
  {"candidates", x_candidates},
  {"clusters", x_clusters},
  {NULL, NULL},
};

static const luaL_Reg funcs[] = {
  {"lsh_index", l_lsh_index},
  {NULL, NULL},
};

void stet_lua_open_lsh(lua_State *L) {
  if (luaL_newmetatable(L, LSH_META)) {
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, x_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_pop(L, 1);
  luaL_setfuncs(L, funcs, 0);
}
