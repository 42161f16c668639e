/* core/lua_luapat.c: sets of Lua patterns matched in C (core/luapat.c).
 *
 *   local set, err, i = stet.patterns({ "^Photo: ", "^Share$", ... } [, { steps = n }])
 *       compiles the patterns; a malformed one gives nil, "pattern i \"...\":
 *       message" and its index i. steps: the step limit of one match
 *       (default: 10 million + 1000 per subject byte).
 *   set:first(text [, init]) -> i | nil
 *       the index of the first pattern, in list order, that matches text
 *       as string.find(text, pattern, init) would (anchored patterns only at
 *       init); only the patterns that can start with the byte at init run.
 *   set:find(i, text [, init]) -> start, end, captures... | nil
 *       exactly string.find(text, list[i], init).
 *   #set -> the number of patterns
 * A match that runs into the depth or step limit raises "pattern too
 * complex" (first names the pattern). */
#include "lua_stet.h"
#include "luapat.h"

#define PATSET_META "stet.patterns"

typedef struct patset_box {
  stet_patset *set;
  size_t steps;
} patset_box;

static patset_box *check_set(lua_State *L, int idx) {
  patset_box *b = luaL_checkudata(L, idx, PATSET_META);
  if (!b->set) luaL_argerror(L, idx, "pattern set has been freed");
  return b;
}

/* string.find's init: 1-based, negative from the end; returns it 0-based
 * (possibly past the end, which never matches). */
static size_t check_init(lua_State *L, int idx, size_t len) {
  lua_Integer pos = luaL_optinteger(L, idx, 1);
  if (pos > 0) return (size_t)pos - 1;
  if (pos == 0 || pos < -(lua_Integer)len) return 0;
  return len + (size_t)pos;
}

/* stet.patterns(list [, opts]) -> set | nil, message, index [-0, +1|3] */
static int l_patterns(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_Integer steps = 0;
  if (!lua_isnoneornil(L, 2)) {
    luaL_checktype(L, 2, LUA_TTABLE);
    if (lua_getfield(L, 2, "steps") != LUA_TNIL) {
      int ok;
      steps = lua_tointegerx(L, -1, &ok);
      luaL_argcheck(L, ok && steps > 0, 2, "field 'steps' must be a positive integer");
    }
    lua_pop(L, 1);
  }
  lua_Integer n = luaL_len(L, 1);
  patset_box *b = lua_newuserdatauv(L, sizeof *b, 0);
  b->set = NULL;
  b->steps = (size_t)steps;
  luaL_setmetatable(L, PATSET_META);
  b->set = stet_patset_new((size_t)n);
  if (!b->set) return stet_lua_nomem(L);
  for (lua_Integer i = 1; i <= n; i++) {
    size_t len;
    if (lua_geti(L, 1, i) != LUA_TSTRING)
      return luaL_argerror(L, 1, lua_pushfstring(L, "pattern %I is a %s, not a string", (LUAI_UACINT)i,
                                                 luaL_typename(L, -1)));
    const char *pat = lua_tolstring(L, -1, &len);
    char err[STET_PAT_ERRLEN];
    int rc = stet_patset_add(b->set, pat, len, err, sizeof err);
    if (rc == STET_PAT_ENOMEM) return stet_lua_nomem(L);
    if (rc) {
      luaL_pushfail(L);
      lua_pushfstring(L, "pattern %I \"%s\": %s", (LUAI_UACINT)i, pat, err);
      lua_pushinteger(L, i);
      return 3;
    }
    lua_pop(L, 1);
  }
  if (stet_patset_finish(b->set)) return stet_lua_nomem(L);
  return 1;
}

/* Raises the error of a match (rc < 0) of pattern i (0-based), naming it
 * when named is set. */
static int match_error(lua_State *L, const stet_patset *set, size_t i, int rc, int named) {
  if (!named) return luaL_error(L, "%s", stet_pat_strerror(rc));
  size_t len;
  const char *src = stet_pat_source(stet_patset_get(set, i), &len);
  return luaL_error(L, "pattern %I \"%s\": %s", (LUAI_UACINT)(i + 1), src, stet_pat_strerror(rc));
}

stet_patset *stet_lua_checkpatset(lua_State *L, int idx, size_t *steps) {
  patset_box *b = check_set(L, idx);
  *steps = b->steps;
  return b->set;
}

int stet_lua_pattern_error(lua_State *L, const stet_patset *set, size_t i, int rc) {
  return match_error(L, set, i, rc, 1);
}

/* set:first(text [, init]) -> index | nil [-0, +1] */
static int s_first(lua_State *L) {
  patset_box *b = check_set(L, 1);
  size_t n, index;
  const char *s = luaL_checklstring(L, 2, &n);
  size_t init = check_init(L, 3, n);
  int rc = stet_patset_first(b->set, s, n, init, b->steps, &index);
  if (rc < 0) return match_error(L, b->set, index, rc, 1);
  if (rc == STET_PAT_NOMATCH) {
    luaL_pushfail(L);
    return 1;
  }
  lua_pushinteger(L, (lua_Integer)index + 1);
  return 1;
}

/* set:find(i, text [, init]) -> start, end, captures... | nil [-0, +(2+c)|1] */
static int s_find(lua_State *L) {
  patset_box *b = check_set(L, 1);
  lua_Integer i = luaL_checkinteger(L, 2);
  size_t n;
  const char *s = luaL_checklstring(L, 3, &n);
  size_t init = check_init(L, 4, n);
  luaL_argcheck(L, i >= 1 && (size_t)i <= stet_patset_count(b->set), 2, "no such pattern");
  const stet_pat *p = stet_patset_get(b->set, (size_t)i - 1);
  stet_pat_match m;
  int rc = stet_pat_find(p, s, n, init, b->steps, &m);
  if (rc < 0) return match_error(L, b->set, (size_t)i - 1, rc, 0);
  if (rc == STET_PAT_NOMATCH) {
    luaL_pushfail(L);
    return 1;
  }
  luaL_checkstack(L, 2 + m.ncap, "too many captures");
  lua_pushinteger(L, (lua_Integer)m.start + 1);
  lua_pushinteger(L, (lua_Integer)m.end);
  for (int c = 0; c < m.ncap; c++) {
    if (m.cap[c].position) lua_pushinteger(L, (lua_Integer)m.cap[c].start + 1);
    else lua_pushlstring(L, s + m.cap[c].start, m.cap[c].len);
  }
  return 2 + m.ncap;
}

static int s_len(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)stet_patset_count(check_set(L, 1)->set));
  return 1;
}

static int s_tostring(lua_State *L) {
  patset_box *b = check_set(L, 1);
  lua_pushfstring(L, "stet.patterns (%I)", (LUAI_UACINT)stet_patset_count(b->set));
  return 1;
}

static int s_gc(lua_State *L) {
  patset_box *b = luaL_checkudata(L, 1, PATSET_META);
  stet_patset_free(b->set);
  b->set = NULL;
  return 0;
}

static const luaL_Reg methods[] = {
  {"first", s_first},
  {"find", s_find},
  {NULL, NULL},
};

static const luaL_Reg funcs[] = {
  {"patterns", l_patterns},
  {NULL, NULL},
};

void stet_lua_open_luapat(lua_State *L) {
  if (luaL_newmetatable(L, PATSET_META)) {
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, s_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, s_len);
    lua_setfield(L, -2, "__len");
    lua_pushcfunction(L, s_tostring);
    lua_setfield(L, -2, "__tostring");
  }
  lua_pop(L, 1);
  luaL_setfuncs(L, funcs, 0);
}
