/* core/lua_document.c: the document of stet.document and stet.pipeline as
 * a userdata (core/doc.h), so a document goes through the cleaning passes
 * with its paragraphs in C and Lua only touches what a rule asks for.
 *
 *   stet._doc(text, lines) -> d          paragraphs of normalized text
 *   stet._doc_file(path, size, norm_opts, lines) -> d, bytes | nil
 *                                        the same, of a plain text file
 *   stet._sniff_binary                   a NUL in this many first bytes:
 *                                        a binary file, not text
 *   stet._doc_load(bytes) -> d, head     a document from d:dump([head])
 *   #d, d:text(i), d:fp(i), d:label(i), d:marker(i), d:count(i)
 *   d:set_text(i, s), d:set_label(i, label|nil), d:set_marker(i, name)
 *   d:split_line(i) -> split?            first line into a paragraph of its own
 *   d:cut(set, first) -> i, k | nil      first kept paragraph >= first that a
 *                                        pattern of set matches; it and all
 *                                        after it get the label "cut"
 *   d:scan(set, first, last, limit, pos_of, labels, fns) -> checks
 *   d:boilerplate(counter, site, threshold) -> dropped
 *   d:body([sep]) -> text, kept          kept texts joined (default "\n\n")
 *   d:body_json() -> literal, kept       the JSON string literal of d:body()
 *   d:summary([shingle, hashes]) -> kept, body_len, fps, body_fp, sig
 *   d:tally(fate) -> read, kept, labels
 *   d:dump([head]) -> bytes              the document after a string head
 *   d:tables() -> paragraphs             { text, index, fp, drop, marker, count }
 *   d:load_tables(paragraphs)            the document from such tables
 *   d:release()                          empty it; its buffers serve the next
 *   stet._spill([dir [, discard]]) -> sp a spill file (core/spill.h) in dir: sp:address(),
 *                                        sp:dir(), sp:size(), sp:close(); with
 *                                        discard, one that keeps nothing
 *   d:spill(sp, [head]) -> off, len      d:dump(head) appended to it
 *   stet._doc_unspill(sp, off, len) -> d, head
 *   stet._spill_append(sp, bytes | sink) -> off
 *   stet._spill_send(sp, off, len, file)  that range written to a Lua file
 * (sp may also be its address, from a worker thread's state)
 *
 * Indices are 1-based. The fingerprint, MinHash and body buffers are
 * scratch shared by all documents of a Lua state (an upvalue). */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "counter.h"
#include "decompress.h"
#include "doc.h"
#include "fingerprint.h"
#include "json.h"
#include "lua_document.h"
#include "lua_stet.h"
#include "luapat.h"
#include "minhash.h"
#include "normalize.h"
#include "spill.h"

#define SCRATCH_META "stet.doc_scratch"
#define SPILL_META "stet.spill"

stet_doc *stet_ldoc_check(lua_State *L, int idx) {
  return (stet_doc *)luaL_checkudata(L, idx, DOC_META);
}

/* Paragraph index argument (1-based) as a 0-based index. */
static size_t check_index(lua_State *L, const stet_doc *d, int idx) {
  lua_Integer i = luaL_checkinteger(L, idx);
  luaL_argcheck(L, i >= 1 && (size_t)i <= d->n, idx, "paragraph index out of range");
  return (size_t)i - 1;
}

/* A new empty document, with the buffers of the last released one when
 * there is one (so a run does not allocate them for every document). */
stet_doc *stet_ldoc_new(lua_State *L) {
  scratch *sc = SCRATCH(L);
  stet_doc *d = lua_newuserdatauv(L, sizeof *d, 0);
  stet_doc init = STET_DOC_INIT;
  *d = init;
  luaL_setmetatable(L, DOC_META);
  if (sc->has_spare) {
    *d = sc->spare;
    sc->spare = init;
    sc->has_spare = 0;
    stet_doc_clear(d);
  }
  return d;
}

stet_doc *stet_ldoc_renew(lua_State *L, int idx) {
  stet_doc *d = lua_touserdata(L, idx); /* a document its caller made (no type check per use) */
  scratch *sc = SCRATCH(L);
  if (!d->p && !d->text.data && sc->has_spare) { /* released: take the spare buffers */
    stet_doc init = STET_DOC_INIT;
    *d = sc->spare;
    sc->spare = init;
    sc->has_spare = 0;
  }
  stet_doc_clear(d);
  lua_pushvalue(L, idx);
  return d;
}

/* A label id for the string at idx, raising on too many or ENOMEM. */
uint16_t stet_ldoc_label_arg(lua_State *L, stet_doc *d, int idx) {
  size_t n;
  const char *s = luaL_checklstring(L, idx, &n);
  int id = stet_doc_label(d, s, n);
  if (id < 0) return (uint16_t)stet_lua_nomem(L);
  if (id == 0) luaL_error(L, "too many drop labels in one document");
  return (uint16_t)id;
}

static void push_label(lua_State *L, const stet_doc *d, unsigned id) {
  if (!id) {
    lua_pushnil(L);
    return;
  }
  size_t len;
  const char *s = stet_doc_label_name(d, id, &len);
  lua_pushlstring(L, s, len);
}

/* stet._doc(text, lines) -> d [-0, +1] */
static int l_doc(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  int lines = lua_toboolean(L, 2);
  stet_doc *d = stet_ldoc_new(L);
  if (stet_doc_split(d, &SCRATCH(L)->fp, s, n, lines)) return stet_lua_nomem(L);
  return 1;
}


/* stet._doc_file(path, size, norm_opts, lines) -> d, bytes | nil: what
 * stet._doc(stet.normalize(stet.read_file(path, size), norm_opts), lines)
 * makes, without the file's text or its normalized text becoming Lua
 * strings (a gzip or zstd file decompressed); bytes is the text's length.
 * nil when the file is anything but a text document (unreadable, binary,
 * a broken stream): the caller takes the general way, which also says
 * why. [-0, +1|2] */
/* The folder of path, open, for reading the files of a folder walk one
 * after the other: the folder of the last file stays open, so that the
 * kernel looks up one name per file, not the whole path. Sets *name to
 * the path's last part. AT_FDCWD, with *name the path, when the path has
 * no folder part or its folder does not open. */
static int folder_of(scratch *sc, const char *path, const char **name) {
  const char *slash = strrchr(path, '/');
  *name = path;
  if (!slash || !slash[1]) return AT_FDCWD;
  size_t n = (size_t)(slash - path);
  if (sc->dirfd >= 0 && sc->dir.len == n && memcmp(sc->dir.data, path, n) == 0) {
    *name = slash + 1;
    return sc->dirfd;
  }
  if (sc->dirfd >= 0) close(sc->dirfd);
  sc->dirfd = -1;
  sc->dir.len = 0;
  if (stet_buf_append(&sc->dir, path, n) || stet_buf_append(&sc->dir, "", 1)) return AT_FDCWD;
  sc->dir.len = n;
  sc->dirfd = open(n ? sc->dir.data : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (sc->dirfd < 0) return AT_FDCWD;
  *name = slash + 1;
  return sc->dirfd;
}

int stet_ldoc_from_file(lua_State *L, const char *path, lua_Integer size,
                        const stet_norm_opts *o, int lines, size_t *bytes, int reuse) {
  scratch *sc = SCRATCH(L);
  char err[600];
  sc->raw.len = 0;
  const char *name;
  int dirfd = folder_of(sc, path, &name);
  int rc = stet_read_plain_file_at(dirfd, name, path, (long long)size, &sc->raw, err, sizeof err);
  if (rc < 0 || (rc == 1 && stet_read_stream(path, &sc->raw, err, sizeof err))) return 1;
  const char *s = sc->raw.data ? sc->raw.data : "";
  size_t n = sc->raw.len;
  if (stet_sniff_binary(s, n)) return 1;
  *bytes = n;
  stet_ldoc_from_raw(L, o, lines, reuse);
  return 0;
}

void stet_ldoc_from_raw(lua_State *L, const stet_norm_opts *o, int lines, int reuse) {
  scratch *sc = SCRATCH(L);
  const char *s = sc->raw.data ? sc->raw.data : "";
  size_t n = sc->raw.len;
  sc->norm.len = 0;
  stet_norm_stats st = {0, 0};
  int r = stet_normalize(s, n, o, &sc->norm, &st);
  if (r < 0) stet_lua_nomem(L);
  stet_doc *d = reuse ? stet_ldoc_renew(L, reuse) : stet_ldoc_new(L);
  /* a document used again takes the buffer its text is in (and leaves its
   * old one); a new one gets a copy, in a buffer of its size */
  stet_buf *src = r == 1 ? &sc->norm : &sc->raw;
  if (reuse ? stet_doc_split_take(d, &sc->fp, src, lines)
            : stet_doc_split(d, &sc->fp, src->data ? src->data : "", src->len, lines))
    stet_lua_nomem(L);
  stet_buf_trim(&sc->raw, STET_BUF_KEEP);
  stet_buf_trim(&sc->norm, STET_BUF_KEEP);
}

static int l_doc_file(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  lua_Integer size = luaL_optinteger(L, 2, -1);
  stet_norm_opts o;
  stet_lua_norm_opts(L, 3, &o);
  size_t bytes;
  if (stet_ldoc_from_file(L, path, size, &o, lua_toboolean(L, 4), &bytes, 0)) {
    lua_pushnil(L);
    return 1;
  }
  lua_pushinteger(L, (lua_Integer)bytes);
  return 2;
}

/* The bytes of d:dump(head) and d:spill: a u32 length and the head (the
 * head argument at idx, "" when absent), then the document, into b.
 * Raises on a bad head or ENOMEM. */
int stet_ldoc_frame(const stet_doc *d, const char *head, size_t hlen, stet_buf *b) {
  uint32_t h32 = (uint32_t)hlen;
  if (stet_buf_append(b, &h32, 4) || stet_buf_append(b, head, hlen) || stet_doc_dump(d, b))
    return -1;
  return 0;
}

static void frame_dump(lua_State *L, stet_doc *d, int idx, stet_buf *b) {
  size_t hlen;
  const char *head = luaL_optlstring(L, idx, "", &hlen);
  luaL_argcheck(L, hlen <= UINT32_MAX, idx, "too long");
  if (stet_ldoc_frame(d, head, hlen, b)) stet_lua_nomem(L);
}

/* Pushes the document and head framed in s[0..n) (frame_dump). [-0, +2] */
static int push_framed(lua_State *L, const char *s, size_t n) {
  uint32_t hlen = 0;
  if (n >= 4) memcpy(&hlen, s, 4);
  if (n < 4 || n - 4 < hlen) return luaL_error(L, "not a dumped document");
  stet_doc *d = stet_ldoc_new(L);
  int rc = stet_doc_load(d, s + 4 + hlen, n - 4 - hlen);
  if (rc == -1) return stet_lua_nomem(L);
  if (rc) return luaL_error(L, "not a dumped document");
  lua_pushlstring(L, s + 4, hlen);
  return 2;
}

/* stet._doc_load(bytes) -> d, head: the document and head of d:dump(head).
 * [-0, +2] */
static int l_doc_load(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  return push_framed(L, s, n);
}

static int d_len(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)stet_ldoc_check(L, 1)->n);
  return 1;
}

static int d_text(lua_State *L) {
  stet_doc *d = stet_ldoc_check(L, 1);
  size_t i = check_index(L, d, 2);
  lua_pushlstring(L, d->text.data + d->p[i].off, d->p[i].len);
  return 1;
}

static int d_fp(lua_State *L) {
  stet_doc *d = stet_ldoc_check(L, 1);
  lua_pushinteger(L, (lua_Integer)d->p[check_index(L, d, 2)].fp);
  return 1;
}

static int d_label(lua_State *L) {
  stet_doc *d = stet_ldoc_check(L, 1);
  push_label(L, d, d->p[check_index(L, d, 2)].label);
  return 1;
}

static int d_marker(lua_State *L) {
  stet_doc *d = stet_ldoc_check(L, 1);
  push_label(L, d, d->p[check_index(L, d, 2)].marker);
  return 1;
}

static int d_count(lua_State *L) {
  stet_doc *d = stet_ldoc_check(L, 1);
  uint32_t c = d->p[check_index(L, d, 2)].count;
  if (c) lua_pushinteger(L, (lua_Integer)c);
  else lua_pushnil(L);
  return 1;
}

static int d_set_text(lua_State *L) {
  stet_doc *d = stet_ldoc_check(L, 1);
  size_t i = check_index(L, d, 2), n;
  const char *s = luaL_checklstring(L, 3, &n);
  if (stet_doc_set_text(d, &SCRATCH(L)->fp, i, s, n)) return stet_lua_nomem(L);
  return 0;
}

static int d_set_label(lua_State *L) {
  stet_doc *d = stet_ldoc_check(L, 1);
  size_t i = check_index(L, d, 2);
  d->p[i].label = lua_isnoneornil(L, 3) ? 0 : stet_ldoc_label_arg(L, d, 3);
  return 0;
}

static int d_set_marker(lua_State *L) {
  stet_doc *d = stet_ldoc_check(L, 1);
  size_t i = check_index(L, d, 2);
  d->p[i].marker = lua_isnoneornil(L, 3) ? 0 : stet_ldoc_label_arg(L, d, 3);
  return 0;
}

static int d_split_line(lua_State *L) {
  stet_doc *d = stet_ldoc_check(L, 1);
  size_t i = check_index(L, d, 2);
  int rc = stet_doc_split_line(d, &SCRATCH(L)->fp, i);
  if (rc < 0) return stet_lua_nomem(L);
  lua_pushboolean(L, rc);
  return 1;
}

/* d:cut(set, first) -> i, k | nil [-0, +2|1] */
static int d_cut(lua_State *L) {
  stet_doc *d = stet_ldoc_check(L, 1);
  size_t steps;
  const stet_patset *set = stet_lua_checkpatset(L, 2, &steps);
  lua_Integer first = luaL_checkinteger(L, 3);
  for (size_t i = first > 1 ? (size_t)first - 1 : 0; i < d->n; i++) {
    stet_para *q = &d->p[i];
    if (q->label) continue;
    size_t k;
    int rc = stet_patset_first(set, d->text.data + q->off, q->len, 0, steps, &k);
    if (rc < 0) continue; /* a pattern too complex for this paragraph does not cut */
    if (rc == STET_PAT_NOMATCH) continue;
    lua_pushliteral(L, "cut");
    uint16_t cut = stet_ldoc_label_arg(L, d, -1);
    lua_pop(L, 1);
    for (size_t j = i; j < d->n; j++)
      if (!d->p[j].label) d->p[j].label = cut;
    lua_pushinteger(L, (lua_Integer)i + 1);
    lua_pushinteger(L, (lua_Integer)k + 1);
    return 2;
  }
  lua_pushnil(L);
  return 1;
}

/* d:scan(set, first, last, limit, pos_of, labels, fns) -> checks
 * The drop loop of stet.document in one call. For each kept paragraph
 * first..last at most limit bytes long (limit 0: any), finds the first
 * matching pattern k. When a function matcher that comes before it in the
 * rule (fns[j] = { pos, max_length, contains }, sorted by pos; pos_of[k] is
 * pattern k's position) could match the paragraph, the paragraph is left to
 * Lua: its index and pattern position (0: none) are appended to the
 * returned array. Otherwise a match labels it labels[k]. Raises on a
 * pattern error. [-0, +1] */


static int d_scan(lua_State *L) {
  stet_doc *d = stet_ldoc_check(L, 1);
  size_t steps;
  const stet_patset *set = stet_lua_checkpatset(L, 2, &steps);
  lua_Integer first = luaL_checkinteger(L, 3), last = luaL_checkinteger(L, 4);
  lua_Integer limit = luaL_checkinteger(L, 5);
  luaL_checktype(L, 6, LUA_TTABLE);
  luaL_checktype(L, 7, LUA_TTABLE);
  luaL_checktype(L, 8, LUA_TTABLE);
  fn_spec fns[MAX_FNS];
  lua_Integer nfns = luaL_len(L, 8);
  luaL_argcheck(L, nfns <= MAX_FNS, 8, "too many function matchers");
  for (lua_Integer j = 0; j < nfns; j++) {
    lua_geti(L, 8, j + 1);
    lua_getfield(L, -1, "pos");
    fns[j].pos = lua_tointeger(L, -1);
    lua_getfield(L, -2, "max_length");
    fns[j].max_length = lua_tointeger(L, -1);
    lua_getfield(L, -3, "contains");
    fns[j].contains = lua_tolstring(L, -1, &fns[j].contains_len); /* kept alive by the table */
    lua_pop(L, 4);
  }
  if (first < 1) first = 1;
  if (last > (lua_Integer)d->n) last = (lua_Integer)d->n;
  lua_newtable(L); /* 9: checks */
  lua_Integer nchecks = 0;
  for (lua_Integer i = first; i <= last; i++) {
    stet_para *q = &d->p[i - 1];
    if (q->label) continue;
    size_t n = q->len;
    if (limit > 0 && (lua_Integer)n > limit) continue;
    const char *t = d->text.data + q->off;
    size_t index;
    int rc = stet_patset_first(set, t, n, 0, steps, &index);
    if (rc < 0) return stet_lua_pattern_error(L, set, index, rc);
    lua_Integer pos = 0;
    if (rc != STET_PAT_NOMATCH) {
      lua_geti(L, 6, (lua_Integer)index + 1);
      pos = lua_tointeger(L, -1);
      lua_pop(L, 1);
    }
    if (stet_ldoc_needs_fn(fns, nfns, pos, t, n)) {
      lua_pushinteger(L, i);
      lua_rawseti(L, 9, ++nchecks);
      lua_pushinteger(L, pos);
      lua_rawseti(L, 9, ++nchecks);
    } else if (pos) {
      lua_geti(L, 7, (lua_Integer)index + 1);
      uint16_t id = stet_ldoc_label_arg(L, d, -1);
      lua_pop(L, 1);
      d->p[i - 1].label = id;
    }
  }
  return 1;
}

/* d:boilerplate(counter, site, threshold) -> dropped: kept paragraphs the
 * counter saw in at least threshold documents of the site get the label
 * "boilerplate" and their count. [-0, +1] */
lua_Integer stet_ldoc_boilerplate(lua_State *L, stet_doc *d, const stet_counter *c,
                                  const char *site, size_t slen, lua_Integer threshold) {
  uint32_t id;
  lua_Integer dropped = 0;
  if (threshold > 0 && stet_counter_find_site(c, site, slen, &id)) {
    uint16_t label = 0;
    /* the table is large and each paragraph lands in a random place:
     * fetch all the places first, then look */
    for (size_t i = 0; i < d->n; i++)
      if (!d->p[i].label) stet_counter_prefetch(c, d->p[i].fp, id);
    for (size_t i = 0; i < d->n; i++) {
      stet_para *q = &d->p[i];
      if (q->label) continue;
      uint32_t count = stet_counter_count(c, q->fp, id);
      if ((lua_Integer)count < threshold) continue;
      if (!label) {
        int l = stet_doc_label(d, "boilerplate", 11);
        if (l < 0) return stet_lua_nomem(L);
        if (l == 0) return luaL_error(L, "too many drop labels in one document");
        label = (uint16_t)l;
      }
      q->label = label;
      q->count = count;
      dropped++;
    }
  }
  return dropped;
}

static int d_boilerplate(lua_State *L) {
  stet_doc *d = stet_ldoc_check(L, 1);
  const stet_counter *c = stet_lua_tocounter_any(L, 2);
  size_t slen;
  const char *site = luaL_checklstring(L, 3, &slen);
  lua_Integer threshold = luaL_checkinteger(L, 4);
  lua_pushinteger(L, stet_ldoc_boilerplate(L, d, c, site, slen, threshold));
  return 1;
}

/* d:body([sep]) -> text, kept [-0, +2] */
static int d_body(lua_State *L) {
  stet_doc *d = stet_ldoc_check(L, 1);
  size_t seplen;
  const char *sep = luaL_optlstring(L, 2, "\n\n", &seplen);
  stet_buf *b = stet_lua_newbuf(L);
  int box = lua_gettop(L);
  long kept = stet_doc_body(d, b, sep, seplen);
  if (kept < 0) return stet_lua_nomem(L);
  stet_lua_pushbuf(L, box);
  lua_pushinteger(L, kept);
  return 2;
}

/* d:body_json() -> literal, kept: the JSON string literal of d:body(),
 * built from the paragraphs without the body string in between. [-0, +2] */
int stet_ldoc_body_json(const stet_doc *d, stet_buf *b, lua_Integer *kept_out) {
  if (stet_buf_reserve(b, stet_doc_body_len(d) + 64)) return -1;
  b->data[b->len++] = '"';
  lua_Integer kept = 0;
  for (size_t i = 0; i < d->n; i++) {
    const stet_para *q = &d->p[i];
    if (q->label) continue;
    if (kept++ && stet_buf_append(b, "\\n\\n", 4)) return -1;
    for (size_t j = 0; j < q->len; j += 4096) { /* room for 6 bytes per byte */
      size_t k = q->len - j < 4096 ? q->len - j : 4096;
      if (stet_buf_reserve(b, 6 * k + 1)) return -1;
      b->len += stet_json_escape_to(b->data + b->len, d->text.data + q->off + j, k);
    }
  }
  b->data[b->len++] = '"';
  *kept_out = kept;
  return 0;
}

static int d_body_json(lua_State *L) {
  stet_doc *d = stet_ldoc_check(L, 1);
  stet_buf *b = &SCRATCH(L)->body;
  b->len = 0;
  lua_Integer kept;
  if (stet_ldoc_body_json(d, b, &kept)) return stet_lua_nomem(L);
  lua_pushlstring(L, b->data, b->len);
  stet_buf_trim(b, STET_BUF_KEEP);
  lua_pushinteger(L, kept);
  return 2;
}

/* d:summary([shingle, hashes]) -> kept, body_len, fps, body_fp, sig
 * fps: the kept paragraphs' fingerprints, 8 bytes each (string.pack "<j");
 * body_fp and sig (a MinHash of the body, when shingle is given) are nil
 * when nothing is kept. [-0, +5] */
int stet_ldoc_summarize(scratch *sc, stet_doc *d, const stet_minhash_opts *mo,
                        stet_ldoc_summary *s) {
  stet_buf *f = &sc->sumfps;
  f->len = 0;
  if (stet_buf_reserve(f, 8 * d->n)) return -1;
  unsigned char *o = (unsigned char *)f->data;
  lua_Integer kept = 0;
  for (size_t i = 0; i < d->n; i++) {
    if (d->p[i].label) continue;
    uint64_t v = d->p[i].fp;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(o, &v, 8);
    o += 8;
#else
    for (int b = 0; b < 8; b++) *o++ = (unsigned char)(v >> (8 * b));
#endif
    kept++;
  }
  f->len = 8 * (size_t)kept;
  s->kept = kept;
  s->body_len = stet_doc_body_len(d);
  s->fps = f->data ? f->data : "";
  s->fps_len = f->len;
  s->has_bfp = 0;
  s->bfp = 0;
  s->sig = NULL;
  s->sig_len = 0;
  if (!kept) return 0;
  if (stet_doc_body_fp(d, &sc->fp, &sc->body, &s->bfp)) return -1;
  s->has_bfp = 1;
  if (mo) {
    sc->body.len = 0;
    if (stet_doc_body(d, &sc->body, "\n\n", 2) < 0) return -1;
    size_t size = stet_minhash_size(mo);
    sc->sumsig.len = 0;
    if (stet_buf_reserve(&sc->sumsig, size)) return -1;
    if (stet_minhash(&sc->mh, sc->body.data ? sc->body.data : "", sc->body.len, mo,
                     (unsigned char *)sc->sumsig.data))
      return -1;
    sc->sumsig.len = size;
    s->sig = sc->sumsig.data;
    s->sig_len = size;
  }
  stet_buf_trim(&sc->body, STET_BUF_KEEP); /* (s points into sumfps and sumsig, not here) */
  return 0;
}

int stet_ldoc_push_summary(lua_State *L, stet_doc *d, const stet_minhash_opts *mo) {
  stet_ldoc_summary s;
  if (stet_ldoc_summarize(SCRATCH(L), d, mo, &s)) return stet_lua_nomem(L);
  lua_pushinteger(L, s.kept);
  lua_pushinteger(L, (lua_Integer)s.body_len);
  lua_pushlstring(L, s.fps, s.fps_len);
  if (s.has_bfp) lua_pushinteger(L, (lua_Integer)s.bfp);
  else lua_pushnil(L);
  if (s.sig) lua_pushlstring(L, s.sig, s.sig_len);
  else lua_pushnil(L);
  return 5;
}

static int d_summary(lua_State *L) {
  stet_doc *d = stet_ldoc_check(L, 1);
  int want_sig = !lua_isnoneornil(L, 2);
  stet_minhash_opts mo;
  stet_minhash_defaults(&mo);
  if (want_sig) {
    lua_Integer k = luaL_checkinteger(L, 2), h = luaL_optinteger(L, 3, mo.hashes);
    luaL_argcheck(L, k >= 1 && k <= STET_MH_MAX_SHINGLE, 2, "shingle must be 1..255");
    luaL_argcheck(L, h >= 1 && h <= STET_MH_MAX_HASHES, 3, "hashes must be 1..8192");
    mo.shingle = (int)k;
    mo.hashes = (int)h;
  }
  return stet_ldoc_push_summary(L, d, want_sig ? &mo : NULL);
}

/* d:tally(fate) -> read, kept, labels: kept paragraphs count as kept when
 * fate is "written", else under the label fate. [-0, +3] */
static int d_tally(lua_State *L) {
  stet_doc *d = stet_ldoc_check(L, 1);
  size_t flen;
  const char *fate = luaL_checklstring(L, 2, &flen);
  return stet_ldoc_push_tally(L, d, fate, flen);
}

int stet_ldoc_push_tally(lua_State *L, const stet_doc *d, const char *fate, size_t flen) {
  int written = flen == 7 && memcmp(fate, "written", 7) == 0;
  lua_Integer counts[64] = {0}, kept = 0, others = 0;
  for (size_t i = 0; i < d->n; i++) {
    unsigned id = d->p[i].label;
    if (!id) {
      if (written) kept++;
      else others++;
    } else if (id < 64) {
      counts[id]++;
    }
  }
  lua_newtable(L);
  for (unsigned id = 1; id < 64 && id <= d->nlab; id++) {
    if (!counts[id]) continue;
    push_label(L, d, id);
    lua_pushinteger(L, counts[id]);
    lua_rawset(L, -3);
  }
  for (size_t i = 0; i < d->n; i++) { /* labels past the 63rd, one at a time */
    unsigned id = d->p[i].label;
    if (id < 64) continue;
    push_label(L, d, id);
    lua_pushvalue(L, -1);
    lua_rawget(L, -3);
    lua_Integer c = lua_tointeger(L, -1);
    lua_pop(L, 1);
    lua_pushinteger(L, c + 1);
    lua_rawset(L, -3);
  }
  if (others) {
    lua_pushlstring(L, fate, flen);
    lua_pushvalue(L, -1);
    lua_rawget(L, -3);
    lua_Integer c = lua_tointeger(L, -1);
    lua_pop(L, 1);
    lua_pushinteger(L, c + others);
    lua_rawset(L, -3);
  }
  lua_pushinteger(L, (lua_Integer)d->n);
  lua_pushinteger(L, kept);
  lua_rotate(L, -3, -1);
  return 3;
}

/* d:dump([head]) -> bytes: a u32 length and head (a string the caller
 * gets back from stet._doc_load, "" by default), then the document. One
 * string, so a spilled document costs one copy. [-0, +1] */
static int d_dump(lua_State *L) {
  stet_doc *d = stet_ldoc_check(L, 1);
  lua_settop(L, 2); /* the head (or nil) stays argument 2 */
  stet_buf *b = stet_lua_newbuf(L);
  int box = lua_gettop(L);
  frame_dump(L, d, 2, b);
  stet_lua_pushbuf(L, box);
  return 1;
}

/* d:tables() -> { { text, index, fp, drop, marker, count }... } [-0, +1] */
static int d_tables(lua_State *L) {
  stet_doc *d = stet_ldoc_check(L, 1);
  lua_createtable(L, (int)d->n, 0);
  for (size_t i = 0; i < d->n; i++) {
    const stet_para *q = &d->p[i];
    lua_createtable(L, 0, 4);
    lua_pushlstring(L, d->text.data + q->off, q->len);
    lua_setfield(L, -2, "text");
    lua_pushinteger(L, (lua_Integer)i + 1);
    lua_setfield(L, -2, "index");
    lua_pushinteger(L, (lua_Integer)q->fp);
    lua_setfield(L, -2, "fp");
    if (q->label) {
      push_label(L, d, q->label);
      lua_setfield(L, -2, "drop");
    }
    if (q->marker) {
      push_label(L, d, q->marker);
      lua_setfield(L, -2, "marker");
    }
    if (q->count) {
      lua_pushinteger(L, (lua_Integer)q->count);
      lua_setfield(L, -2, "count");
    }
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

/* d:load_tables(paras): the document becomes the paragraph tables' texts,
 * drop labels (any true value that is not a string: "dropped"), markers and
 * counts; fingerprints are computed again from the texts. [-0, +0] */
static int d_load_tables(lua_State *L) {
  stet_doc *d = stet_ldoc_check(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  stet_fp_ctx *fp = &SCRATCH(L)->fp;
  stet_doc fresh = STET_DOC_INIT;
  stet_doc old = *d;
  *d = fresh; /* build into d, so a raised error leaves a valid document */
  stet_doc_free(&old);
  lua_Integer n = luaL_len(L, 2);
  for (lua_Integer i = 1; i <= n; i++) {
    if (lua_geti(L, 2, i) != LUA_TTABLE) luaL_error(L, "paragraph %I is not a table", (LUAI_UACINT)i);
    size_t len = 0;
    const char *t = NULL;
    if (lua_getfield(L, -1, "text") == LUA_TSTRING) t = lua_tolstring(L, -1, &len);
    if (!t) luaL_error(L, "paragraph %I has no text", (LUAI_UACINT)i);
    if (stet_doc_push(d, fp, t, len)) return stet_lua_nomem(L);
    lua_pop(L, 1);
    stet_para *q = &d->p[d->n - 1];
    if (lua_getfield(L, -1, "drop") == LUA_TSTRING) q->label = stet_ldoc_label_arg(L, d, -1);
    else if (lua_toboolean(L, -1)) {
      lua_pushliteral(L, "dropped");
      q->label = stet_ldoc_label_arg(L, d, -1);
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
    if (lua_getfield(L, -1, "marker") == LUA_TSTRING) q->marker = stet_ldoc_label_arg(L, d, -1);
    lua_pop(L, 1);
    if (lua_getfield(L, -1, "count") == LUA_TNUMBER) q->count = (uint32_t)lua_tointeger(L, -1);
    lua_pop(L, 2);
  }
  return 0;
}

/* d:release(): the document becomes empty and its buffers go to the next
 * document made in this Lua state. For the pipeline, once a document has
 * been spilled or written. [-0, +0] */
void stet_ldoc_release(lua_State *L, stet_doc *d) {
  scratch *sc = SCRATCH(L);
  stet_doc init = STET_DOC_INIT;
  /* a big document's buffers are not kept for the next one */
  if (!sc->has_spare && stet_doc_size(d) <= STET_BUF_KEEP) {
    sc->spare = *d;
    sc->has_spare = 1;
  } else {
    stet_doc_free(d);
  }
  *d = init;
}

static int d_release(lua_State *L) {
  stet_ldoc_release(L, stet_ldoc_check(L, 1));
  return 0;
}

/* The spill file at idx: the owning userdata, or its address (an integer,
 * from sp:address(), for worker states; the owner outlives them). */
stet_spill *stet_ldoc_spill(lua_State *L, int idx) {
  if (lua_type(L, idx) == LUA_TNUMBER) {
    lua_Integer a = luaL_checkinteger(L, idx);
    luaL_argcheck(L, a != 0, idx, "null spill file");
    return (stet_spill *)(uintptr_t)a;
  }
  stet_spill **box = luaL_checkudata(L, idx, SPILL_META);
  if (!*box) luaL_argerror(L, idx, "spill file closed");
  return *box;
}

/* Raises "the spill file in DIR: " and the error e's text (stet.pipeline
 * turns it into the command's error, exit 2). */
int stet_ldoc_spill_error(lua_State *L, const stet_spill *sp, int e) {
  return luaL_error(L, "the spill file in %s: %s", stet_spill_dir(sp), strerror(e));
}

/* d:spill(sp, [head]) -> offset, length: d:dump(head)'s bytes appended to
 * the spill file, without a Lua string in between. [-0, +2] */
static int d_spill(lua_State *L) {
  stet_doc *d = stet_ldoc_check(L, 1);
  stet_spill *sp = stet_ldoc_spill(L, 2);
  stet_buf *b = &SCRATCH(L)->io;
  b->len = 0;
  frame_dump(L, d, 3, b);
  uint64_t off;
  if (stet_spill_append(sp, b->data, b->len, &off)) return stet_ldoc_spill_error(L, sp, errno);
  lua_pushinteger(L, (lua_Integer)off);
  lua_pushinteger(L, (lua_Integer)b->len);
  stet_buf_trim(b, STET_BUF_KEEP);
  return 2;
}

/* Reads the bytes that d:spill left in the spill file at idx, at the
 * offset and length at idx + 1 and idx + 2 (raises on bad arguments or a
 * read error), into the scratch io buffer, which it returns. */
static stet_buf *read_spilled(lua_State *L, int idx) {
  stet_spill *sp = stet_ldoc_spill(L, idx);
  lua_Integer off = luaL_checkinteger(L, idx + 1), len = luaL_checkinteger(L, idx + 2);
  luaL_argcheck(L, off >= 0, idx + 1, "negative offset");
  luaL_argcheck(L, len >= 4, idx + 2, "too short");
  stet_buf *b = &SCRATCH(L)->io;
  b->len = 0;
  if (stet_buf_reserve(b, (size_t)len)) stet_lua_nomem(L);
  if (stet_spill_read(sp, (uint64_t)off, b->data, (size_t)len)) stet_ldoc_spill_error(L, sp, errno);
  b->len = (size_t)len;
  return b;
}

/* stet._doc_unspill(sp, offset, length) -> d, head: the document d:spill
 * wrote there. [-0, +2] */
static int l_doc_unspill(lua_State *L) {
  stet_buf *b = read_spilled(L, 1);
  push_framed(L, b->data, b->len);
  stet_buf_trim(b, STET_BUF_KEEP);
  return 2;
}

/* stet._spill_append(sp, bytes | sink) -> offset: the string, or what the
 * sink (stet._sink()) holds. [-0, +1] */
static int l_spill_append(lua_State *L) {
  stet_spill *sp = stet_ldoc_spill(L, 1);
  size_t n;
  const char *s;
  stet_buf *sink = stet_lua_testbuf(L, 2);
  if (sink) {
    s = sink->data ? sink->data : "";
    n = sink->len;
  } else {
    s = luaL_checklstring(L, 2, &n);
  }
  uint64_t off;
  if (stet_spill_append(sp, s, n, &off)) return stet_ldoc_spill_error(L, sp, errno);
  lua_pushinteger(L, (lua_Integer)off);
  return 1;
}

/* stet._spill_send(sp, offset, length, file): writes that range of the
 * spill file to the Lua file handle (flushed first), without bringing it
 * through Lua. [-0, +0] */
static int l_spill_send(lua_State *L) {
  stet_spill *sp = stet_ldoc_spill(L, 1);
  lua_Integer off = luaL_checkinteger(L, 2), len = luaL_checkinteger(L, 3);
  luaL_argcheck(L, off >= 0, 2, "negative offset");
  luaL_argcheck(L, len >= 0, 3, "negative length");
  luaL_Stream *f = (luaL_Stream *)luaL_checkudata(L, 4, LUA_FILEHANDLE);
  luaL_argcheck(L, f->closef != NULL && f->f != NULL, 4, "closed file");
  if (fflush(f->f) != 0) return luaL_error(L, "writing the output: %s", strerror(errno));
  if (len && stet_spill_send(sp, (uint64_t)off, (size_t)len, fileno(f->f)))
    return luaL_error(L, "writing the output: %s", strerror(errno));
  return 0;
}

/* stet._spill([dir]) -> sp: a new spill file (core/spill.h) in the folder
 * dir (nil or "": $TMPDIR, else /tmp). [-0, +1] */
static int l_spill(lua_State *L) {
  const char *dir = luaL_optstring(L, 1, NULL);
  int discard = lua_toboolean(L, 2);
  stet_spill **box = lua_newuserdatauv(L, sizeof *box, 0);
  *box = NULL;
  luaL_setmetatable(L, SPILL_META);
  if (discard) {
    *box = stet_spill_discard();
    if (!*box) return stet_lua_nomem(L);
    return 1;
  }
  char err[PATH_MAX + 200];
  *box = stet_spill_open(dir, err, sizeof err);
  if (!*box) return luaL_error(L, "%s", err);
  return 1;
}

static int sp_address(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)(uintptr_t)stet_ldoc_spill(L, 1));
  return 1;
}

/* sp:dir() -> the folder the spill file is in. */
static int sp_dir(lua_State *L) {
  lua_pushstring(L, stet_spill_dir(stet_ldoc_spill(L, 1)));
  return 1;
}

static int sp_size(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)stet_spill_size(stet_ldoc_spill(L, 1)));
  return 1;
}

/* sp:close(), also __gc: closes and removes the file. [-0, +0] */
static int sp_close(lua_State *L) {
  stet_spill **box = luaL_checkudata(L, 1, SPILL_META);
  stet_spill_close(*box);
  *box = NULL;
  return 0;
}

static int d_gc(lua_State *L) {
  stet_doc_free(stet_ldoc_check(L, 1));
  return 0;
}

static int scratch_gc(lua_State *L) {
  scratch *s = lua_touserdata(L, 1);
  stet_fp_ctx_free(&s->fp);
  stet_mh_ctx_free(&s->mh);
  stet_buf_free(&s->body);
  stet_doc_free(&s->spare);
  s->has_spare = 0;
  stet_buf_free(&s->io);
  stet_buf_free(&s->raw);
  stet_buf_free(&s->norm);
  stet_buf_free(&s->recs);
  stet_buf_free(&s->win);
  s->win_id = 0;
  stet_buf_free(&s->jsonf);
  stet_buf_free(&s->chunk);
  stet_buf_free(&s->fix);
  stet_buf_free(&s->sumfps);
  stet_buf_free(&s->sumsig);
  stet_buf_free(&s->dir);
  if (s->dirfd >= 0) close(s->dirfd);
  s->dirfd = -1;
  return 0;
}

static const luaL_Reg methods[] = {
  {"text", d_text}, {"fp", d_fp}, {"label", d_label}, {"marker", d_marker},
  {"count", d_count}, {"set_text", d_set_text}, {"set_label", d_set_label},
  {"set_marker", d_set_marker}, {"split_line", d_split_line}, {"cut", d_cut},
  {"scan", d_scan}, {"boilerplate", d_boilerplate}, {"body", d_body}, {"body_json", d_body_json},
  {"summary", d_summary}, {"tally", d_tally}, {"dump", d_dump}, {"tables", d_tables},
  {"load_tables", d_load_tables}, {"len", d_len}, {"release", d_release},
  {"spill", d_spill},
  {NULL, NULL},
};

static const luaL_Reg funcs[] = {
  {"_doc", l_doc},
  {"_doc_file", l_doc_file},
  {"_doc_load", l_doc_load},
  {"_doc_unspill", l_doc_unspill},
  {"_spill_append", l_spill_append},
  {"_spill_send", l_spill_send},
  {NULL, NULL},
};

void stet_lua_open_document(lua_State *L) {
  scratch *s = lua_newuserdatauv(L, sizeof *s, 0); /* the shared upvalue */
  /* the buffers not named are empty (STET_BUF_INIT is all zero) */
  scratch init = {.fp = STET_FP_CTX_INIT, .mh = STET_MH_CTX_INIT, .spare = STET_DOC_INIT,
                  .dirfd = -1};
  *s = init;
  if (luaL_newmetatable(L, SCRATCH_META)) {
    lua_pushcfunction(L, scratch_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  int up = lua_gettop(L);
  if (luaL_newmetatable(L, DOC_META)) {
    lua_newtable(L);
    lua_pushvalue(L, up);
    luaL_setfuncs(L, methods, 1);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, d_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, d_len);
    lua_setfield(L, -2, "__len");
  }
  lua_pop(L, 1);
  if (luaL_newmetatable(L, SPILL_META)) {
    lua_newtable(L);
    lua_pushcfunction(L, sp_address);
    lua_setfield(L, -2, "address");
    lua_pushcfunction(L, sp_dir);
    lua_setfield(L, -2, "dir");
    lua_pushcfunction(L, sp_size);
    lua_setfield(L, -2, "size");
    lua_pushcfunction(L, sp_close);
    lua_setfield(L, -2, "close");
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, sp_close);
    lua_setfield(L, -2, "__gc");
  }
  lua_pop(L, 1);
  lua_pushcfunction(L, l_spill);
  lua_setfield(L, -3, "_spill");
  lua_pushinteger(L, STET_SNIFF_BINARY);
  lua_setfield(L, -3, "_sniff_binary");
  stet_lua_open_lane(L, up);
  luaL_setfuncs(L, funcs, 1); /* pops the scratch, the upvalue */
}
