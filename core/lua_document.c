/* core/lua_document.c: C helpers of stet.document (lua/stet/document.lua),
 * the per-document work that would cost a Lua call per paragraph.
 *
 *   stet._paragraph_table(text, lines) -> { {text =, index =, fp =}, ... }
 *
 * splits the text into paragraphs (core/segment.c) and fingerprints each
 * (core/fingerprint.c) in one call, building the tables stet.document and
 * rule hooks use. The fingerprint scratch buffers belong to the function's
 * upvalue, one per Lua state. */
#include <stdint.h>

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
}
