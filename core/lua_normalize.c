/* core/lua_normalize.c: stet.normalize and stet.validate (core/normalize.c,
 * core/utf8.c) for Lua. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <utf8proc.h>

#include "lua_stet.h"
#include "normalize.h"
#include "normprops.h"
#include "utf8.h"

/* Reads the options table at idx into o (stet.normalize's options). */
void stet_lua_norm_opts(lua_State *L, int idx, stet_norm_opts *o) {
  stet_norm_defaults(o);
  if (lua_isnoneornil(L, idx)) return;
  luaL_checktype(L, idx, LUA_TTABLE);
  int t = lua_getfield(L, idx, "form");
  if (t == LUA_TBOOLEAN && !lua_toboolean(L, -1)) {
    o->form = STET_FORM_NONE;
  } else if (t == LUA_TSTRING) {
    static const char *const names[] = {"NFC", "NFD", "NFKC", "NFKD", NULL};
    static const stet_form forms[] = {STET_FORM_NFC, STET_FORM_NFD, STET_FORM_NFKC, STET_FORM_NFKD};
    const char *s = lua_tostring(L, -1);
    int i = 0;
    while (names[i] && strcmp(names[i], s) != 0) i++;
    if (!names[i])
      luaL_argerror(L, idx, lua_pushfstring(L, "unknown form '%s' (NFC, NFD, NFKC, NFKD or false)", s));
    o->form = forms[i];
  } else if (t != LUA_TNIL) {
    luaL_argerror(L, idx, "field 'form' must be a string or false");
  }
  lua_pop(L, 1);
  o->casefold = stet_lua_optbool(L, idx, idx, "casefold", o->casefold);
  o->newlines = stet_lua_optbool(L, idx, idx, "newlines", o->newlines);
  o->spaces = stet_lua_optbool(L, idx, idx, "spaces", o->spaces);
  o->controls = stet_lua_optbool(L, idx, idx, "controls", o->controls);
  o->quotes = stet_lua_optbool(L, idx, idx, "quotes", o->quotes);
  o->mojibake = stet_lua_optbool(L, idx, idx, "mojibake", o->mojibake);
}

/* stet.normalize(s [, opts]) -> string, repaired, mojibake_fixed
 * [-0, +3]. The input string itself is returned when nothing changes. The
 * output is built in a scratch buffer owned by the function's upvalue (one
 * per Lua state), reused from call to call so that no fresh memory is
 * faulted in for every paragraph or block. */
static int l_normalize(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  stet_norm_opts o;
  stet_lua_norm_opts(L, 2, &o);
  stet_buf *b = (stet_buf *)lua_touserdata(L, lua_upvalueindex(1));
  b->len = 0;
  stet_norm_stats st = {0, 0};
  int r = stet_normalize(s, n, &o, b, &st);
  if (r < 0) {
    stet_buf_free(b);
    return stet_lua_nomem(L);
  }
  lua_settop(L, 1);
  if (r == 1) {
    lua_pushlstring(L, b->data, b->len);
    stet_buf_trim(b, STET_BUF_KEEP);
  }
  lua_pushinteger(L, (lua_Integer)st.repaired);
  lua_pushinteger(L, (lua_Integer)st.mojibake);
  return 3;
}

static int ascii_alnum(unsigned char c) {
  return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* Where a block of normalize_file may end: after its last newline, which
 * nothing stet_normalize does reaches across; in a line longer than the
 * block, between two ASCII letters or digits (no character composes with
 * an ASCII one that follows it, and no space, line end or multibyte
 * sequence is cut); else nowhere yet (0: read on). */
static size_t block_cut(const char *s, size_t n) {
  for (size_t i = n; i > 0; i--)
    if (s[i - 1] == '\n') return i;
  for (size_t i = n - 1; i > 0; i--) {
    unsigned char a = (unsigned char)s[i - 1], b = (unsigned char)s[i];
    if (ascii_alnum(a) && ascii_alnum(b)) return i;
  }
  return 0;
}

/* stet.normalize_file(path | "-", opts) -> repaired, mojibake_fixed | nil, err
 * Normalizes a whole file (or standard input) to standard output in 4 MB
 * blocks cut where nothing is split (block_cut), with buffers reused from
 * block to block, so the filter runs at memory speed and in constant memory
 * (a long line without a place to cut is read whole). */
#define FILE_BLOCK (4u << 20)
static int l_normalize_file(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  stet_norm_opts o;
  stet_lua_norm_opts(L, 2, &o);
  stet_buf *in = stet_lua_newbuf(L);
  stet_buf *out = stet_lua_newbuf(L);
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  if (!f) {
    lua_pushnil(L);
    lua_pushfstring(L, "%s: %s", path, strerror(errno));
    return 2;
  }
  stet_norm_stats st = {0, 0};
  size_t carry = 0;
  int eof = 0, failed = 0;
  while (!eof) {
    if (stet_buf_reserve(in, FILE_BLOCK)) { failed = ENOMEM; break; }
    size_t got = fread(in->data + carry, 1, FILE_BLOCK, f);
    in->len = carry + got;
    if (got < FILE_BLOCK) {
      if (ferror(f)) { failed = errno ? errno : EIO; break; }
      eof = 1;
    }
    size_t cut = eof ? in->len : block_cut(in->data, in->len);
    if (cut == 0 && !eof) { /* no place to cut: read on */
      carry = in->len;
      continue;
    }
    out->len = 0;
    int r = stet_normalize(in->data, cut, &o, out, &st);
    if (r < 0) { failed = ENOMEM; break; }
    const char *w = r ? out->data : in->data;
    size_t wn = r ? out->len : cut;
    if (wn && fwrite(w, 1, wn, stdout) != wn) { failed = -(errno ? errno : EIO); break; }
    carry = in->len - cut;
    memmove(in->data, in->data + cut, carry);
    in->len = carry;
  }
  if (stet_lua_file_done(L, f, path, in, out, failed)) return 2;
  lua_pushinteger(L, (lua_Integer)st.repaired);
  lua_pushinteger(L, (lua_Integer)st.mojibake);
  return 2;
}

/* stet.validate(s) -> ok, invalid_count, first_bad (1-based, or nil) */
static int l_validate(lua_State *L) {
  size_t n, first;
  const char *s = luaL_checklstring(L, 1, &n);
  size_t bad = stet_utf8_validate((const unsigned char *)s, n, &first);
  lua_pushboolean(L, bad == 0);
  lua_pushinteger(L, (lua_Integer)bad);
  if (bad) lua_pushinteger(L, (lua_Integer)first + 1);
  else lua_pushnil(L);
  return 3;
}

static const luaL_Reg funcs[] = {
  {"normalize_file", l_normalize_file},
  {"validate", l_validate},
  {NULL, NULL},
};

void stet_lua_open_normalize(lua_State *L) {
  luaL_setfuncs(L, funcs, 0);
  stet_lua_newbuf(L);
  lua_pushcclosure(L, l_normalize, 1);
  lua_setfield(L, -2, "normalize");
  lua_pushstring(L, STET_NORMPROPS_UNICODE);
  lua_setfield(L, -2, "unicode_version");
  lua_pushstring(L, utf8proc_unicode_version());
  lua_setfield(L, -2, "utf8proc_unicode_version");
}
