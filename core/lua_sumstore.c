/* core/lua_sumstore.c: the pass-1 summaries of `stet clean`, kept in C.
 *
 * Pass 1 gives, per document, what the decisions between the passes need
 * (stet.pipeline's summaries: site, rule, fingerprints of its kept
 * paragraphs, body fingerprint and MinHash, where it was spilled). The
 * store keeps them in flat arrays, counts the paragraphs as they come, and
 * finds the duplicate clusters, so that a document the lane took never
 * becomes a Lua table in the main thread unless a cluster needs it.
 *
 *   st = stet._sumstore(counter | nil, near, bands)
 *   st:add(key, s)              a summary table (the general way of stage 1)
 *   st:add_run(blob, pos) -> pos, done, bytes_fix, general
 *                               the lane's records (plan:run_chunk) from
 *                               byte pos on, up to and past the first
 *                               marker of a document taken the general way
 *                               (general: whether it stopped at one)
 *   st:clusters() -> { { key, ... }, ... }   as stet.decisions.finish
 *   st:get(key) -> summary | nil  (a table made once, then kept)
 *   st:keys() -> { key, ... }   in the order of the adds
 *   st:dump(i) -> blob, next, key | nil
 *                               the records from index i on as 'L' records,
 *                               up to the first added as a table
 *   st:spilled(pos, max_items, max_bytes) -> keys, offs, lens, pos, bytes
 *                               the next batch of spilled documents
 *
 * Keys must be added in increasing order (input order). A summary counts
 * its kept fingerprints into counter (counter:add_all) and, unless it is
 * dropped or has no body, joins the clusters: documents with the same body
 * fingerprint, and, with near > 0, the first of each body by MinHash and
 * LSH (bands bands), joined when their estimated similarity is at least
 * near. Clusters come in order of their first key, keys in order.
 *
 * The lane's records (lane_put in core/lua_lane.c writes them) are:
 *   'G'                                  the next document went the
 *                                        general way: st:add gets it
 *   'L' i64 key, u64 off, u32 len, u32 body_len, u8 has_body_fp,
 *       u64 body_fp, i64 bytes_fix, then eight strings (u32 length, bytes;
 *       length 0xFFFFFFFF: nil): id, source, site, rule, fps, sig, title,
 *       date */
#include <stdlib.h>
#include <string.h>

#include "counter.h"
#include "lsh.h"
#include "lua_stet.h"
#include "minhash.h"

#define STORE_META "stet.sumstore"
#define NIL_LEN UINT32_MAX

enum { F_TABLE = 1, F_DROPPED = 2, F_BFP = 4, F_SPILLED = 8 };
enum { S_ID, S_SOURCE, S_SITE, S_RULE, S_FPS, S_SIG, S_TITLE, S_DATE, NSTR };

typedef struct srec {
  int64_t key;
  uint64_t off, body_fp;
  uint32_t len, body_len, flags;
  uint32_t rep;              /* the first document of the body (its index) */
  uint64_t at[NSTR];         /* in the store's blocks: block << 32 | offset */
  uint32_t slen[NSTR];       /* NIL_LEN: nil */
} srec;

typedef struct store {
  srec *r;
  size_t n, cap;
  char **blocks;             /* the strings, in blocks that never move */
  size_t nblocks, blocks_cap;
  size_t used, room;         /* in the last block: bytes used, its size */
  uint64_t *fp_keys;         /* open addressing: body fingerprint -> index + 1 */
  uint32_t *fp_vals;
  size_t fp_cap, fp_used;
  uint32_t *reps;            /* LSH signature number -> index */
  size_t nreps, reps_cap;
  stet_lsh_entry *ents;      /* their band entries, bands a signature */
  size_t nents, ents_cap;
  size_t bands, width;       /* width: bytes per band, 0 before the first signature */
  double near;
} store;

static store *check_store(lua_State *L) {
  return (store *)luaL_checkudata(L, 1, STORE_META);
}

static int st_gc(lua_State *L) {
  store *s = check_store(L);
  free(s->r);
  for (size_t b = 0; b < s->nblocks; b++) free(s->blocks[b]);
  free(s->blocks);
  free(s->fp_keys);
  free(s->fp_vals);
  free(s->reps);
  free(s->ents);
  memset(s, 0, sizeof *s);
  return 0;
}

static uint64_t mix(uint64_t h) {
  h ^= h >> 33;
  h *= UINT64_C(0xff51afd7ed558ccd);
  h ^= h >> 33;
  return h;
}

/* The index of the first document with body fingerprint fp, or -1 after
 * recording i as that first one. */
static long first_of(lua_State *L, store *s, uint64_t fp, uint32_t i) {
  if (s->fp_used * 4 >= s->fp_cap * 3) {
    size_t cap = s->fp_cap ? s->fp_cap * 2 : 1024;
    uint64_t *k = calloc(cap, sizeof *k);
    uint32_t *v = calloc(cap, sizeof *v);
    if (!k || !v) {
      free(k);
      free(v);
      stet_lua_nomem(L);
    }
    for (size_t j = 0; j < s->fp_cap; j++) {
      if (!s->fp_vals[j]) continue;
      size_t p = mix(s->fp_keys[j]) & (cap - 1);
      while (v[p]) p = (p + 1) & (cap - 1);
      k[p] = s->fp_keys[j];
      v[p] = s->fp_vals[j];
    }
    free(s->fp_keys);
    free(s->fp_vals);
    s->fp_keys = k;
    s->fp_vals = v;
    s->fp_cap = cap;
  }
  size_t p = mix(fp) & (s->fp_cap - 1);
  while (s->fp_vals[p]) {
    if (s->fp_keys[p] == fp) return (long)s->fp_vals[p] - 1;
    p = (p + 1) & (s->fp_cap - 1);
  }
  s->fp_keys[p] = fp;
  s->fp_vals[p] = i + 1;
  s->fp_used++;
  return -1;
}

static const char *str_of(const store *s, const srec *r, int k, size_t *n) {
  if (r->slen[k] == NIL_LEN) return NULL;
  *n = r->slen[k];
  return s->blocks[r->at[k] >> 32] + (uint32_t)r->at[k];
}

/* Counts and clusters the record just appended (index s->n - 1). */
static void take(lua_State *L, store *s, stet_counter *c) {
  uint32_t i = (uint32_t)(s->n - 1);
  srec *r = &s->r[i];
  r->rep = i;
  if (r->flags & F_DROPPED) return;
  size_t fl = 0, sl = 0;
  const char *fps = str_of(s, r, S_FPS, &fl);
  const char *site = str_of(s, r, S_SITE, &sl);
  if (c && fps && fl >= 8) {
    uint32_t id;
    if (stet_counter_site(c, site ? site : "", site ? sl : 0, &id)) stet_lua_nomem(L);
    if (stet_counter_add_packed(c, (const unsigned char *)fps, fl, id, (uint64_t)r->key))
      stet_lua_nomem(L);
  }
  if (!(r->flags & F_BFP)) return;
  long f = first_of(L, s, r->body_fp, i);
  r = &s->r[i];
  if (f >= 0) {
    r->rep = (uint32_t)f;
    return;
  }
  size_t gl;
  const char *sig = str_of(s, r, S_SIG, &gl);
  if (s->near <= 0 || !sig) return;
  if (gl < STET_MH_HEADER) luaL_error(L, "stet clean: a signature of %d bytes", (int)gl);
  size_t values = (gl - STET_MH_HEADER) / 4;
  if (!s->width) {
    if (values % s->bands)
      luaL_error(L, "stet clean: %d hashes do not split into %d bands", (int)values, (int)s->bands);
    s->width = values / s->bands * 4;
  }
  if (values * 4 != s->bands * s->width) luaL_error(L, "stet clean: signatures of two sizes");
  if (s->nreps >= STET_LSH_MAX_SIGS(s->bands))
    luaL_error(L, "stet clean: more than %I distinct bodies for near-duplicate detection in one run; "
               "split the input into shards (README: Many cores, many machines)",
               (lua_Integer)STET_LSH_MAX_SIGS(s->bands));
  if (s->nreps == s->reps_cap) {
    size_t cap = s->reps_cap ? s->reps_cap * 2 : 1024;
    uint32_t *p = realloc(s->reps, cap * sizeof *p);
    stet_lsh_entry *e = p ? realloc(s->ents, cap * s->bands * sizeof *e) : NULL;
    if (p) s->reps = p;
    if (!e) stet_lua_nomem(L);
    s->ents = e;
    s->reps_cap = cap;
  }
  /* the signature stays in the store's bytes; its band hashes wait for
   * st:clusters, which sorts them (no table probed per document) */
  stet_lsh_entries(s->bands, s->width, (const unsigned char *)sig + STET_MH_HEADER,
                   (uint32_t)s->nreps, s->ents + s->nents);
  s->nents += s->bands;
  s->reps[s->nreps++] = i;
}

/* The signature values of LSH signature number k (stet_lsh_values_fn). */
static const unsigned char *rep_values(void *ud, uint32_t k) {
  const store *s = ud;
  size_t n;
  return (const unsigned char *)str_of(s, &s->r[s->reps[k]], S_SIG, &n) + STET_MH_HEADER;
}

/* Appends an empty record for key. */
static srec *new_rec(lua_State *L, store *s, int64_t key) {
  if (s->n && key <= s->r[s->n - 1].key) luaL_error(L, "sumstore: keys must increase");
  if (s->n == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 1024;
    srec *p = realloc(s->r, cap * sizeof *p);
    if (!p) stet_lua_nomem(L);
    s->r = p;
    s->cap = cap;
  }
  srec *r = &s->r[s->n++];
  memset(r, 0, sizeof *r);
  r->key = key;
  for (int k = 0; k < NSTR; k++) r->slen[k] = NIL_LEN;
  return r;
}

/* The strings go into blocks of BLOCK bytes (or one of their own when
 * longer), which never move: a store that grows copies nothing, where one
 * buffer grown by realloc copied it all again at each step. */
#define BLOCK ((size_t)4 << 20)

static void put_str(lua_State *L, store *s, srec *r, int k, const char *p, size_t n) {
  if (!p) return;
  if (n >= NIL_LEN) luaL_error(L, "sumstore: string too long");
  if (s->nblocks == 0 || s->room - s->used < n) {
    if (s->nblocks == s->blocks_cap) {
      size_t cap = s->blocks_cap ? 2 * s->blocks_cap : 16;
      char **b = realloc(s->blocks, cap * sizeof *b);
      if (!b) stet_lua_nomem(L);
      s->blocks = b;
      s->blocks_cap = cap;
    }
    size_t room = n > BLOCK ? n : BLOCK;
    char *blk = malloc(room);
    if (!blk) stet_lua_nomem(L);
    s->blocks[s->nblocks++] = blk;
    s->used = 0;
    s->room = room;
  }
  r->at[k] = (uint64_t)(s->nblocks - 1) << 32 | s->used;
  r->slen[k] = (uint32_t)n;
  if (n) memcpy(s->blocks[s->nblocks - 1] + s->used, p, n);
  s->used += n;
}

/* The counter the store counts into: its uservalue 2. */
static stet_counter *store_counter(lua_State *L) {
  stet_counter *c = NULL;
  if (lua_getiuservalue(L, 1, 2) != LUA_TNIL) c = stet_lua_checkcounter(L, -1);
  lua_pop(L, 1);
  return c;
}

/* st:add(key, s) */
static int st_add(lua_State *L) {
  store *s = check_store(L);
  int64_t key = (int64_t)luaL_checkinteger(L, 2);
  luaL_checktype(L, 3, LUA_TTABLE);
  lua_settop(L, 3);
  stet_counter *c = store_counter(L);
  srec *r = new_rec(L, s, key);
  r->flags = F_TABLE;
  static const char *const names[NSTR] = {"id",  "source", "site",  "rule",
                                          "fps", "sig",    "title", "date"};
  for (int k = 0; k < NSTR; k++) {
    if (lua_getfield(L, 3, names[k]) == LUA_TSTRING) {
      size_t n;
      const char *p = lua_tolstring(L, -1, &n);
      put_str(L, s, r, k, p, n);
    }
    lua_pop(L, 1);
  }
  if (lua_getfield(L, 3, "dropped") != LUA_TNIL && lua_toboolean(L, -1)) r->flags |= F_DROPPED;
  if (lua_getfield(L, 3, "body_fp") == LUA_TNUMBER) {
    r->flags |= F_BFP;
    r->body_fp = (uint64_t)lua_tointeger(L, -1);
  }
  if (lua_getfield(L, 3, "off") == LUA_TNUMBER) {
    r->flags |= F_SPILLED;
    r->off = (uint64_t)lua_tointeger(L, -1);
  }
  lua_getfield(L, 3, "len");
  r->len = (uint32_t)lua_tointeger(L, -1);
  lua_getfield(L, 3, "body_len");
  r->body_len = (uint32_t)lua_tointeger(L, -1);
  lua_settop(L, 3);
  /* the table itself is what st:get gives back */
  lua_getiuservalue(L, 1, 1);
  lua_pushvalue(L, 3);
  lua_rawseti(L, -2, (lua_Integer)key);
  lua_pop(L, 1);
  take(L, s, c);
  return 0;
}

/* Does an 'L' record start at p and end by end? */
static int whole_record(const unsigned char *p, const unsigned char *end) {
  size_t need = 1 + 8 + 8 + 4 + 4 + 1 + 8 + 8;
  for (int k = 0; k < NSTR; k++) {
    if ((size_t)(end - p) < need + 4) return 0;
    uint32_t sl;
    memcpy(&sl, p + need, 4);
    need += 4 + (sl == NIL_LEN ? 0 : sl);
  }
  return (size_t)(end - p) >= need;
}

typedef struct rd {
  const unsigned char *p, *end;
} rd;

static int rd_take(rd *b, void *out, size_t n) {
  if ((size_t)(b->end - b->p) < n) return -1;
  memcpy(out, b->p, n);
  b->p += n;
  return 0;
}

/* st:add_run(blob, pos [, partial]) -> pos, done, bytes_fix, general: the
 * 'L' records from byte pos (0-based) on, up to and past the first 'G' or
 * the end; done: how many records ('L' and 'G') it read. A record cut off
 * by the end of blob is an error, or with partial where the returned pos
 * stops (at its tag): a file read in blocks goes on from there. */
static int st_add_run(lua_State *L) {
  store *s = check_store(L);
  size_t n;
  const char *blob = luaL_checklstring(L, 2, &n);
  lua_Integer pos = luaL_checkinteger(L, 3);
  luaL_argcheck(L, pos >= 0 && (size_t)pos <= n, 3, "out of range");
  int partial = lua_toboolean(L, 4);
  lua_settop(L, 3);
  stet_counter *c = store_counter(L);
  rd b = {(const unsigned char *)blob + pos, (const unsigned char *)blob + n};
  lua_Integer done = 0, fix = 0;
  int general = 0;
  while (b.p < b.end) {
    const unsigned char *start = b.p;
    unsigned char tag = *b.p++;
    if (tag == 'G') {
      done++;
      general = 1;
      break;
    }
    if (tag != 'L') return luaL_error(L, "sumstore: bad record");
    if (partial && !whole_record(start, b.end)) {
      b.p = start;
      break;
    }
    done++;
    int64_t key, bytes_fix;
    uint64_t off, body_fp;
    uint32_t len, body_len;
    unsigned char has_bfp;
    if (rd_take(&b, &key, 8) || rd_take(&b, &off, 8) || rd_take(&b, &len, 4) ||
        rd_take(&b, &body_len, 4) || rd_take(&b, &has_bfp, 1) || rd_take(&b, &body_fp, 8) ||
        rd_take(&b, &bytes_fix, 8))
      return luaL_error(L, "sumstore: truncated record");
    srec *r = new_rec(L, s, key);
    r->off = off;
    r->len = len;
    r->body_len = body_len;
    r->body_fp = body_fp;
    r->flags = F_SPILLED | (has_bfp ? F_BFP : 0);
    for (int k = 0; k < NSTR; k++) {
      uint32_t sl;
      if (rd_take(&b, &sl, 4)) return luaL_error(L, "sumstore: truncated record");
      if (sl == NIL_LEN) continue;
      if ((size_t)(b.end - b.p) < sl) return luaL_error(L, "sumstore: truncated record");
      put_str(L, s, r, k, (const char *)b.p, sl);
      b.p += sl;
    }
    fix += bytes_fix;
    take(L, s, c);
  }
  lua_pushinteger(L, (lua_Integer)(b.p - (const unsigned char *)blob));
  lua_pushinteger(L, done);
  lua_pushinteger(L, fix);
  lua_pushboolean(L, general);
  return 4;
}

/* The index of the record with key, or -1. */
static long find_key(const store *s, int64_t key) {
  size_t lo = 0, hi = s->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (s->r[mid].key < key) lo = mid + 1;
    else hi = mid;
  }
  return lo < s->n && s->r[lo].key == key ? (long)lo : -1;
}

/* st:get(key) -> the summary table (made from the record once). */
static int st_get(lua_State *L) {
  store *s = check_store(L);
  lua_Integer key = luaL_checkinteger(L, 2);
  lua_getiuservalue(L, 1, 1); /* 3 */
  if (lua_rawgeti(L, 3, key) != LUA_TNIL) return 1;
  long i = find_key(s, (int64_t)key);
  if (i < 0) return 1;
  const srec *r = &s->r[i];
  lua_createtable(L, 0, 12);
  static const char *const names[NSTR] = {"id",  "source", "site",  "rule",
                                          "fps", "sig",    "title", "date"};
  for (int k = 0; k < NSTR; k++) {
    size_t n;
    const char *p = str_of(s, r, k, &n);
    if (!p) continue;
    lua_pushlstring(L, p, n);
    lua_setfield(L, -2, names[k]);
  }
  lua_pushinteger(L, key);
  lua_setfield(L, -2, "index");
  lua_pushinteger(L, (lua_Integer)r->body_len);
  lua_setfield(L, -2, "body_len");
  if (r->flags & F_BFP) {
    lua_pushinteger(L, (lua_Integer)r->body_fp);
    lua_setfield(L, -2, "body_fp");
  }
  lua_pushinteger(L, (lua_Integer)r->off);
  lua_setfield(L, -2, "off");
  lua_pushinteger(L, (lua_Integer)r->len);
  lua_setfield(L, -2, "len");
  lua_pushvalue(L, -1);
  lua_rawseti(L, 3, key);
  return 1;
}

/* st:keys() -> { key, ... } */
static int st_keys(lua_State *L) {
  store *s = check_store(L);
  lua_createtable(L, (int)s->n, 0);
  for (size_t i = 0; i < s->n; i++) {
    lua_pushinteger(L, (lua_Integer)s->r[i].key);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

/* st:clusters() */
static int st_clusters(lua_State *L) {
  store *s = check_store(L);
  size_t n = s->n;
  /* cluster[i]: the index of the first record of i's cluster */
  stet_buf *box = stet_lua_newbuf(L);
  if (stet_buf_reserve(box, (2 * n + s->nreps + 1) * sizeof(uint32_t))) return stet_lua_nomem(L);
  uint32_t *cl = (uint32_t *)(void *)box->data, *size = cl + n, *root = size + n;
  if (s->nreps > 1) {
    if (stet_lsh_cluster_entries(s->ents, s->nents, s->nreps, s->bands, s->width, rep_values, s,
                                 s->near, root))
      return stet_lua_nomem(L);
    for (size_t k = 0; k < s->nreps; k++) s->r[s->reps[k]].rep = s->reps[root[k]];
  }
  /* a first body takes its LSH cluster's first (a smaller index: the
   * first rep, in input order); a copy takes its first body's */
  memset(size, 0, n * sizeof *size);
  for (size_t i = 0; i < n; i++) {
    const srec *r = &s->r[i];
    cl[i] = UINT32_MAX;
    if ((r->flags & F_DROPPED) || !(r->flags & F_BFP)) continue;
    uint32_t c = r->rep;
    if (c != i) c = cl[c] != UINT32_MAX ? cl[c] : c;
    cl[i] = c;
    size[c]++;
  }
  lua_newtable(L);
  int out = lua_gettop(L);
  lua_Integer ngroups = 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t c = cl[i];
    if (c == UINT32_MAX || size[c] < 2) continue;
    if (c == i) { /* the first of its cluster: size[c] becomes its group's number */
      lua_createtable(L, (int)size[c], 0);
      lua_rawseti(L, out, ++ngroups);
      size[c] = (uint32_t)ngroups + n; /* > any count: marks "numbered" */
    }
    lua_rawgeti(L, out, (lua_Integer)(size[c] - n));
    lua_pushinteger(L, (lua_Integer)s->r[i].key);
    lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
    lua_pop(L, 1);
  }
  return 1;
}

/* st:spilled(pos, max_items, max_bytes) -> keys, offs, lens, pos, bytes:
 * the spilled records from index pos (1-based) on. */
static int st_spilled(lua_State *L) {
  store *s = check_store(L);
  lua_Integer pos = luaL_checkinteger(L, 2), max_items = luaL_checkinteger(L, 3);
  lua_Integer max_bytes = luaL_checkinteger(L, 4);
  lua_createtable(L, (int)max_items, 0);
  lua_createtable(L, (int)max_items, 0);
  lua_createtable(L, (int)max_items, 0);
  lua_Integer j = 0, bytes = 0;
  size_t i = pos > 0 ? (size_t)pos - 1 : 0;
  for (; i < s->n && j < max_items && bytes < max_bytes; i++) {
    const srec *r = &s->r[i];
    if (!(r->flags & F_SPILLED)) continue;
    j++;
    lua_pushinteger(L, (lua_Integer)r->key);
    lua_rawseti(L, -4, j);
    lua_pushinteger(L, (lua_Integer)r->off);
    lua_rawseti(L, -3, j);
    lua_pushinteger(L, (lua_Integer)r->len);
    lua_rawseti(L, -2, j);
    bytes += r->len;
  }
  lua_pushinteger(L, (lua_Integer)i + 1);
  lua_pushinteger(L, bytes);
  return 5;
}

/* Does the summary table added for key hold nothing an 'L' record cannot:
 * no authors, not dropped? (The tables of uservalue idx; the buffer of
 * st_dump sits above it, so this leaves the stack as it found it.) */
static int plain_table(lua_State *L, int idx, int64_t key) {
  if (lua_rawgeti(L, idx, (lua_Integer)key) != LUA_TTABLE) {
    lua_pop(L, 1);
    return 0;
  }
  int plain = lua_getfield(L, -1, "authors") == LUA_TNIL;
  plain = lua_getfield(L, -2, "dropped") == LUA_TNIL && plain;
  lua_pop(L, 3);
  return plain;
}

/* st:dump(i) -> blob, next, key | nil: the records from index i (0-based)
 * on as 'L' records (add_run's form, where off, len and bytes_fix are 0:
 * no spill goes with them), up to the first record added as a table that
 * an 'L' record cannot hold (authors, or dropped), or the end; next is that
 * record's index and key its key (nil at the end). A table like a lane
 * record's is written as one, so that the lane and the general way give
 * the same bytes. A signature file is these records, each other table one
 * packed by the caller (stet.shards), so that reading it back is add_run
 * again. */
static int st_dump(lua_State *L) {
  store *s = check_store(L);
  lua_Integer from = luaL_checkinteger(L, 2);
  luaL_argcheck(L, from >= 0 && (size_t)from <= s->n, 2, "out of range");
  lua_settop(L, 2);
  lua_getiuservalue(L, 1, 1); /* 3: the tables added */
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  size_t i = (size_t)from;
  for (; i < s->n; i++) {
    const srec *r = &s->r[i];
    if ((r->flags & F_TABLE) && !plain_table(L, 3, r->key)) break;
    int64_t key = r->key, fix = 0;
    uint64_t off = 0, body_fp = r->body_fp;
    uint32_t len = 0, body_len = r->body_len;
    unsigned char has_bfp = (r->flags & F_BFP) != 0;
    luaL_addchar(&b, 'L');
    luaL_addlstring(&b, (const char *)&key, 8);
    luaL_addlstring(&b, (const char *)&off, 8);
    luaL_addlstring(&b, (const char *)&len, 4);
    luaL_addlstring(&b, (const char *)&body_len, 4);
    luaL_addlstring(&b, (const char *)&has_bfp, 1);
    luaL_addlstring(&b, (const char *)&body_fp, 8);
    luaL_addlstring(&b, (const char *)&fix, 8);
    for (int k = 0; k < NSTR; k++) {
      size_t n = 0;
      const char *p = str_of(s, r, k, &n);
      uint32_t sl = p ? (uint32_t)n : NIL_LEN;
      luaL_addlstring(&b, (const char *)&sl, 4);
      if (p) luaL_addlstring(&b, p, n);
    }
  }
  luaL_pushresult(&b);
  lua_pushinteger(L, (lua_Integer)i);
  if (i < s->n) lua_pushinteger(L, (lua_Integer)s->r[i].key);
  else lua_pushnil(L);
  return 3;
}

static int st_len(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)check_store(L)->n);
  return 1;
}

/* stet._sumstore(counter | nil, near, bands) -> st */
static int l_sumstore(lua_State *L) {
  double near = luaL_optnumber(L, 2, 0);
  lua_Integer bands = luaL_optinteger(L, 3, 14);
  luaL_argcheck(L, bands >= 1 && bands <= 65536, 3, "must be in 1..65536");
  if (!lua_isnoneornil(L, 1)) stet_lua_checkcounter(L, 1);
  store *s = lua_newuserdatauv(L, sizeof *s, 2);
  memset(s, 0, sizeof *s);
  s->near = near;
  s->bands = (size_t)bands;
  luaL_setmetatable(L, STORE_META);
  lua_newtable(L);
  lua_setiuservalue(L, -2, 1);
  lua_pushvalue(L, 1);
  lua_setiuservalue(L, -2, 2);
  return 1;
}

static const luaL_Reg methods[] = {
  {"add", st_add}, {"add_run", st_add_run}, {"clusters", st_clusters}, {"get", st_get},
  {"keys", st_keys}, {"spilled", st_spilled}, {"dump", st_dump}, {NULL, NULL},
};

void stet_lua_open_sumstore(lua_State *L) {
  if (luaL_newmetatable(L, STORE_META)) {
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, st_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, st_len);
    lua_setfield(L, -2, "__len");
  }
  lua_pop(L, 1);
  lua_pushcfunction(L, l_sumstore);
  lua_setfield(L, -2, "_sumstore");
}
