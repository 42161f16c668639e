/* core/lua_lane.c: pass 1 of `stet clean` for a text file or a JSON
 * line in one C call, where the document's rule asks nothing of Lua but
 * its function matchers (no head, no paragraph or document hook), and
 * pass 2 of the documents pass 1 spilled.
 *
 *   plan = stet._lane_plan(spec)
 *   next, records = plan:run_chunk(spill, paths, sizes, ids, site, first, k)
 *
 * run_chunk does for the files of a chunk (stet.stages.stage1_chunk) what
 * stet.stages.stage1 does for one: read it (stet._doc_file), cut and drop
 * by the rule's patterns and then the generic ones (stet.document),
 * summarize (d:summary) and spill the document with its head { id,
 * source, site } (stages.spill). It goes up to the first file that is not
 * a text document (plain, gzip or zstd) or whose function matcher failed:
 * the caller takes that one the general way, which reads the file again
 * and says why. The summaries come back as the records of core/lua_sumstore.c.
 *
 * spec = {
 *   rule = name, lines = bool, normalize = opts | nil,
 *   minhash = { shingle, hashes } | nil (no signature),
 *   stages = { { cut = set | nil, cut_names = { [k] = marker },
 *                drop = set | nil, pos_of = {}, labels = {}, fns = {},
 *                limit = n }, ... }   -- at most 2: the rule, the generic
 *   resolve = function(d, checks, stage, id, source, site, bytes, line,
 *                      url, title, date) -> ok
 * }
 * A stage's fields are those of d:cut and d:scan. resolve decides the
 * paragraphs that d:scan left to function matchers (checks: index,
 * position pairs) and returns false when a matcher failed. The spec table
 * is kept by the plan, so the patterns and strings it points into live as
 * long as the plan.
 *
 *   pos, lineno, k, records, line = stet._jsonl_run(spill, block, pos,
 *                                                   lineno, first, k, file, pick)
 *
 * does the same for the JSON lines of a block (stet.stages.stage1_lines),
 * each document with the plan of its rule (see l_jsonl_run).
 *
 *   next, records = stet._lane2_run(spill, offs, lens, decs, from, counter,
 *                                   threshold, keep_dups, agg)
 *
 * does pass 2 (stet.stages.stage2) for a batch of spilled documents whose
 * head holds only strings and whose record is jsonl or text, counting
 * their fates into agg and writing their records back to back (or
 * straight to agg.file), until the first it cannot take (see
 * l_lane2_run). */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "decompress.h"
#include "json.h"
#include "lua_document.h"
#include "luapat.h"

#define PLAN_META "stet.lane_plan"
#define MAX_STAGES 2

typedef struct lane_str {
  const char *s;
  size_t n;
} lane_str;

typedef struct lane_stage {
  const stet_patset *cut, *drop;
  size_t cut_steps, drop_steps;
  lane_str *cut_names; /* by pattern index of cut */
  size_t ncut;
  lua_Integer *pos_of; /* by pattern index of drop */
  lane_str *labels;
  size_t ndrop;
  fn_spec fns[MAX_FNS];
  lua_Integer nfns, limit;
} lane_stage;

typedef struct lane_plan {
  stet_norm_opts norm;
  int lines, sig;
  stet_minhash_opts mo;
  lane_str rule;
  lane_stage stage[MAX_STAGES];
  int nstages;
} lane_plan;

static lane_plan *check_plan(lua_State *L, int idx) {
  return (lane_plan *)luaL_checkudata(L, idx, PLAN_META);
}

static int plan_gc(lua_State *L) {
  lane_plan *p = check_plan(L, 1);
  for (int i = 0; i < p->nstages; i++) {
    free(p->stage[i].cut_names);
    free(p->stage[i].pos_of);
    free(p->stage[i].labels);
    p->stage[i].cut_names = NULL;
    p->stage[i].pos_of = NULL;
    p->stage[i].labels = NULL;
  }
  p->nstages = 0;
  return 0;
}

/* The string field k of the table at idx (absent: NULL). */
static lane_str opt_str(lua_State *L, int idx, const char *k) {
  lane_str r = {NULL, 0};
  if (lua_getfield(L, idx, k) == LUA_TSTRING) r.s = lua_tolstring(L, -1, &r.n);
  else if (!lua_isnil(L, -1)) luaL_error(L, "lane plan: field '%s' must be a string", k);
  lua_pop(L, 1);
  return r;
}

/* Fills *out[0..n) from the array of strings at idx (n of them). */
static lane_str *str_array(lua_State *L, int idx, size_t n, const char *what) {
  lane_str *a = calloc(n ? n : 1, sizeof *a);
  if (!a) stet_lua_nomem(L);
  for (size_t i = 0; i < n; i++) {
    if (lua_geti(L, idx, (lua_Integer)i + 1) != LUA_TSTRING) {
      free(a);
      luaL_error(L, "lane plan: %s[%d] must be a string", what, (int)i + 1);
    }
    a[i].s = lua_tolstring(L, -1, &a[i].n);
    lua_pop(L, 1);
  }
  return a;
}

/* The pattern set field k of the table at idx and the array of strings
 * field names that goes with it (one per pattern). Returns 0 when the set
 * is absent. */
static int read_set(lua_State *L, int idx, const char *k, const char *names,
                    const stet_patset **set, size_t *steps, lane_str **out, size_t *n) {
  if (lua_getfield(L, idx, k) == LUA_TNIL) {
    lua_pop(L, 1);
    return 0;
  }
  *set = stet_lua_checkpatset(L, lua_gettop(L), steps);
  *n = stet_patset_count(*set);
  lua_getfield(L, idx, names);
  luaL_checktype(L, -1, LUA_TTABLE);
  *out = str_array(L, lua_gettop(L), *n, names);
  lua_pop(L, 2);
  return 1;
}

/* Reads stage table at idx into st (owned by the plan at once, so __gc
 * frees what an error leaves). */
static void read_stage(lua_State *L, int idx, lane_stage *st) {
  read_set(L, idx, "cut", "cut_names", &st->cut, &st->cut_steps, &st->cut_names, &st->ncut);
  if (read_set(L, idx, "drop", "labels", &st->drop, &st->drop_steps, &st->labels, &st->ndrop)) {
    st->pos_of = calloc(st->ndrop ? st->ndrop : 1, sizeof *st->pos_of);
    if (!st->pos_of) stet_lua_nomem(L);
    lua_getfield(L, idx, "pos_of");
    luaL_checktype(L, -1, LUA_TTABLE);
    for (size_t k = 0; k < st->ndrop; k++) {
      lua_geti(L, -1, (lua_Integer)k + 1);
      st->pos_of[k] = lua_tointeger(L, -1);
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  lua_getfield(L, idx, "fns");
  if (!lua_isnil(L, -1)) {
    luaL_checktype(L, -1, LUA_TTABLE);
    st->nfns = (lua_Integer)luaL_len(L, -1);
    if (st->nfns > MAX_FNS) luaL_error(L, "lane plan: too many function matchers");
    if (st->nfns && !st->drop) luaL_error(L, "lane plan: function matchers need a pattern set");
    for (lua_Integer j = 0; j < st->nfns; j++) {
      lua_geti(L, -1, j + 1);
      int f = lua_gettop(L);
      lua_getfield(L, f, "pos");
      st->fns[j].pos = lua_tointeger(L, -1);
      lua_getfield(L, f, "max_length");
      st->fns[j].max_length = lua_tointeger(L, -1);
      lua_pop(L, 2);
      lane_str c = opt_str(L, f, "contains");
      st->fns[j].contains = c.s;
      st->fns[j].contains_len = c.n;
      lua_pop(L, 1);
    }
  }
  lua_pop(L, 1);
  lua_getfield(L, idx, "limit");
  st->limit = lua_tointeger(L, -1);
  lua_pop(L, 1);
}

/* stet._lane_plan(spec) -> plan [-0, +1] */
static int l_lane_plan(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  lane_plan *p = lua_newuserdatauv(L, sizeof *p, 1); /* 2 */
  memset(p, 0, sizeof *p);
  luaL_setmetatable(L, PLAN_META);
  lua_pushvalue(L, 1);
  lua_setiuservalue(L, 2, 1);
  lua_getfield(L, 1, "normalize");
  stet_lua_norm_opts(L, lua_gettop(L), &p->norm);
  lua_pop(L, 1);
  lua_getfield(L, 1, "lines");
  p->lines = lua_toboolean(L, -1);
  lua_pop(L, 1);
  p->rule = opt_str(L, 1, "rule");
  if (!p->rule.s) luaL_error(L, "lane plan: no rule name");
  stet_minhash_defaults(&p->mo);
  if (lua_getfield(L, 1, "minhash") == LUA_TTABLE) {
    p->sig = 1;
    lua_getfield(L, -1, "shingle");
    p->mo.shingle = (int)luaL_optinteger(L, -1, 5);
    lua_getfield(L, -2, "hashes");
    p->mo.hashes = (int)luaL_optinteger(L, -1, p->mo.hashes);
    lua_pop(L, 2);
    if (p->mo.shingle < 1 || p->mo.shingle > STET_MH_MAX_SHINGLE || p->mo.hashes < 1 ||
        p->mo.hashes > STET_MH_MAX_HASHES)
      luaL_error(L, "lane plan: bad minhash options");
  }
  lua_pop(L, 1);
  if (lua_getfield(L, 1, "resolve") != LUA_TFUNCTION) luaL_error(L, "lane plan: no resolve function");
  lua_pop(L, 1);
  lua_getfield(L, 1, "stages");
  luaL_checktype(L, -1, LUA_TTABLE);
  lua_Integer n = (lua_Integer)luaL_len(L, -1);
  if (n > MAX_STAGES) luaL_error(L, "lane plan: at most %d stages", MAX_STAGES);
  for (lua_Integer i = 0; i < n; i++) {
    lua_geti(L, -1, i + 1);
    luaL_checktype(L, -1, LUA_TTABLE);
    p->nstages = (int)i + 1;
    read_stage(L, lua_gettop(L), &p->stage[i]);
    lua_pop(L, 1);
  }
  lua_settop(L, 2);
  return 1;
}

/* A label id of s in d, raising on too many labels or ENOMEM. */
static uint16_t label_of(lua_State *L, stet_doc *d, lane_str s) {
  int id = stet_doc_label(d, s.s, s.n);
  if (id < 0) stet_lua_nomem(L);
  if (id == 0) luaL_error(L, "too many drop labels in one document");
  return (uint16_t)id;
}

/* d:cut: labels "cut" from the first kept paragraph a cut pattern matches
 * and marks it; returns the number of paragraphs before it (all: none). */
static size_t lane_cut(lua_State *L, stet_doc *d, const lane_stage *st) {
  for (size_t i = 0; i < d->n; i++) {
    stet_para *q = &d->p[i];
    if (q->label) continue;
    size_t k;
    int rc = stet_patset_first(st->cut, d->text.data + q->off, q->len, 0, st->cut_steps, &k);
    if (rc < 0 || rc == STET_PAT_NOMATCH) continue; /* too complex: does not cut */
    lane_str cut = {"cut", 3};
    uint16_t id = label_of(L, d, cut);
    for (size_t j = i; j < d->n; j++)
      if (!d->p[j].label) d->p[j].label = id;
    q->marker = label_of(L, d, st->cut_names[k]);
    return i;
  }
  return d->n;
}

/* d:scan over paragraphs [0, last): labels what a pattern drops, and
 * leaves what a function matcher may claim in the checks table at idx
 * (index, position pairs). Returns the number of checks. */
static lua_Integer lane_scan(lua_State *L, stet_doc *d, const lane_stage *st, size_t last,
                             int idx) {
  lua_Integer nchecks = 0;
  for (size_t i = 0; i < last; i++) {
    stet_para *q = &d->p[i];
    if (q->label) continue;
    size_t n = q->len;
    if (st->limit > 0 && (lua_Integer)n > st->limit) continue;
    const char *t = d->text.data + q->off;
    size_t k;
    int rc = stet_patset_first(st->drop, t, n, 0, st->drop_steps, &k);
    if (rc < 0) return stet_lua_pattern_error(L, st->drop, k, rc);
    lua_Integer pos = rc == STET_PAT_NOMATCH ? 0 : st->pos_of[k];
    if (stet_ldoc_needs_fn(st->fns, st->nfns, pos, t, n)) {
      if (nchecks == 0) { /* the table, made when a first check needs it */
        lua_newtable(L);
        lua_replace(L, idx);
      }
      lua_pushinteger(L, (lua_Integer)i + 1);
      lua_rawseti(L, idx, ++nchecks);
      lua_pushinteger(L, pos);
      lua_rawseti(L, idx, ++nchecks);
    } else if (pos) {
      q->label = label_of(L, d, st->labels[k]);
    }
  }
  return nchecks;
}

static int put(stet_buf *b, const void *p, size_t n) {
  return stet_buf_append(b, p, n);
}

/* Appends a string of a record of core/lua_sumstore.c: u32 length (nil:
 * 0xFFFFFFFF), bytes. */
static int put_str(stet_buf *b, const char *s, size_t n) {
  uint32_t len = s ? (uint32_t)n : UINT32_MAX;
  return put(b, &len, 4) || (s && put(b, s, n));
}

/* What a document of the lane is, beside its text: its id, source, site,
 * title, date (NULL: absent), its line in a JSON Lines file (0: none) and
 * url, as stet.document's raw document has them. */
typedef struct lane_meta {
  lane_str id, source, site, title, date, url;
  lua_Integer line;
} lane_meta;

/* Appends the record of core/lua_sumstore.c ('L') of the summary sm. */
static void lane_put(lua_State *L, stet_buf *rec, const lane_plan *p, const stet_ldoc_summary *sm,
                     lua_Integer index, uint64_t off, uint32_t len, int64_t bytes_fix,
                     const lane_meta *m) {
  lane_str id = m->id, source = m->source, site = m->site;
  int64_t key = (int64_t)index;
  uint32_t body_len = (uint32_t)sm->body_len;
  unsigned char has_bfp = (unsigned char)sm->has_bfp;
  uint64_t body_fp = sm->bfp;
  if (put(rec, "L", 1) || put(rec, &key, 8) || put(rec, &off, 8) || put(rec, &len, 4) ||
      put(rec, &body_len, 4) || put(rec, &has_bfp, 1) || put(rec, &body_fp, 8) ||
      put(rec, &bytes_fix, 8) || put_str(rec, id.s, id.n) || put_str(rec, source.s, source.n) ||
      put_str(rec, site.s ? site.s : "", site.s ? site.n : 0) ||
      put_str(rec, p->rule.s, p->rule.n) || put_str(rec, sm->fps, sm->fps_len) ||
      put_str(rec, sm->sig, sm->sig_len) || put_str(rec, m->title.s, m->title.n) ||
      put_str(rec, m->date.s, m->date.n))
    stet_lua_nomem(L);
}

/* Pushes the string, or nil when absent. */
static void push_opt(lua_State *L, lane_str v) {
  if (v.s) lua_pushlstring(L, v.s, v.n);
  else lua_pushnil(L);
}

/* Pass 1 of the document at stack index di, bytes long as read, whose
 * plan is at stack index pi: cut, drop, summarize, then its document joins
 * the scratch's chunk of spill bytes and its record goes to rec. Returns
 * 1, or 0 when the general way must take it (a function matcher failed). */
static int run1_process(lua_State *L, lane_plan *p, int pi, int di, const lane_meta *m,
                        size_t bytes, int64_t bytes_fix, lua_Integer index, stet_buf *rec) {
  stet_doc *d = lua_touserdata(L, di);
  size_t last = p->nstages && p->stage[0].cut ? lane_cut(L, d, &p->stage[0]) : d->n;
  for (int s = 0; s < p->nstages; s++) {
    const lane_stage *st = &p->stage[s];
    if (!st->drop) continue;
    lua_pushnil(L); /* di + 1: the checks, a table once lane_scan has one */
    if (lane_scan(L, d, st, last, di + 1)) {
      lua_getiuservalue(L, pi, 1);
      lua_getfield(L, -1, "resolve");
      lua_replace(L, -2);
      lua_pushvalue(L, di);
      lua_pushvalue(L, di + 1);
      lua_pushinteger(L, s + 1);
      push_opt(L, m->id);
      push_opt(L, m->source);
      push_opt(L, m->site);
      lua_pushinteger(L, (lua_Integer)bytes);
      if (m->line) lua_pushinteger(L, m->line);
      else lua_pushnil(L);
      push_opt(L, m->url);
      push_opt(L, m->title);
      push_opt(L, m->date);
      lua_call(L, 11, 1);
      if (!lua_toboolean(L, -1)) {
        lua_settop(L, di);
        return 0;
      }
    }
    lua_settop(L, di);
  }
  scratch *sc = SCRATCH(L);
  stet_ldoc_summary sm;
  if (stet_ldoc_summarize(sc, d, p->sig ? &p->mo : NULL, &sm)) return stet_lua_nomem(L);
  /* the head pass 2 unpacks (stages.spill): { id, source, site, title,
   * date }. The document joins the chunk's spill bytes, appended at once
   * when the chunk is done, and its record holds its offset among them
   * (flush_run adds where they went) */
  stet_buf *b = &sc->chunk;
  size_t start = b->len;
  static const char *const keys[5] = {"id", "source", "site", "title", "date"};
  const char *vals[5] = {m->id.s, m->source.s, m->site.s, m->title.s, m->date.s};
  size_t lens[5] = {m->id.n, m->source.n, m->site.n, m->title.n, m->date.n};
  uint32_t h32 = 0;
  if (stet_buf_append(b, &h32, 4) || stet_wire_strings(b, keys, vals, lens, 5))
    return stet_lua_nomem(L);
  h32 = (uint32_t)(b->len - start - 4);
  memcpy(b->data + start, &h32, 4);
  if (stet_doc_dump(d, b)) return stet_lua_nomem(L);
  size_t at = rec->len + 9; /* the record's offset field ('L', key) */
  lane_put(L, rec, p, &sm, index, (uint64_t)start, (uint32_t)(b->len - start), bytes_fix, m);
  if (stet_buf_append(&sc->fix, &at, sizeof at)) return stet_lua_nomem(L);
  return 1;
}

/* One text file through pass 1 (see plan:run_chunk): appends its
 * document to the chunk's spill bytes and its record to rec and returns 1,
 * or returns 0 when the general way must take it. The plan is at stack
 * index 1. */
static int run1_doc(lua_State *L, lane_plan *p, const char *path, lua_Integer size, lane_str id,
                    lane_str source, lane_str site, lua_Integer index, stet_buf *rec, int doc) {
  int top = lua_gettop(L);
  size_t bytes;
  if (stet_ldoc_from_file(L, path, size, &p->norm, p->lines, &bytes, doc)) return 0;
  lane_meta m = {id, source, site, {NULL, 0}, {NULL, 0}, {NULL, 0}, 0};
  int taken = run1_process(L, p, 1, top + 1, &m, bytes, (int64_t)bytes - (size > 0 ? size : 0),
                           index, rec);
  lua_settop(L, top); /* the document stays for the next file */
  return taken;
}

/* Where a run of plan:run_chunk stands, kept on the C stack of
 * p_run_chunk so that it survives an error in run_files. */
typedef struct run_state {
  lua_Integer k, n, first; /* the file being done, the last one, the index of the first */
  size_t rec_at, chunk_at, fix_at; /* the buffers' lengths before file k */
  stet_spill *sp;
  int spill_errno; /* not 0: appending to the spill file failed */
} run_state;

/* The documents of a run wait in the scratch's chunk buffer up to this
 * many bytes, then go to the spill file in one append. */
#define RUN_SPILL_MAX (4u << 20)
/* The records of a batch or run: a buffer that grew past this is freed
 * after it. */
#define RECS_KEEP ((size_t)64 << 20)

/* Appends the documents waiting in the chunk buffer to the spill file in
 * one go and writes where each went into its record. 0, or -1 with errno
 * set. */
static int flush_run(stet_spill *sp, scratch *sc, stet_buf *rec) {
  if (!sc->chunk.len) return 0;
  uint64_t base;
  if (stet_spill_append(sp, sc->chunk.data, sc->chunk.len, &base)) return -1;
  for (size_t f = 0; f + sizeof(size_t) <= sc->fix.len; f += sizeof(size_t)) {
    size_t pos;
    uint64_t off;
    memcpy(&pos, sc->fix.data + f, sizeof pos);
    memcpy(&off, rec->data + pos, 8);
    off += base;
    memcpy(rec->data + pos, &off, 8);
  }
  sc->chunk.len = 0;
  sc->fix.len = 0;
  return 0;
}

/* The scratch's buffers of a run, emptied as one starts: its records,
 * the documents waiting for the spill file and where their offsets go. */
static void run_begin(scratch *sc) {
  sc->recs.len = 0;
  sc->chunk.len = 0;
  sc->fix.len = 0;
}

/* Where the buffers stand before the file or line a run does next... */
static void run_mark(scratch *sc, run_state *rs) {
  rs->rec_at = sc->recs.len;
  rs->chunk_at = sc->chunk.len;
  rs->fix_at = sc->fix.len;
}

/* ...and back there when the general way takes it. */
static void run_rollback(scratch *sc, const run_state *rs) {
  sc->recs.len = rs->rec_at;
  sc->chunk.len = rs->chunk_at;
  sc->fix.len = rs->fix_at;
}

/* The end of a run: the documents it did go to the spill file and their
 * records get where; raises when the spill file failed. */
static void run_finish(lua_State *L, stet_spill *sp, scratch *sc, const run_state *rs) {
  if (rs->spill_errno) stet_ldoc_spill_error(L, sp, rs->spill_errno);
  if (flush_run(sp, sc, &sc->recs)) stet_ldoc_spill_error(L, sp, errno);
  stet_buf_trim(&sc->chunk, STET_BUF_KEEP);
}

/* run_files(plan, paths, sizes, ids, site, state): pass 1 for the files
 * state->k.. of plan:run_chunk, in one protected call, up to the first
 * file the general way must take, or a SIGINT; state->k is then that
 * file. An error (a pattern, a rule's matcher) leaves state->k at the file
 * it came from, whose bytes p_run_chunk takes back. */
static int run_files(lua_State *L) {
  lane_plan *p = check_plan(L, 1);
  run_state *rs = lua_touserdata(L, 6);
  scratch *sc = SCRATCH(L);
  stet_buf *rec = &sc->recs;
  lane_str site = {NULL, 0};
  site.s = lua_tolstring(L, 5, &site.n);
  lua_settop(L, 6);
  stet_ldoc_new(L); /* 7: the document every file of the run goes through */
  for (; rs->k <= rs->n && !stet_interrupted(); rs->k++) {
    lua_Integer k = rs->k;
    if (lua_geti(L, 2, k) != LUA_TSTRING || lua_geti(L, 4, k) != LUA_TSTRING)
      return luaL_error(L, "run_chunk: paths[%d] and ids[%d] must be strings", (int)k, (int)k);
    lua_geti(L, 3, k);
    lane_str path, id;
    path.s = lua_tolstring(L, 8, &path.n);
    id.s = lua_tolstring(L, 9, &id.n);
    /* -1: a regular file of the walk whose length is not known */
    lua_Integer size = lua_isinteger(L, 10) ? lua_tointeger(L, 10) : 0;
    if (size < 0) size = STET_SIZE_REGULAR;
    run_mark(sc, rs);
    int taken = run1_doc(L, p, path.s, size, id, path, site, rs->first + k - 1, rec, 7);
    lua_settop(L, 7);
    if (!taken) {
      run_rollback(sc, rs);
      break;
    }
    /* files of unknown length (a walk without a stat) may add up: the
     * waiting documents go out before they take much memory */
    if (sc->chunk.len >= RUN_SPILL_MAX && flush_run(rs->sp, sc, rec)) {
      rs->spill_errno = errno ? errno : EIO;
      rs->k++; /* this file is done but for its spill: nothing to roll back */
      return luaL_error(L, "spill file");
    }
  }
  stet_ldoc_release(L, lua_touserdata(L, 7));
  return 0;
}

/* plan:run_chunk(spill, paths, sizes, ids, site, first, k) -> next, records:
 * pass 1 for the files paths[k..] (source: the path, id ids[j], size
 * sizes[j], -1 when the walk did not stat it, index first + j - 1) up to
 * the first file the general way must
 * take, or a SIGINT. Returns the index of the first file not done and the
 * summaries of those done as records of core/lua_sumstore.c, back to
 * back. [-0, +2] */
static int p_run_chunk(lua_State *L) {
  check_plan(L, 1);
  stet_spill *sp = stet_ldoc_spill(L, 2);
  luaL_checktype(L, 3, LUA_TTABLE);
  luaL_checktype(L, 4, LUA_TTABLE);
  luaL_checktype(L, 5, LUA_TTABLE);
  luaL_optstring(L, 6, NULL); /* the site */
  lua_Integer first = luaL_checkinteger(L, 7), k = luaL_checkinteger(L, 8);
  lua_settop(L, 8);
  scratch *sc = SCRATCH(L);
  stet_buf *rec = &sc->recs;
  run_begin(sc);
  run_state rs = {k, (lua_Integer)lua_rawlen(L, 3), first, 0, 0, 0, sp, 0};
  lua_pushvalue(L, lua_upvalueindex(2)); /* run_files, protected */
  lua_pushvalue(L, 1);
  lua_pushvalue(L, 3);
  lua_pushvalue(L, 4);
  lua_pushvalue(L, 5);
  lua_pushvalue(L, 6);
  lua_pushlightuserdata(L, &rs);
  if (lua_pcall(L, 6, 0, 0) != LUA_OK)
    run_rollback(sc, &rs); /* the general way takes the file again and says what went wrong */
  lua_settop(L, 8);
  run_finish(L, sp, sc, &rs);
  lua_pushinteger(L, rs.k);
  lua_pushlstring(L, rec->data ? rec->data : "", rec->len);
  stet_buf_trim(rec, RECS_KEEP);
  return 2;
}

/* stet._jsonl_run(spill, block, pos, lineno, first, k, file, pick) ->
 *     pos, lineno, k, records, line | nil
 * pass 1 for the JSON lines of block (a chunk of readers' chunk_json: lines
 * of a file joined by "\n", as a string or in a stet._sink, which must not
 * change meanwhile) from byte pos (0-based; line number lineno,
 * the document numbered k of the chunk, index first + k - 1), as
 * plan:run_chunk does for text files. Lines with nothing but spaces are no
 * documents, as for stet.readers. file = { source, id_base, folder,
 * text_field }. The lane takes a line that is one JSON object
 * (core/json.h) whose keys are the text field and no more than id, url,
 * site, title and date, each a string or null (id, when given, a
 * string), which is what stet.readers makes a document with no meta of.
 * pick(site, url, folder, date) gives the document's lane plan (false:
 * none, its rule needs Lua), its site and its date normalized (false: the
 * date does not normalize, which puts it in meta); the line is then
 * processed as its text file would be (run1_process). A line with a byte
 * order mark stays with the general way, which says what it makes of it;
 * with pick false, every line does. Stops at the first line the general
 * way must take and returns where the lines after it start, that line's
 * number and document number, the records of the lines done and the line;
 * at the end of the block, or on SIGINT, returns where it stopped and no
 * line. [-0, +5] */
enum { J_TEXT, J_ID, J_URL, J_SITE, J_TITLE, J_DATE, J_FIELDS };

/* The value of field f of line s into *v: in s, or unescaped into b. 0, or
 * -1 when an escape is invalid. */
static int json_value(const char *s, const stet_json_field *f, stet_buf *b, lane_str *v) {
  if (!f->found) {
    v->s = NULL;
    v->n = 0;
    return 0;
  }
  if (!f->escaped) {
    v->s = s + f->start;
    v->n = f->stop - f->start;
    return 0;
  }
  /* b has room for the line: the values written so far are shorter */
  size_t n = stet_json_unescape(s + f->start, f->stop - f->start, b->data + b->len);
  if (n == (size_t)-1) return -1;
  v->s = b->data + b->len;
  v->n = n;
  b->len += n;
  return 0;
}

/* The fields of stet._jsonl_run's file table, read once a run (the
 * strings stay alive in the table). */
typedef struct jsonl_file {
  lane_str text_field, id_base, source;
  int folder; /* stack index of the table, for its folder */
} jsonl_file;

/* One JSON line through pass 1: 1 taken, 0 for the general way. The run's
 * document is at stack index di, pick at pi. */
static int jsonl_line(lua_State *L, const char *s, size_t n, lua_Integer lineno,
                      lua_Integer index, int di, const jsonl_file *file, int pi, stet_buf *rec) {
  scratch *sc = SCRATCH(L);
  if (lineno == 1 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) return 0;
  stet_json_field f[J_FIELDS] = {
    {file->text_field.s, file->text_field.n, 0, 0, 0, 0, NULL, 0, NULL, 0, 0},
    {"id", 2, 0, 0, 0, 0, NULL, 0, NULL, 0, 0},
    {"url", 3, 0, 0, 0, 0, NULL, 0, NULL, 0, 0},
    {"site", 4, 0, 0, 0, 0, NULL, 0, NULL, 0, 0},
    {"title", 5, 0, 0, 0, 0, NULL, 0, NULL, 0, 0},
    {"date", 4, 0, 0, 0, 0, NULL, 0, NULL, 0, 0},
  };
  /* the text is unescaped straight into the raw buffer the document is
   * made from */
  sc->raw.len = 0;
  if (stet_buf_reserve(&sc->raw, n + 1)) return stet_lua_nomem(L);
  f[J_TEXT].out = sc->raw.data;
  size_t others;
  if (stet_json_scan_top(s, n, f, J_FIELDS, NULL, &others) != STET_JSON_OK || others ||
      !f[J_TEXT].found)
    return 0;
  const char *base = file->id_base.s;
  size_t bl = file->id_base.n;
  /* room for the values (no longer than the line) and a made id, so that
   * nothing moves once a value points into it */
  stet_buf *jb = &sc->jsonf;
  jb->len = 0;
  if (stet_buf_reserve(jb, n + bl + 32)) return stet_lua_nomem(L);
  lane_meta m;
  lane_str date;
  if (json_value(s, &f[J_ID], jb, &m.id) || json_value(s, &f[J_URL], jb, &m.url) ||
      json_value(s, &f[J_SITE], jb, &m.site) || json_value(s, &f[J_TITLE], jb, &m.title) ||
      json_value(s, &f[J_DATE], jb, &date))
    return 0;
  if (!m.id.s || m.id.n == 0) { /* id_base:lineno, as stet.readers makes it */
    char num[24];
    int nl = snprintf(num, sizeof num, ":%lld", (long long)lineno);
    m.id.s = jb->data + jb->len;
    m.id.n = bl + (size_t)nl;
    memcpy(jb->data + jb->len, base, bl);
    memcpy(jb->data + jb->len + bl, num, (size_t)nl);
    jb->len += m.id.n;
  }
  m.source = file->source;
  m.line = lineno;
  /* its rule's plan, site and date */
  int top = lua_gettop(L);
  lua_pushvalue(L, pi);
  push_opt(L, m.site);
  push_opt(L, m.url);
  lua_getfield(L, file->folder, "folder");
  push_opt(L, date);
  lua_call(L, 4, 3); /* plan, site, date at top + 1.. */
  if (!lua_toboolean(L, top + 1)) {
    lua_settop(L, top);
    return 0;
  }
  lane_plan *p = check_plan(L, top + 1);
  m.site.s = lua_tolstring(L, top + 2, &m.site.n); /* NULL when nil; kept alive on the stack */
  m.date.s = date.s ? lua_tolstring(L, top + 3, &m.date.n) : NULL;
  if (date.s && !m.date.s) {
    lua_settop(L, top);
    return 0;
  }
  /* the text, unescaped by the scan or taken as it is */
  if (f[J_TEXT].escaped) {
    sc->raw.len = f[J_TEXT].outlen;
  } else {
    size_t tn = f[J_TEXT].stop - f[J_TEXT].start;
    memcpy(sc->raw.data, s + f[J_TEXT].start, tn);
    sc->raw.len = tn;
  }
  stet_ldoc_from_raw(L, &p->norm, p->lines, di);
  int dd = lua_gettop(L);
  size_t bytes = n > 0 && s[n - 1] == '\r' ? n - 1 : n; /* as stet.readers counts it */
  int taken = run1_process(L, p, top + 1, dd, &m, bytes, 0, index, rec);
  lua_settop(L, top);
  return taken;
}

/* Where stet._jsonl_run stands, on the C stack of l_jsonl_run. */
typedef struct jsonl_state {
  run_state rs;         /* rs.k: the document of the line at pos */
  size_t pos, n;        /* the line at pos, of the block of n bytes */
  lua_Integer lineno;   /* its number */
  size_t gstart, gend;  /* the line the general way must take: [gstart, gend) */
  int stop;             /* 1: at such a line */
  jsonl_file file;      /* (its folder: the table at index 2 of jsonl_lines) */
} jsonl_state;

/* The bytes of the block at index idx: a string or a stet._sink. */
static const char *block_bytes(lua_State *L, int idx, size_t *n) {
  stet_buf *b = stet_lua_testbuf(L, idx);
  if (!b) return luaL_checklstring(L, idx, n);
  *n = b->len;
  return b->data ? b->data : "";
}

/* jsonl_lines(block, file, pick, state): the lines from state->pos on, in
 * one protected call (as run_files for text files). */
static int jsonl_lines(lua_State *L) {
  jsonl_state *js = lua_touserdata(L, 4);
  run_state *rs = &js->rs;
  scratch *sc = SCRATCH(L);
  stet_buf *rec = &sc->recs;
  size_t n;
  const char *b = block_bytes(L, 1, &n);
  int lane = lua_toboolean(L, 3);
  lua_settop(L, 4);
  stet_ldoc_new(L); /* 5: the document every line of the run goes through */
  while (js->pos <= js->n && !stet_interrupted()) {
    const char *nl = memchr(b + js->pos, '\n', js->n - js->pos);
    size_t a = js->pos, e = nl ? (size_t)(nl - b) : js->n;
    if (stet_line_has_text(b + a, e - a)) {
      run_mark(sc, rs);
      js->gstart = a;
      js->gend = e;
      int taken = lane && jsonl_line(L, b + a, e - a, js->lineno, rs->first + rs->k - 1, 5,
                                     &js->file, 3, rec);
      lua_settop(L, 5);
      if (!taken) {
        run_rollback(sc, rs);
        js->stop = 1;
        break;
      }
      rs->k++;
    }
    js->pos = e + 1;
    js->lineno++;
    if (sc->chunk.len >= RUN_SPILL_MAX && flush_run(rs->sp, sc, rec)) {
      rs->spill_errno = errno ? errno : EIO;
      return luaL_error(L, "spill file");
    }
  }
  stet_ldoc_release(L, lua_touserdata(L, 5));
  return 0;
}

static int l_jsonl_run(lua_State *L) {
  stet_spill *sp = stet_ldoc_spill(L, 1);
  size_t n;
  block_bytes(L, 2, &n);
  lua_Integer pos = luaL_checkinteger(L, 3), lineno = luaL_checkinteger(L, 4);
  lua_Integer first = luaL_checkinteger(L, 5), k = luaL_checkinteger(L, 6);
  luaL_checktype(L, 7, LUA_TTABLE);
  if (lua_toboolean(L, 8)) luaL_checktype(L, 8, LUA_TFUNCTION);
  luaL_argcheck(L, pos >= 0, 3, "negative offset");
  lua_settop(L, 8);
  scratch *sc = SCRATCH(L);
  stet_buf *rec = &sc->recs;
  run_begin(sc);
  jsonl_state js;
  memset(&js, 0, sizeof js);
  js.rs.k = k;
  js.rs.first = first;
  js.rs.sp = sp;
  js.pos = (size_t)pos;
  js.n = n;
  js.lineno = lineno;
  static const char *const keys[3] = {"text_field", "id_base", "source"};
  lane_str *vals[3] = {&js.file.text_field, &js.file.id_base, &js.file.source};
  for (int f = 0; f < 3; f++) {
    if (lua_getfield(L, 7, keys[f]) != LUA_TSTRING)
      return luaL_error(L, "_jsonl_run: file.%s must be a string", keys[f]);
    vals[f]->s = lua_tolstring(L, -1, &vals[f]->n); /* kept alive by file */
    lua_pop(L, 1);
  }
  js.file.folder = 2;
  lua_pushvalue(L, lua_upvalueindex(2)); /* jsonl_lines, protected */
  lua_pushvalue(L, 2);
  lua_pushvalue(L, 7);
  lua_pushvalue(L, 8);
  lua_pushlightuserdata(L, &js);
  if (lua_pcall(L, 4, 0, 0) != LUA_OK && !js.rs.spill_errno) {
    run_rollback(sc, &js.rs); /* the general way takes the line again and says what went wrong */
    js.stop = 1;
  }
  lua_settop(L, 8);
  run_finish(L, sp, sc, &js.rs);
  stet_buf_trim(&sc->jsonf, STET_BUF_KEEP);
  size_t bn;
  const char *b = block_bytes(L, 2, &bn);
  if (js.stop) { /* the line after the general one, its number, its document */
    lua_pushinteger(L, (lua_Integer)js.gend + 1);
    lua_pushinteger(L, js.lineno);
    lua_pushinteger(L, js.rs.k);
  } else {
    lua_pushinteger(L, (lua_Integer)js.pos);
    lua_pushinteger(L, js.lineno);
    lua_pushinteger(L, js.rs.k);
  }
  lua_pushlstring(L, rec->data ? rec->data : "", rec->len);
  stet_buf_trim(rec, RECS_KEEP);
  if (js.stop) lua_pushlstring(L, b + js.gstart, js.gend - js.gstart);
  else lua_pushnil(L);
  return 5;
}

/* The head of a spilled document, when the lane can write its record:
 * string fields in stet.pack's form (stet_wire_strings, or stet.pack of
 * such a table), of which id, source and site; title and date; and the
 * JSON of its authors and meta (aj, mj; stages.spill), whose tables the
 * general way finds in x. Returns 0 and sets the fields (absent: NULL), or
 * -1 for any other head (a dropped document, a field that is not a
 * string). */
enum { H_ID, H_SOURCE, H_SITE, H_TITLE, H_DATE, H_AUTHORS, H_META, H_X, H_FIELDS };

typedef struct lane_head {
  lane_str f[H_FIELDS];
} lane_head;

static int read_head(const unsigned char *p, size_t n, lane_head *h) {
  static const char *const keys[H_FIELDS] = {"id",   "source", "site", "title",
                                             "date", "aj",     "mj",   "x"};
  memset(h, 0, sizeof *h);
  uint32_t na, nh;
  if (n < 9 || p[0] != 'T') return -1;
  memcpy(&na, p + 1, 4);
  memcpy(&nh, p + 5, 4);
  if (na != 0 || nh > H_FIELDS) return -1;
  size_t at = 9;
  for (uint32_t i = 0; i < nh; i++) {
    lane_str kv[2];
    for (int k = 0; k < 2; k++) {
      uint64_t len;
      if (n - at < 9 || p[at] != 's') return -1;
      memcpy(&len, p + at + 1, 8);
      at += 9;
      if (n - at < len) return -1;
      kv[k].s = (const char *)p + at;
      kv[k].n = (size_t)len;
      at += (size_t)len;
    }
    int which = -1;
    for (int k = 0; k < H_FIELDS; k++)
      if (kv[0].n == strlen(keys[k]) && memcmp(kv[0].s, keys[k], kv[0].n) == 0) which = k;
    if (which < 0 || h->f[which].s) return -1;
    h->f[which] = kv[1];
  }
  return at == n ? 0 : -1;
}

/* Appends the JSON of a string (null when absent) to b. */
static int put_json_str(stet_buf *b, lane_str v) {
  if (!v.s) return stet_buf_append(b, "null", 4);
  if (stet_buf_reserve(b, 6 * v.n + 2)) return -1;
  b->data[b->len++] = '"';
  b->len += stet_json_escape_to(b->data + b->len, v.s, v.n);
  b->data[b->len++] = '"';
  return 0;
}

/* Appends v, JSON already, or dflt when absent. */
static int put_json_or(stet_buf *b, lane_str v, const char *dflt) {
  return v.s ? stet_buf_append(b, v.s, v.n) : stet_buf_append(b, dflt, strlen(dflt));
}

/* The jsonl format's record of a document (stet/formats/jsonl.lua writes
 * the same bytes). */
static int jsonl_record(stet_buf *b, const stet_doc *d, const lane_head *h, lane_str dup_of) {
  lua_Integer kept;
  if (stet_buf_append(b, "{\"id\": ", 7) || put_json_str(b, h->f[H_ID]) ||
      stet_buf_append(b, ", \"site\": ", 10) || put_json_str(b, h->f[H_SITE]) ||
      stet_buf_append(b, ", \"source\": ", 12) || put_json_str(b, h->f[H_SOURCE]) ||
      stet_buf_append(b, ", \"title\": ", 11) || put_json_str(b, h->f[H_TITLE]) ||
      stet_buf_append(b, ", \"date\": ", 10) || put_json_str(b, h->f[H_DATE]) ||
      stet_buf_append(b, ", \"authors\": ", 13) || put_json_or(b, h->f[H_AUTHORS], "[]") ||
      stet_buf_append(b, ", \"text\": ", 10) || stet_ldoc_body_json(d, b, &kept) ||
      stet_buf_append(b, ", \"dup_of\": ", 12) || put_json_str(b, dup_of) ||
      stet_buf_append(b, ", \"meta\": ", 10) || put_json_or(b, h->f[H_META], "{}") ||
      stet_buf_append(b, "}\n", 2))
    return -1;
  return 0;
}

/* The text format's record of a document (stet/formats/text.lua writes the
 * same bytes): its body, a line end, the separator sep and a line end. */
static int text_record(stet_buf *b, const stet_doc *d, lane_str sep) {
  if (stet_doc_body(d, b, "\n\n", 2) < 0 || stet_buf_append(b, "\n", 1) ||
      stet_buf_append(b, sep.s, sep.n) || stet_buf_append(b, "\n", 1))
    return -1;
  return 0;
}

/* What a decision adds to a document that lacks it (lane_decision). */
enum { ADD_TITLE = 1, ADD_DATE = 2, ADD_AUTHORS = 4 };

/* What stage 2 made of a document (the fate and tally of d:tally). */
typedef struct lane2_res {
  const char *fate, *tally, *reason; /* reason: NULL or "empty" */
  int write;
} lane2_res;

/* Stage 2 of the spilled document framed in io: loads it (pushes d),
 * drops boilerplate, decides its fate and appends its jsonl record to out
 * when it is written. Returns 1, or 0 with nothing pushed when the lane
 * cannot write its record (read_head; the decision adds metadata). */
static int lane2_doc(lua_State *L, const stet_buf *io, const lane_str *text_sep,
                     const struct stet_counter *c,
                     lua_Integer threshold, lane_str dup_of, int adds, int keep_dups,
                     stet_buf *out, lane2_res *r, int doc) {
  size_t len = io->len;
  uint32_t hlen;
  memcpy(&hlen, io->data, 4);
  lane_head h;
  if (len - 4 < hlen || read_head((const unsigned char *)io->data + 4, hlen, &h)) return 0;
  /* metadata the decision would add: the general way adds it */
  if (((adds & ADD_TITLE) && !h.f[H_TITLE].s) || ((adds & ADD_DATE) && !h.f[H_DATE].s) ||
      ((adds & ADD_AUTHORS) && !h.f[H_AUTHORS].s))
    return 0;
  stet_doc *d = stet_ldoc_renew(L, doc);
  int rc = stet_doc_load(d, io->data + 4 + hlen, len - 4 - hlen);
  if (rc == -1) return stet_lua_nomem(L);
  if (rc) return luaL_error(L, "not a dumped document");
  if (c && threshold > 0)
    stet_ldoc_boilerplate(L, d, c, h.f[H_SITE].s ? h.f[H_SITE].s : "", h.f[H_SITE].n, threshold);
  size_t kept = 0;
  for (size_t i = 0; i < d->n; i++) kept += d->p[i].label == 0;
  r->tally = "written";
  r->reason = NULL;
  r->write = 1;
  if (dup_of.s) {
    r->fate = "duplicate";
    if (!keep_dups) r->tally = "duplicate", r->write = 0;
  } else if (kept == 0) {
    r->fate = "dropped", r->reason = "empty", r->tally = "empty", r->write = 0;
  } else {
    r->fate = "kept";
  }
  if (r->write && (text_sep ? text_record(out, d, *text_sep) : jsonl_record(out, d, &h, dup_of)))
    return stet_lua_nomem(L);
  return 1;
}

/* t[k] += n for the string key k[0..kn) of the table at idx. */
static void add_count(lua_State *L, int idx, const char *k, size_t kn, lua_Integer n) {
  lua_pushlstring(L, k, kn);
  lua_pushvalue(L, -1);
  lua_rawget(L, idx);
  lua_Integer v = lua_tointeger(L, -1);
  lua_pop(L, 1);
  lua_pushinteger(L, v + n);
  lua_rawset(L, idx);
}

/* Counts kept in C while _lane2_run goes, added to agg's tables (by
 * add_count) at the end: pushing a key string and setting a table field
 * for every document cost more than the rest of its accounting. */
#define TALLY_MAX 48
#define TALLY_NAME 40
typedef struct lane_tally {
  int n;
  struct {
    int table; /* which of agg's tables: 0 fates, 1 reasons, 2 labels */
    unsigned char len;
    char name[TALLY_NAME];
    lua_Integer count;
  } e[TALLY_MAX];
} lane_tally;

/* Adds the counts to the tables sub[0..3) and empties the tally. */
static void tally_flush(lua_State *L, lane_tally *t, const int *sub) {
  for (int i = 0; i < t->n; i++)
    add_count(L, sub[t->e[i].table], t->e[i].name, t->e[i].len, t->e[i].count);
  t->n = 0;
}

/* Counts n for key k[0..kn) of table `table`. */
static void tally_add(lua_State *L, lane_tally *t, const int *sub, int table, const char *k,
                      size_t kn, lua_Integer n) {
  if (kn >= TALLY_NAME) {
    add_count(L, sub[table], k, kn, n);
    return;
  }
  for (int i = 0; i < t->n; i++)
    if (t->e[i].table == table && t->e[i].len == kn && memcmp(t->e[i].name, k, kn) == 0) {
      t->e[i].count += n;
      return;
    }
  if (t->n == TALLY_MAX) tally_flush(L, t, sub);
  int i = t->n++;
  t->e[i].table = table;
  t->e[i].len = (unsigned char)kn;
  memcpy(t->e[i].name, k, kn);
  t->e[i].count = n;
}

/* The dup_of of decision at idx (nil, false or a table) into *dup_of, and
 * in *adds the metadata it would add when the document lacks it
 * (stages.finish): ADD_TITLE, ADD_DATE, ADD_AUTHORS. Whether the lane may
 * take it at all (a dup_of that is not a string: no). */
static int lane_decision(lua_State *L, int idx, lane_str *dup_of, int *adds) {
  dup_of->s = NULL;
  *adds = 0;
  if (!lua_istable(L, idx)) return 1;
  if (lua_getfield(L, idx, "dup_of") == LUA_TSTRING) {
    dup_of->s = lua_tolstring(L, -1, &dup_of->n); /* kept alive by decs */
    lua_pop(L, 1);
    return 1;
  }
  int ok = lua_isnil(L, -1);
  lua_pop(L, 1);
  if (lua_getfield(L, idx, "title") != LUA_TNIL) *adds |= ADD_TITLE;
  if (lua_getfield(L, idx, "date") != LUA_TNIL) *adds |= ADD_DATE;
  int t = lua_getfield(L, idx, "authors");
  if (t != LUA_TNIL && (t != LUA_TTABLE || lua_rawlen(L, -1) > 0)) *adds |= ADD_AUTHORS;
  lua_pop(L, 3);
  return ok;
}

/* stet._lane2_run(spill, offs, lens, decs, from, counter | nil, threshold,
 * keep_dups, agg) -> next, records: stage 2 (stet.stages.stage2) of the
 * spilled documents from..#offs (at offs[k], lens[k], with the decision
 * decs[k], nil or false for none) up to the first the lane does not take
 * or a SIGINT. The lane takes a document whose head read_head reads, with
 * the jsonl format (or the text format: agg.text_sep, its separator) and
 * a decision that adds no metadata it lacks:
 * boilerplate, fate, tally and record as stage2 makes them. Adds each
 * one's counts to agg { n, fates, reasons, read, kept, labels } (agg.n:
 * the last one done) and returns the index of the first it did not do and
 * the records written, back to back. With agg.file (a Lua file), the
 * records go there instead, their length added to agg.written, and the
 * records returned are ""; with agg.sink (a stet._sink()), they are
 * appended to it, and the records returned are "". [-0, +2] */
/* The offset and length of spilled document k (offs and lens at 2, 3). */
static void spilled_at(lua_State *L, lua_Integer k, uint64_t *off, size_t *len) {
  lua_geti(L, 2, k);
  lua_geti(L, 3, k);
  lua_Integer o = lua_tointeger(L, -2), n = lua_tointeger(L, -1);
  lua_pop(L, 2);
  if (o < 0 || n < 4) luaL_error(L, "_lane2_run: bad spill range for document %d", (int)k);
  *off = (uint64_t)o;
  *len = (size_t)n;
}

#define WINDOW_MAX (4u << 20)

static int l_lane2_run(lua_State *L) {
  stet_spill *sp = stet_ldoc_spill(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  luaL_checktype(L, 3, LUA_TTABLE);
  luaL_checktype(L, 4, LUA_TTABLE);
  lua_Integer k = luaL_checkinteger(L, 5);
  const struct stet_counter *c = lua_isnoneornil(L, 6) ? NULL : stet_lua_tocounter_any(L, 6);
  lua_Integer threshold = luaL_optinteger(L, 7, 0);
  int keep_dups = lua_toboolean(L, 8);
  luaL_checktype(L, 9, LUA_TTABLE);
  lua_settop(L, 9);
  FILE *direct = NULL; /* agg.file: kept alive by agg */
  if (lua_getfield(L, 9, "file") != LUA_TNIL) {
    luaL_Stream *f = (luaL_Stream *)luaL_checkudata(L, -1, LUA_FILEHANDLE);
    if (!f->closef || !f->f) luaL_error(L, "agg.file is closed");
    direct = f->f;
  }
  lua_pop(L, 1);
  stet_buf *sink = NULL; /* agg.sink: kept alive by agg */
  if (lua_getfield(L, 9, "sink") != LUA_TNIL) {
    sink = stet_lua_testbuf(L, -1);
    if (!sink) luaL_error(L, "agg.sink must be a stet._sink()");
  }
  lua_pop(L, 1);
  lane_str sep_str, *text_sep = NULL; /* agg.text_sep: the text format's records */
  if (lua_getfield(L, 9, "text_sep") != LUA_TNIL) {
    sep_str.s = luaL_checklstring(L, -1, &sep_str.n); /* kept alive by agg */
    text_sep = &sep_str;
  }
  lua_pop(L, 1);
  int sub[3];
  static const char *const subs[3] = {"fates", "reasons", "labels"};
  for (int i = 0; i < 3; i++) {
    if (lua_getfield(L, 9, subs[i]) != LUA_TTABLE) luaL_error(L, "agg.%s must be a table", subs[i]);
    sub[i] = lua_gettop(L); /* 10..12 */
  }
  lua_getfield(L, 9, "read");
  lua_Integer read = lua_tointeger(L, -1);
  lua_getfield(L, 9, "kept");
  lua_Integer kept_all = lua_tointeger(L, -1);
  lua_pop(L, 2);
  lane_tally tally; /* the documents' fates, reasons and labels */
  tally.n = 0;
  stet_ldoc_new(L); /* 13: the document every one of the run goes through */
  stet_buf *out = &SCRATCH(L)->recs; /* kept from batch to batch: no growing */
  out->len = 0;
  if (sink) out = sink; /* appended to */
  lua_Integer n = (lua_Integer)lua_rawlen(L, 2), done = k - 1;
  /* documents spilled one after another are read in one go: the window
   * [win_off, win_off + win->len) of the spill file is in win. It is kept
   * from call to call, as a batch whose documents take the general way in
   * turn calls again for each (the bytes spilled never change). */
  scratch *sc = SCRATCH(L);
  stet_buf *win = &sc->win;
  if (sc->win_id != stet_spill_id(sp)) {
    sc->win_id = stet_spill_id(sp);
    win->len = 0;
  }
  uint64_t win_off = sc->win_off;
  for (; k <= n && !stet_interrupted(); k++) {
    lua_geti(L, 4, k); /* 14 */
    lane_str dup_of;
    int adds;
    if (!lane_decision(L, 14, &dup_of, &adds)) break;
    uint64_t off;
    size_t len;
    spilled_at(L, k, &off, &len);
    if (off < win_off || off + len > win_off + win->len) {
      uint64_t end = off + len;
      for (lua_Integer j = k + 1; j <= n && end - off < WINDOW_MAX; j++) {
        uint64_t o;
        size_t l;
        spilled_at(L, j, &o, &l);
        if (o != end) break;
        end = o + l;
      }
      win->len = 0;
      if (stet_buf_reserve(win, (size_t)(end - off))) return stet_lua_nomem(L);
      if (stet_spill_read(sp, off, win->data, (size_t)(end - off)))
        return stet_ldoc_spill_error(L, sp, errno);
      win_off = sc->win_off = off;
      win->len = (size_t)(end - off);
    }
    stet_buf view = {win->data + (off - win_off), len, len};
    lane2_res r = {NULL, NULL, NULL, 0};
    if (!lane2_doc(L, &view, text_sep, c, threshold, dup_of, adds, keep_dups, out, &r, 13)) break;
    stet_doc *d = lua_touserdata(L, 15); /* the run's document, at 13 too */
    /* d:tally(r.tally) into agg */
    int written = r.write;
    size_t others = 0;
    for (size_t i = 0; i < d->n; i++) {
      unsigned id = d->p[i].label;
      if (!id) {
        if (written) kept_all++;
        else others++;
      }
    }
    for (unsigned id = 1; id <= d->nlab; id++) {
      lua_Integer cnt = 0;
      for (size_t i = 0; i < d->n; i++) cnt += d->p[i].label == id;
      if (!cnt) continue;
      size_t ln;
      const char *name = stet_doc_label_name(d, id, &ln);
      tally_add(L, &tally, sub, 2, name, ln, cnt);
    }
    if (others) tally_add(L, &tally, sub, 2, r.tally, strlen(r.tally), (lua_Integer)others);
    read += (lua_Integer)d->n;
    tally_add(L, &tally, sub, 0, r.fate, strlen(r.fate), 1);
    if (r.reason) tally_add(L, &tally, sub, 1, r.reason, strlen(r.reason), 1);
    done = k;
    lua_settop(L, 13);
  }
  stet_buf_trim(win, STET_BUF_KEEP);
  stet_ldoc_release(L, lua_touserdata(L, 13));
  lua_settop(L, 13);
  tally_flush(L, &tally, sub);
  lua_pushinteger(L, read);
  lua_setfield(L, 9, "read");
  lua_pushinteger(L, kept_all);
  lua_setfield(L, 9, "kept");
  lua_pushinteger(L, done);
  lua_setfield(L, 9, "n");
  lua_pushinteger(L, k);
  if (sink) {
    lua_pushliteral(L, "");
  } else if (direct) {
    if (out->len && fwrite(out->data, 1, out->len, direct) != out->len)
      return luaL_error(L, "writing the output: %s", strerror(errno));
    lua_getfield(L, 9, "written");
    lua_Integer written = lua_tointeger(L, -1) + (lua_Integer)out->len;
    lua_pop(L, 1);
    lua_pushinteger(L, written);
    lua_setfield(L, 9, "written");
    lua_pushliteral(L, "");
  } else {
    lua_pushlstring(L, out->data ? out->data : "", out->len);
  }
  if (!sink) stet_buf_trim(out, RECS_KEEP);
  return 2;
}

void stet_lua_open_lane(lua_State *L, int up) {
  if (luaL_newmetatable(L, PLAN_META)) {
    lua_newtable(L);
    lua_pushvalue(L, up);
    lua_pushvalue(L, up);
    lua_pushcclosure(L, run_files, 1);
    lua_pushcclosure(L, p_run_chunk, 2);
    lua_setfield(L, -2, "run_chunk");
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, plan_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_pop(L, 1);
  lua_pushcfunction(L, l_lane_plan);
  lua_setfield(L, up - 1, "_lane_plan");
  lua_pushvalue(L, up);
  lua_pushcclosure(L, l_lane2_run, 1);
  lua_setfield(L, up - 1, "_lane2_run");
  lua_pushvalue(L, up);
  lua_pushvalue(L, up);
  lua_pushcclosure(L, jsonl_lines, 1);
  lua_pushcclosure(L, l_jsonl_run, 2);
  lua_setfield(L, up - 1, "_jsonl_run");
}
