/* core/lua_paths.c: what stet.readers makes of the names of input files.
 *
 *   stet.without_extension(rel) -> id       "axios/0001.txt.gz" -> "axios/0001"
 *   stet.is_jsonl_name(name) -> bool        .jsonl or .ndjson, compressed or not
 *   stet._text_chunk(top, max_files, max_bytes, path, id, size, bytes)
 *     -> paths, ids, sizes, bytes
 *
 * A compression suffix is ".gz" or ".zst" in any case. without_extension
 * takes off a compression suffix and then one extension: the part from the
 * last "." of the last path component, unless that "." starts the
 * component. _text_chunk makes a chunk of plain text files (stet.readers'
 * chunk_text): arrays of their paths, ids and sizes, made with room for
 * max_files, that start with the file given and go on with the entries
 * that follow top.i in a folder listing top = { dir, rel, names, kinds,
 * sizes, i } (stet.listdir's arrays), skipping hidden ones, up to the first
 * that is not a regular file or is JSON Lines by name, or max_files files,
 * or max_bytes bytes (bytes: what the chunk holds so far); each id is
 * without_extension of rel/name. It moves top.i past what it took. */
#include <string.h>

#include "lua_stet.h"

static int lower(int c) {
  return c >= 'A' && c <= 'Z' ? c | 0x20 : c;
}

/* Whether s[0..n) ends with the lower-case ASCII suffix x, in any case. */
static int ends_with_ci(const char *s, size_t n, const char *x) {
  size_t k = strlen(x);
  if (n < k) return 0;
  for (size_t i = 0; i < k; i++)
    if (lower((unsigned char)s[n - k + i]) != x[i]) return 0;
  return 1;
}

/* The length of s[0..n) without its compression suffix. */
static size_t strip_compression(const char *s, size_t n) {
  if (ends_with_ci(s, n, ".gz")) return n - 3;
  if (ends_with_ci(s, n, ".zst")) return n - 4;
  return n;
}

/* The length of the id of the relative path rel[0..n). */
static size_t id_length(const char *rel, size_t n) {
  n = strip_compression(rel, n);
  size_t dot = n;
  while (dot > 0 && rel[dot - 1] != '.' && rel[dot - 1] != '/') dot--;
  if (dot == 0 || rel[dot - 1] != '.') return n; /* no "." in the last component */
  dot--;                                         /* at the "." */
  if (dot == 0 || rel[dot - 1] == '/') return n; /* it starts the component */
  return dot;
}

static int is_jsonl(const char *s, size_t n) {
  /* only the end of the name matters: ".ndjson.zst" is 11 bytes */
  if (n > 12) {
    s += n - 12;
    n = 12;
  }
  n = strip_compression(s, n);
  return ends_with_ci(s, n, ".jsonl") || ends_with_ci(s, n, ".ndjson");
}

static int l_without_extension(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  lua_pushlstring(L, s, id_length(s, n));
  return 1;
}

static int l_is_jsonl_name(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  lua_pushboolean(L, is_jsonl(s, n));
  return 1;
}

static int l_text_chunk(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_Integer max_files = luaL_checkinteger(L, 2), max_bytes = luaL_checkinteger(L, 3);
  luaL_checktype(L, 4, LUA_TSTRING);
  luaL_checktype(L, 5, LUA_TSTRING);
  lua_Integer first_size = luaL_checkinteger(L, 6), bytes = luaL_checkinteger(L, 7);
  luaL_argcheck(L, max_files >= 1 && max_files <= (1 << 20), 2, "must be 1..1048576");
  lua_settop(L, 5);
  /* the arrays at 6, 7, 8 (as their callers' at 4, 5, 6 were), made with
   * room for every file: no growing on the way */
  for (int a = 0; a < 3; a++) {
    lua_createtable(L, (int)max_files, 0);
    if (a < 2) lua_pushvalue(L, 4 + a);
    else lua_pushinteger(L, first_size);
    lua_rawseti(L, -2, 1);
  }
  lua_rotate(L, 2, -4); /* top, paths, ids, sizes, max_files, ... */
  lua_settop(L, 4);
  lua_pushnil(L); /* 5..8: unused, so that the listing's fields land at 9..13 */
  lua_pushnil(L);
  lua_pushnil(L);
  lua_pushnil(L);
  lua_Integer n = 1;
  static const char *const fields[5] = {"dir", "rel", "names", "kinds", "sizes"};
  for (int f = 0; f < 5; f++) lua_getfield(L, 1, fields[f]); /* 9..13 */
  size_t dlen, rlen = 0;
  const char *dir = luaL_checklstring(L, 9, &dlen);
  const char *rel = lua_tolstring(L, 10, &rlen);
  for (int a = 11; a <= 13; a++) luaL_checktype(L, a, LUA_TTABLE);
  lua_getfield(L, 1, "i");
  lua_Integer i = luaL_checkinteger(L, -1);
  lua_pop(L, 1);
  int slash = dlen > 0 && dir[dlen - 1] == '/';
  stet_buf *buf = stet_lua_newbuf(L); /* 14: paths and ids are put together here */
  while (n < max_files && bytes < max_bytes) {
    if (lua_geti(L, 11, i + 1) != LUA_TSTRING) { /* the end of the listing */
      lua_pop(L, 1);
      break;
    }
    size_t len;
    const char *name = lua_tolstring(L, -1, &len); /* 15 */
    if (name[0] != '.') { /* hidden entries are skipped */
      lua_geti(L, 12, i + 1);
      const char *kind = lua_tostring(L, -1);
      int file = kind && strcmp(kind, "file") == 0;
      lua_pop(L, 1);
      if (!file || is_jsonl(name, len)) {
        lua_pop(L, 1);
        break;
      }
      n++;
      /* the path, dir/name, and the id, rel/name without its extension,
       * put together in buf and made strings once */
      size_t need = (dlen > rlen ? dlen : rlen) + 1 + len;
      if (stet_buf_reserve(buf, need)) return stet_lua_nomem(L);
      char *p = buf->data;
      memcpy(p, dir, dlen);
      size_t pl = dlen;
      if (!slash) p[pl++] = '/';
      memcpy(p + pl, name, len);
      lua_pushlstring(L, p, pl + len);
      lua_rawseti(L, 2, n);
      size_t il = 0;
      if (rel) {
        memcpy(p, rel, rlen);
        p[rlen] = '/';
        il = rlen + 1;
      }
      memcpy(p + il, name, len);
      lua_pushlstring(L, p, il + id_length(name, len));
      lua_rawseti(L, 3, n);
      lua_geti(L, 13, i + 1);
      lua_Integer size = lua_tointeger(L, -1);
      lua_rawseti(L, 4, n);
      bytes += size > 0 ? size : 0; /* -1: unknown (stet.listdir's "kinds") */
    }
    lua_pop(L, 1);
    i++;
  }
  lua_pushinteger(L, i);
  lua_setfield(L, 1, "i");
  lua_pushvalue(L, 2);
  lua_pushvalue(L, 3);
  lua_pushvalue(L, 4);
  lua_pushinteger(L, bytes);
  return 4;
}

static const luaL_Reg funcs[] = {
  {"without_extension", l_without_extension},
  {"is_jsonl_name", l_is_jsonl_name},
  {"_text_chunk", l_text_chunk},
  {NULL, NULL},
};

void stet_lua_open_paths(lua_State *L) {
  luaL_setfuncs(L, funcs, 0);
}
