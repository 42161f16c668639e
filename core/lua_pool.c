/* core/lua_pool.c: worker threads, one Lua state each, for `stet clean -j N`.
 *
 *   local pool = stet.pool(n, init_source, config)
 *   pool:submit(job)        -- a string, or plain data (see stet.pack);
 *                           -- blocks never: the caller keeps pending()
 *                           -- below capacity()
 *   local result, err = pool:next()  -- results in submission order
 *   pool:close()
 *
 * Each worker owns a fresh Lua state with the standard libraries, stet.core
 * preloaded and the creator's package.path/cpath. init_source is a Lua chunk
 * run once per worker with `config` as its argument; it returns the handler,
 * a function from a job to a result: strings, or plain data, which crosses
 * in stet.pack's form, packed straight into the bytes that change threads
 * and unpacked from them (no Lua string in between). Nothing else crosses
 * between states: a job is copied in when submitted, a result copied out
 * when the handler returns. The pool's queue and result slots are the
 * only shared state, under one mutex; a counting table that workers read
 * (core/lua_counter.c, counter views) is never written while they run.
 *
 * Workers block SIGINT and SIGTERM, so those reach the main thread. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lualib.h>

#include "lua_stet.h"

#define POOL_META "stet.pool"

int luaopen_stet_core(lua_State *L);

typedef struct job {
  uint64_t seq;
  char *data;
  size_t len;
  int packed;   /* data is a value in stet.pack's form, not a string */
  stet_buf res; /* the result packed by the worker (run_job) */
} job;

typedef struct slot {
  int state; /* 0 waiting, 1 result, 2 error */
  char *data;
  size_t len;
  int packed; /* data is the result in stet.pack's form */
} slot;

typedef struct pool {
  int n;
  int running; /* threads started */
  pthread_t *threads;
  lua_State **states;
  int *handlers; /* registry refs, one per state */
  pthread_mutex_t mu;
  pthread_cond_t cv_job, cv_result;
  job *jobs; /* ring of cap */
  size_t jhead, jcount;
  slot *slots; /* ring of cap, indexed by seq % cap */
  size_t cap;
  uint64_t next_seq, next_take;
  int stop;
  int destroyed; /* mutex and conditions destroyed (by __gc) */
  /* what each worker sets its state up from (init_worker), in its own
   * thread, so that the states load at once and not on the caller's time */
  char *init[4]; /* init source, config, package.path, package.cpath */
  size_t init_len[4];
  int inited;      /* workers done with their set-up, under mu */
  int init_failed;
  char *init_err;  /* the failure of the first worker that failed, if any */
  int init_err_at; /* "worker i: message" (NULL when there was no memory) */
} pool;

typedef struct worker_arg {
  pool *p;
  int i;
} worker_arg;

/* Protected body of one job in a worker state: [-0, +1] the result, a
 * string, or true when it was another value, which is then packed into
 * j->res. */
static int run_job(lua_State *L) {
  job *j = (job *)lua_touserdata(L, 1);
  int handler = (int)lua_tointeger(L, 2);
  lua_rawgeti(L, LUA_REGISTRYINDEX, handler);
  if (j->packed) stet_wire_unpack(L, j->data, j->len);
  else lua_pushlstring(L, j->data, j->len);
  lua_call(L, 1, 1);
  if (lua_type(L, -1) == LUA_TSTRING) return 1;
  stet_wire_pack(L, -1, &j->res);
  lua_pushboolean(L, 1);
  return 1;
}

static int traceback(lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  luaL_traceback(L, L, msg ? msg : "(error object is not a string)", 1);
  return 1;
}

static int init_worker(lua_State *W);

/* Sets up worker i's state; returns 0, or -1 after recording the failure. */
static int worker_setup(pool *p, int i) {
  lua_State *W = p->states[i];
  lua_pushcfunction(W, init_worker);
  for (int k = 0; k < 4; k++) lua_pushlstring(W, p->init[k], p->init_len[k]);
  int st = lua_pcall(W, 4, 1, 0);
  char *err = NULL;
  if (st != LUA_OK) {
    const char *msg = lua_tostring(W, -1);
    if (!msg) msg = "error";
    size_t n = strlen(msg) + 32;
    err = malloc(n);
    if (err) snprintf(err, n, "worker %d: %s", i + 1, msg);
  } else {
    p->handlers[i] = (int)lua_tointeger(W, -1);
  }
  lua_settop(W, 0);
  pthread_mutex_lock(&p->mu);
  if (st != LUA_OK) {
    p->init_failed = 1;
    if (err && (!p->init_err || i < p->init_err_at)) {
      free(p->init_err);
      p->init_err = err;
      p->init_err_at = i;
      err = NULL;
    }
  }
  free(err);
  p->inited++;
  pthread_cond_broadcast(&p->cv_result);
  pthread_mutex_unlock(&p->mu);
  return st == LUA_OK ? 0 : -1;
}

static void *worker_main(void *arg) {
  worker_arg *wa = (worker_arg *)arg;
  pool *p = wa->p;
  int i = wa->i;
  free(wa);
  if (worker_setup(p, i)) return NULL;
  lua_State *L = p->states[i];
  int handler = p->handlers[i];
  for (;;) {
    pthread_mutex_lock(&p->mu);
    while (!p->stop && p->jcount == 0) pthread_cond_wait(&p->cv_job, &p->mu);
    if (p->jcount == 0) {
      pthread_mutex_unlock(&p->mu);
      break;
    }
    job j = p->jobs[p->jhead];
    p->jhead = (p->jhead + 1) % p->cap;
    p->jcount--;
    pthread_mutex_unlock(&p->mu);

    lua_settop(L, 0);
    lua_pushcfunction(L, traceback);
    lua_pushcfunction(L, run_job);
    lua_pushlightuserdata(L, &j);
    lua_pushinteger(L, handler);
    int st = lua_pcall(L, 2, 1, 1);
    free(j.data);
    char *copy;
    size_t n = 0;
    int packed = st == LUA_OK && lua_type(L, -1) == LUA_TBOOLEAN;
    if (packed) { /* the result's bytes change hands */
      copy = j.res.data;
      n = j.res.len;
    } else {
      stet_buf_free(&j.res); /* (an error may have stopped the pack) */
      const char *s = lua_tolstring(L, -1, &n);
      if (!s) {
        s = "worker error (not a string)";
        n = strlen(s);
      }
      copy = malloc(n ? n : 1);
      if (copy) memcpy(copy, s, n);
    }
    lua_settop(L, 0);
    lua_gc(L, LUA_GCSTEP, 0);

    pthread_mutex_lock(&p->mu);
    slot *sl = &p->slots[j.seq % p->cap];
    sl->state = (st == LUA_OK && copy) ? 1 : 2;
    sl->data = copy;
    sl->len = copy ? n : 0;
    sl->packed = packed && copy;
    pthread_cond_broadcast(&p->cv_result);
    pthread_mutex_unlock(&p->mu);
  }
  return NULL;
}

/* Protected set-up of one worker state: args init source, config, path,
 * cpath. [-0, +1] the handler's registry ref. */
static int init_worker(lua_State *W) {
  lua_gc(W, LUA_GCGEN, 0, 0); /* as the main state (core/main.c) */
  luaL_openlibs(W);
  luaL_getsubtable(W, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  lua_pushcfunction(W, luaopen_stet_core);
  lua_setfield(W, -2, "stet.core");
  lua_pop(W, 1);
  lua_getglobal(W, "package");
  lua_pushvalue(W, 3);
  lua_setfield(W, -2, "path");
  lua_pushvalue(W, 4);
  lua_setfield(W, -2, "cpath");
  lua_pop(W, 1);
  size_t n;
  const char *src = lua_tolstring(W, 1, &n);
  if (luaL_loadbuffer(W, src, n, "=(worker init)") != LUA_OK) return lua_error(W);
  lua_pushvalue(W, 2);
  lua_call(W, 1, 1);
  if (lua_type(W, -1) != LUA_TFUNCTION) luaL_error(W, "worker init must return a function");
  lua_pushinteger(W, luaL_ref(W, LUA_REGISTRYINDEX));
  return 1;
}

/* Stops and joins the threads, closes the states, frees everything. */
static void pool_shutdown(pool *p) {
  if (p->running > 0 || p->states) {
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    /* drop queued jobs: nobody will take their results */
    while (p->jcount > 0) {
      free(p->jobs[p->jhead].data);
      p->jhead = (p->jhead + 1) % p->cap;
      p->jcount--;
    }
    pthread_cond_broadcast(&p->cv_job);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < p->running; i++) pthread_join(p->threads[i], NULL);
    p->running = 0;
  }
  if (p->states) {
    for (int i = 0; i < p->n; i++)
      if (p->states[i]) stet_lua_closestate(p->states[i]);
  }
  if (p->slots) {
    for (size_t i = 0; i < p->cap; i++) free(p->slots[i].data);
  }
  for (int k = 0; k < 4; k++) {
    free(p->init[k]);
    p->init[k] = NULL;
  }
  free(p->init_err);
  p->init_err = NULL;
  free(p->states);
  free(p->handlers);
  free(p->threads);
  free(p->jobs);
  free(p->slots);
  p->states = NULL;
  p->handlers = NULL;
  p->threads = NULL;
  p->jobs = NULL;
  p->slots = NULL;
  p->n = 0;
}

static pool *check_pool(lua_State *L) {
  pool *p = (pool *)luaL_checkudata(L, 1, POOL_META);
  if (!p->slots) luaL_error(L, "the pool is closed");
  return p;
}

/* stet.pool(n, init_source, config [, capacity]) -> pool */
static int l_pool(lua_State *L) {
  lua_Integer n = luaL_checkinteger(L, 1);
  luaL_argcheck(L, n >= 1 && n <= 256, 1, "between 1 and 256 workers");
  size_t srclen, cfglen;
  const char *src = luaL_checklstring(L, 2, &srclen);
  const char *cfg = luaL_checklstring(L, 3, &cfglen);
  lua_Integer cap = luaL_optinteger(L, 4, 4 * n + 4);
  luaL_argcheck(L, cap >= 1 && cap <= 1 << 16, 4, "capacity out of range");
  lua_getglobal(L, "package");
  lua_getfield(L, -1, "path");
  lua_getfield(L, -2, "cpath");
  const char *path = lua_tostring(L, -2), *cpath = lua_tostring(L, -1);
  if (!path || !cpath) return luaL_error(L, "package.path and package.cpath must be strings");

  pool *p = (pool *)lua_newuserdatauv(L, sizeof *p, 0);
  memset(p, 0, sizeof *p);
  luaL_setmetatable(L, POOL_META);
  p->n = (int)n;
  p->cap = (size_t)cap;
  pthread_mutex_init(&p->mu, NULL);
  pthread_cond_init(&p->cv_job, NULL);
  pthread_cond_init(&p->cv_result, NULL);
  p->states = calloc((size_t)n, sizeof *p->states);
  p->handlers = calloc((size_t)n, sizeof *p->handlers);
  p->threads = calloc((size_t)n, sizeof *p->threads);
  p->jobs = calloc(p->cap, sizeof *p->jobs);
  p->slots = calloc(p->cap, sizeof *p->slots);
  if (!p->states || !p->handlers || !p->threads || !p->jobs || !p->slots) {
    pool_shutdown(p);
    return stet_lua_nomem(L);
  }
  for (int i = 0; i < p->n; i++) {
    p->states[i] = stet_lua_newstate();
    if (!p->states[i]) {
      pool_shutdown(p);
      return stet_lua_nomem(L);
    }
  }
  const char *init[4] = {src, cfg, path, cpath};
  size_t init_len[4] = {srclen, cfglen, strlen(path), strlen(cpath)};
  for (int k = 0; k < 4; k++) {
    p->init[k] = malloc(init_len[k] + 1);
    if (!p->init[k]) {
      pool_shutdown(p);
      return stet_lua_nomem(L);
    }
    memcpy(p->init[k], init[k], init_len[k] + 1);
    p->init_len[k] = init_len[k];
  }
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  sigaddset(&block, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &block, &old);
  for (int i = 0; i < p->n; i++) {
    worker_arg *wa = malloc(sizeof *wa);
    if (wa) {
      wa->p = p;
      wa->i = i;
    }
    if (!wa || pthread_create(&p->threads[i], NULL, worker_main, wa) != 0) {
      free(wa);
      pthread_sigmask(SIG_SETMASK, &old, NULL);
      pool_shutdown(p);
      return luaL_error(L, "cannot start worker thread %d", i + 1);
    }
    p->running++;
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  /* the workers set their states up at once; wait for all of them */
  pthread_mutex_lock(&p->mu);
  while (p->inited < p->running) pthread_cond_wait(&p->cv_result, &p->mu);
  int failed = p->init_failed;
  pthread_mutex_unlock(&p->mu);
  if (failed) {
    if (p->init_err) lua_pushstring(L, p->init_err);
    else lua_pushliteral(L, "worker: not enough memory");
    pool_shutdown(p);
    return lua_error(L);
  }
  return 1;
}

/* pool:submit(job): a string, or a value the worker gets as stet.unpack of
 * stet.pack would give it, without the string in between */
static int p_submit(lua_State *L) {
  pool *p = check_pool(L);
  luaL_checkany(L, 2);
  lua_settop(L, 2);
  if (p->next_seq - p->next_take >= p->cap)
    return luaL_error(L, "pool is full: take results with next() first");
  char *copy;
  size_t n;
  int packed = lua_type(L, 2) != LUA_TSTRING;
  if (packed) {
    stet_buf *b = stet_lua_newbuf(L); /* frees the bytes on an error */
    stet_wire_pack(L, 2, b);
    copy = b->data;
    n = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
  } else {
    const char *s = lua_tolstring(L, 2, &n);
    copy = malloc(n ? n : 1);
    if (!copy) return stet_lua_nomem(L);
    memcpy(copy, s, n);
  }
  pthread_mutex_lock(&p->mu);
  size_t tail = (p->jhead + p->jcount) % p->cap;
  p->jobs[tail].seq = p->next_seq;
  p->jobs[tail].data = copy;
  p->jobs[tail].len = n;
  p->jobs[tail].packed = packed;
  p->jobs[tail].res = (stet_buf)STET_BUF_INIT;
  p->jcount++;
  p->slots[p->next_seq % p->cap].state = 0;
  p->next_seq++;
  pthread_cond_signal(&p->cv_job);
  pthread_mutex_unlock(&p->mu);
  return 0;
}

/* pool:next() -> result | nil, error (the oldest job's) */
static int p_next(lua_State *L) {
  pool *p = check_pool(L);
  if (p->next_take == p->next_seq) return luaL_error(L, "no job pending");
  pthread_mutex_lock(&p->mu);
  slot *sl = &p->slots[p->next_take % p->cap];
  while (sl->state == 0) pthread_cond_wait(&p->cv_result, &p->mu);
  slot got = *sl;
  sl->state = 0;
  sl->data = NULL;
  p->next_take++;
  pthread_mutex_unlock(&p->mu);
  /* the copy is owned here until pushed; a memory error while pushing
   * would leak it, so it goes into a buffer box first */
  stet_buf *b = stet_lua_newbuf(L);
  b->data = got.data;
  b->len = b->cap = got.len;
  int box = lua_gettop(L);
  if (got.state == 1 && got.packed) {
    stet_wire_unpack(L, b->data, b->len);
    stet_buf_free(b); /* now, not when the box is collected */
    return 1;
  }
  if (got.state == 1) {
    stet_lua_pushbuf(L, box);
    return 1;
  }
  lua_pushnil(L);
  stet_lua_pushbuf(L, box);
  return 2;
}

static int p_pending(lua_State *L) {
  pool *p = check_pool(L);
  lua_pushinteger(L, (lua_Integer)(p->next_seq - p->next_take));
  return 1;
}

static int p_capacity(lua_State *L) {
  pool *p = check_pool(L);
  lua_pushinteger(L, (lua_Integer)p->cap);
  return 1;
}

static int p_size(lua_State *L) {
  pool *p = check_pool(L);
  lua_pushinteger(L, p->n);
  return 1;
}

static int p_close(lua_State *L) {
  pool *p = (pool *)luaL_checkudata(L, 1, POOL_META);
  pool_shutdown(p);
  return 0;
}

static int p_gc(lua_State *L) {
  pool *p = (pool *)luaL_checkudata(L, 1, POOL_META);
  if (p->destroyed) return 0;
  pool_shutdown(p);
  p->destroyed = 1;
  pthread_mutex_destroy(&p->mu);
  pthread_cond_destroy(&p->cv_job);
  pthread_cond_destroy(&p->cv_result);
  return 0;
}

static const luaL_Reg methods[] = {
  {"submit", p_submit},
  {"next", p_next},
  {"pending", p_pending},
  {"capacity", p_capacity},
  {"size", p_size},
  {"close", p_close},
  {NULL, NULL},
};

void stet_lua_open_pool(lua_State *L) {
  if (luaL_newmetatable(L, POOL_META)) {
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, p_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, p_close);
    lua_setfield(L, -2, "__close");
  }
  lua_pop(L, 1);
  lua_pushcfunction(L, l_pool);
  lua_setfield(L, -2, "pool");
}
