/* core/lua_document.c: C helpers of stet.document and stet.pipeline, the
 * per-document loops over paragraphs that would cost the Lua VM a few
 * instructions per paragraph. A paragraph is the table rule hooks see:
 * { text, index, fp, drop (label, nil when kept), count }.
 *
 *   stet._paragraph_table(text, lines) -> paragraphs (split + fingerprints)
 *   stet._kept(paras) -> body, fps, n   (kept texts joined by a blank line)
 *   stet._tally(paras, fate) -> read, kept, labels
 *   stet._boilerplate(paras, counter, site, threshold) -> dropped
 *   stet._spill_parts(paras) -> labels, texts, fps
 *   stet._unspill_parts(labels, texts, fps) -> paras
 *
 * The fingerprint scratch buffers belong to _paragraph_table's upvalue, one
 * per Lua state. */
#include <stdint.h>
#include <string.h>

#include "counter.h"
#include "fingerprint.h"
#include "lua_stet.h"
#include "segment.h"

#define CTX_META "stet.document_ctx"

typedef struct split_state {
  lua_State *L;
  const char *s;
  stet_fp_ctx *fp;
  lua_Integer n;
  int failed;
} split_state;

/* Appends { text, index, fp } for s[start, stop) to the table on top. */
static int add_paragraph(void *ud, size_t start, size_t stop) {
  split_state *st = (split_state *)ud;
  lua_State *L = st->L;
  uint64_t fp;
  if (stet_fingerprint(st->fp, st->s + start, stop - start, &fp)) {
    st->failed = 1;
    return 1;
  }
  st->n++;
  lua_createtable(L, 0, 4);
  lua_pushlstring(L, st->s + start, stop - start);
  lua_setfield(L, -2, "text");
  lua_pushinteger(L, st->n);
  lua_setfield(L, -2, "index");
  lua_pushinteger(L, (lua_Integer)fp);
  lua_setfield(L, -2, "fp");
  lua_rawseti(L, -2, st->n);
  return 0;
}

/* stet._paragraph_table(text, lines) -> array [-0, +1] */
static int l_paragraph_table(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  int lines = lua_toboolean(L, 2);
  stet_fp_ctx *fp = (stet_fp_ctx *)lua_touserdata(L, lua_upvalueindex(1));
  lua_newtable(L);
  split_state st = {L, s, fp, 0, 0};
  stet_paragraphs_each(s, n, lines, add_paragraph, &st);
  if (st.failed) return stet_lua_nomem(L);
  return 1;
}

/* Pushes p.drop of the paragraph table on top (nil when kept) and returns
 * its type. [-0, +1] */
static int get_drop(lua_State *L, int para) {
  return lua_getfield(L, para, "drop");
}

/* stet._kept(paras [, no_fps]) -> body, fps, n: the kept texts joined by
 * a blank line, their fingerprints (unless no_fps), their number. The body
 * is written straight into a buffer of the right size; the texts stay
 * alive in the paragraph tables meanwhile. */
static int l_kept(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  int want_fps = !lua_toboolean(L, 2);
  lua_settop(L, 1);
  lua_Integer n = luaL_len(L, 1), kept = 0;
  size_t total = 0;
  lua_newtable(L); /* 2: fps */
  for (lua_Integer i = 1; i <= n; i++) {
    lua_geti(L, 1, i);
    int dropped = get_drop(L, -1) != LUA_TNIL && lua_toboolean(L, -1);
    lua_pop(L, 1);
    if (!dropped) {
      size_t len = 0;
      if (lua_getfield(L, -1, "text") == LUA_TSTRING) lua_tolstring(L, -1, &len);
      lua_pop(L, 1);
      total += len + (kept > 0 ? 2 : 0);
      kept++;
      if (want_fps) {
        lua_getfield(L, -1, "fp");
        lua_rawseti(L, 2, kept);
      }
    }
    lua_pop(L, 1);
  }
  luaL_Buffer b;
  char *out = luaL_buffinitsize(L, &b, total);
  size_t o = 0;
  lua_Integer k = 0;
  for (lua_Integer i = 1; i <= n && k < kept; i++) {
    lua_geti(L, 1, i);
    int dropped = get_drop(L, -1) != LUA_TNIL && lua_toboolean(L, -1);
    lua_pop(L, 1);
    if (!dropped) {
      size_t len = 0;
      const char *t = NULL;
      if (lua_getfield(L, -1, "text") == LUA_TSTRING) t = lua_tolstring(L, -1, &len);
      if (k > 0) {
        out[o++] = '\n';
        out[o++] = '\n';
      }
      if (t) memcpy(out + o, t, len);
      o += len;
      k++;
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  luaL_pushresultsize(&b, o);
  lua_pushvalue(L, 2);
  lua_pushinteger(L, kept);
  return 3;
}

/* stet._tally(paras, fate) -> read, kept, labels: kept paragraphs count as
 * kept when fate is "written", else under the label fate. */
static int l_tally(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  size_t flen;
  const char *fate = luaL_checklstring(L, 2, &flen);
  int written = flen == 7 && memcmp(fate, "written", 7) == 0;
  lua_Integer n = luaL_len(L, 1), kept = 0;
  lua_newtable(L); /* labels, index 3 */
  for (lua_Integer i = 1; i <= n; i++) {
    lua_geti(L, 1, i);
    if (get_drop(L, -1) == LUA_TNIL || !lua_toboolean(L, -1)) {
      lua_pop(L, 1);
      if (written) {
        kept++;
        lua_pop(L, 1);
        continue;
      }
      lua_pushvalue(L, 2);
    }
    /* stack: para, label */
    lua_pushvalue(L, -1);
    lua_rawget(L, 3);
    lua_Integer c = lua_tointeger(L, -1);
    lua_pop(L, 1);
    lua_pushinteger(L, c + 1);
    lua_rawset(L, 3);
    lua_pop(L, 1);
  }
  lua_pushinteger(L, n);
  lua_pushinteger(L, kept);
  lua_pushvalue(L, 3);
  return 3;
}

/* stet._boilerplate(paras, counter, site, threshold) -> number dropped:
 * kept paragraphs whose fingerprint the counter saw in at least threshold
 * documents of the site get drop = "boilerplate" and count = n. */
static int l_boilerplate(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  const stet_counter *c = stet_lua_tocounter_any(L, 2);
  size_t slen;
  const char *site = luaL_checklstring(L, 3, &slen);
  lua_Integer threshold = luaL_checkinteger(L, 4);
  uint32_t id;
  lua_Integer dropped = 0;
  if (threshold > 0 && stet_counter_find_site(c, site, slen, &id)) {
    lua_Integer n = luaL_len(L, 1);
    for (lua_Integer i = 1; i <= n; i++) {
      lua_geti(L, 1, i);
      if (get_drop(L, -1) == LUA_TNIL || !lua_toboolean(L, -1)) {
        lua_getfield(L, -2, "fp");
        uint64_t fp = (uint64_t)lua_tointeger(L, -1);
        lua_pop(L, 1);
        uint32_t count = stet_counter_count(c, fp, id);
        if ((lua_Integer)count >= threshold) {
          lua_pushliteral(L, "boilerplate");
          lua_setfield(L, -3, "drop");
          lua_pushinteger(L, (lua_Integer)count);
          lua_setfield(L, -3, "count");
          dropped++;
        }
      }
      lua_pop(L, 2);
    }
  }
  lua_pushinteger(L, dropped);
  return 1;
}

/* stet._spill_parts(paras) -> labels, texts, fps: labels[i] is the drop
 * label of paragraph i or false; texts and fps list the kept ones. */
static int l_spill_parts(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_Integer n = luaL_len(L, 1), kept = 0;
  lua_createtable(L, (int)n, 0); /* 2 labels */
  lua_newtable(L);               /* 3 texts */
  lua_newtable(L);               /* 4 fps */
  for (lua_Integer i = 1; i <= n; i++) {
    lua_geti(L, 1, i);
    if (get_drop(L, -1) != LUA_TNIL && lua_toboolean(L, -1)) {
      lua_rawseti(L, 2, i);
    } else {
      lua_pop(L, 1);
      lua_pushboolean(L, 0);
      lua_rawseti(L, 2, i);
      kept++;
      lua_getfield(L, -1, "text");
      lua_rawseti(L, 3, kept);
      lua_getfield(L, -1, "fp");
      lua_rawseti(L, 4, kept);
    }
    lua_pop(L, 1);
  }
  return 3;
}

/* stet._unspill_parts(labels, texts, fps) -> paras */
static int l_unspill_parts(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checktype(L, 2, LUA_TTABLE);
  luaL_checktype(L, 3, LUA_TTABLE);
  lua_Integer n = luaL_len(L, 1), j = 0;
  lua_createtable(L, (int)n, 0);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_createtable(L, 0, 4);
    lua_pushinteger(L, i);
    lua_setfield(L, -2, "index");
    lua_geti(L, 1, i);
    if (lua_toboolean(L, -1)) {
      lua_setfield(L, -2, "drop");
    } else {
      lua_pop(L, 1);
      j++;
      lua_geti(L, 2, j);
      lua_setfield(L, -2, "text");
      lua_geti(L, 3, j);
      lua_setfield(L, -2, "fp");
    }
    lua_rawseti(L, -2, i);
  }
  return 1;
}

static const luaL_Reg helpers[] = {
  {"_kept", l_kept},
  {"_tally", l_tally},
  {"_boilerplate", l_boilerplate},
  {"_spill_parts", l_spill_parts},
  {"_unspill_parts", l_unspill_parts},
  {NULL, NULL},
};

static int ctx_gc(lua_State *L) {
  stet_fp_ctx_free((stet_fp_ctx *)lua_touserdata(L, 1));
  return 0;
}

void stet_lua_open_document(lua_State *L) {
  stet_fp_ctx *fp = lua_newuserdatauv(L, sizeof *fp, 0);
  stet_fp_ctx init = STET_FP_CTX_INIT;
  *fp = init;
  if (luaL_newmetatable(L, CTX_META)) {
    lua_pushcfunction(L, ctx_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  lua_pushcclosure(L, l_paragraph_table, 1);
  lua_setfield(L, -2, "_paragraph_table");
  luaL_setfuncs(L, helpers, 0);
}
