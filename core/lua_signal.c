/* core/lua_signal.c: a clean stop on SIGINT and SIGTERM.
 *
 *   stet.catch_interrupts()   -- from now on SIGINT/SIGTERM set a flag
 *   stet.interrupted()        -- true once one arrived (its number second)
 *   stet.release_interrupts() -- back to the default action
 *
 * The pipeline polls the flag between documents, stops reading, writes what
 * it has, and reports the run as interrupted. A second signal while the
 * flag is already set gets the default action, so a stuck run still dies.
 * The flag is the one piece of process-wide mutable state in stet: signals
 * are delivered to the process, not to a Lua state. */
#include <signal.h>
#include <string.h>

#include "lua_stet.h"

static volatile sig_atomic_t caught;

static void on_signal(int sig) {
  if (caught) {
    signal(sig, SIG_DFL);
    raise(sig);
    return;
  }
  caught = sig;
}

static int l_catch(lua_State *L) {
  (void)L;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  return 0;
}

static int l_release(lua_State *L) {
  (void)L;
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  return 0;
}

int stet_interrupted(void) {
  return caught != 0;
}

static int l_interrupted(lua_State *L) {
  int sig = caught;
  lua_pushboolean(L, sig != 0);
  if (sig) {
    lua_pushinteger(L, sig);
    return 2;
  }
  return 1;
}

static const luaL_Reg funcs[] = {
  {"catch_interrupts", l_catch},
  {"release_interrupts", l_release},
  {"interrupted", l_interrupted},
  {NULL, NULL},
};

void stet_lua_open_signal(lua_State *L) {
  luaL_setfuncs(L, funcs, 0);
}
