/* core/main.c: the `stet` host program.
 *
 * Embeds Lua 5.4 with the C core preloaded as "stet.core", points
 * package.path at the Lua library (lua/ beside bin/ in the source tree,
 * share/lua/5.4 under the install prefix, or $STET_LUA_DIR), and hands the
 * command line to stet.cli.main inside one protected call. Everything a user
 * may want to change lives in that Lua code; this file only boots it.
 *
 * Exit codes: what stet.cli.main returns (0 ok, 1 usage, 2 bad input under
 * --strict), or 3 for an internal error, reported on one line (with the Lua
 * traceback when STET_TRACEBACK is set). */
#include <errno.h>
#include <lauxlib.h>
#include <limits.h>
#include <lua.h>
#include <lualib.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lua_stet.h"

int luaopen_stet_core(lua_State *L);

/* Message handler: keeps error tables as they are (the CLI's structured
 * errors), turns anything else into "message\ntraceback". */
static int msghandler(lua_State *L) {
  if (lua_type(L, 1) == LUA_TTABLE) return 1;
  const char *msg = lua_tostring(L, 1);
  if (msg == NULL) {
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) return 1;
    msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  }
  luaL_traceback(L, L, msg, 1);
  return 1;
}

static int file_exists(const char *path) {
  return access(path, R_OK) == 0;
}

/* Finds the folder holding stet/init.lua; writes it into dir. */
static int find_lua_dir(char *dir, size_t cap, const char *exe) {
  const char *env = getenv("STET_LUA_DIR");
  if (env && *env) {
    snprintf(dir, cap, "%s", env);
    return 0;
  }
  char base[PATH_MAX];
  snprintf(base, sizeof base, "%s", exe);
  char *slash = strrchr(base, '/');
  if (!slash) return -1;
  *slash = '\0';
  static const char *const rel[] = {"/../lua", "/../share/lua/5.4"};
  for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
    char probe[PATH_MAX + 64];
    snprintf(probe, sizeof probe, "%s%s/stet/init.lua", base, rel[i]);
    if (file_exists(probe)) {
      snprintf(dir, cap, "%s%s", base, rel[i]);
      return 0;
    }
  }
  return -1;
}

/* The protected body: [-0, +1] pushes the exit code. */
static int boot(lua_State *L) {
  int argc = (int)lua_tointeger(L, 1);
  char **argv = (char **)lua_touserdata(L, 2);
  const char *exe = lua_tostring(L, 3);
  const char *luadir = lua_tostring(L, 4);
  /* Generational collection: a run allocates many short-lived strings (a
   * document's text, its spill, its record) beside long-lived summaries, and
   * full incremental cycles kept sweeping the summaries (about 20% of
   * `stet clean`). */
  lua_gc(L, LUA_GCGEN, 0, 0);
  luaL_openlibs(L);
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  lua_pushcfunction(L, luaopen_stet_core);
  lua_setfield(L, -2, "stet.core");
  lua_pop(L, 1);
  lua_getglobal(L, "package");
  lua_pushfstring(L, "%s/?.lua;%s/?/init.lua;", luadir, luadir);
  lua_getfield(L, -2, "path");
  lua_concat(L, 2);
  lua_setfield(L, -2, "path");
  lua_pop(L, 1);
  lua_getglobal(L, "require");
  lua_pushliteral(L, "stet.cli");
  lua_call(L, 1, 1);
  lua_getfield(L, -1, "main");
  lua_createtable(L, argc, 0);
  for (int i = 1; i < argc; i++) {
    lua_pushstring(L, argv[i]);
    lua_rawseti(L, -2, i);
  }
  lua_pushstring(L, exe);
  lua_call(L, 2, 1);
  return 1;
}

int main(int argc, char **argv) {
  char exe[PATH_MAX];
  ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (len <= 0) {
    snprintf(exe, sizeof exe, "%s", argv[0]);
  } else {
    exe[len] = '\0';
  }
  char luadir[PATH_MAX + 64];
  if (find_lua_dir(luadir, sizeof luadir, exe)) {
    fprintf(stderr, "stet: cannot find the stet Lua library next to %s "
                    "(set STET_LUA_DIR)\n", exe);
    return 3;
  }
  /* Keep freed blocks for reuse: the pipeline allocates and frees strings of
   * a few MB all the time, and faulting fresh pages in costs more than the
   * work done on them. */
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  lua_State *L = stet_lua_newstate();
  if (!L) {
    fprintf(stderr, "stet: cannot create a Lua state: %s\n", strerror(ENOMEM));
    return 3;
  }
  lua_pushcfunction(L, msghandler);
  lua_pushcfunction(L, boot);
  lua_pushinteger(L, argc);
  lua_pushlightuserdata(L, argv);
  lua_pushstring(L, exe);
  lua_pushstring(L, luadir);
  int status = lua_pcall(L, 4, 1, 1);
  int code = 0;
  if (status == LUA_OK) {
    code = lua_isinteger(L, -1) ? (int)lua_tointeger(L, -1) : 0;
  } else if (lua_type(L, -1) == LUA_TTABLE) {
    /* a structured error from stet.cli: {exit = n, message = "..."} */
    lua_getfield(L, -1, "message");
    lua_getfield(L, -2, "exit");
    const char *msg = lua_tostring(L, -2);
    if (msg && *msg) fprintf(stderr, "%s\n", msg); /* carries its own prefix */
    code = lua_isinteger(L, -1) ? (int)lua_tointeger(L, -1) : 3;
  } else {
    const char *msg = lua_tostring(L, -1);
    if (!msg) msg = "unknown error";
    if (getenv("STET_TRACEBACK")) {
      fprintf(stderr, "stet: %s\n", msg);
    } else {
      size_t first = strcspn(msg, "\n");
      fprintf(stderr, "stet: %.*s\n", (int)first, msg);
    }
    code = 3;
  }
  stet_lua_closestate(L);
  return code;
}
