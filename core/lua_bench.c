/* core/lua_bench.c: stet._throughput(kind, s [, abbrevs]) -> segments,
 * fingerprints or signatures counted over s by the C primitives alone, with
 * nothing built for Lua, so that `make bench` (bench/primitives.lua) can
 * report what the core does per second apart from the cost of handing its
 * results to Lua. Kinds: "paragraphs", "lines", "sentences", "words",
 * "fingerprints" (one per paragraph), "normalize" (in 4 MB blocks; returns
 * the number of blocks). stet._reference gives the specs the slow paths
 * that the fast word finder and MinHash must agree with. */
#include <string.h>

#include "fingerprint.h"
#include "json.h"
#include "lua_stet.h"
#include "minhash.h"
#include "normalize.h"
#include "segment.h"
#include "wordscan.h"

static int count_span(void *ud, size_t start, size_t stop) {
  (void)start;
  (void)stop;
  (*(lua_Integer *)ud)++;
  return 0;
}

typedef struct fp_count {
  const char *s;
  stet_fp_ctx ctx;
  lua_Integer n;
  uint64_t mix;
} fp_count;

static int fp_span(void *ud, size_t start, size_t stop) {
  fp_count *f = (fp_count *)ud;
  uint64_t fp;
  if (stet_fingerprint(&f->ctx, f->s + start, stop - start, &fp) == 0) f->mix ^= fp;
  f->n++;
  return 0;
}

static int l_throughput(lua_State *L) {
  static const char *const kinds[] = {"paragraphs", "lines", "sentences", "words",
                                      "fingerprints", "normalize", NULL};
  int kind = luaL_checkoption(L, 1, NULL, kinds);
  size_t n;
  const char *s = luaL_checklstring(L, 2, &n);
  lua_Integer count = 0;
  switch (kind) {
  case 0: stet_paragraphs_each(s, n, 0, count_span, &count); break;
  case 1: stet_paragraphs_each(s, n, 1, count_span, &count); break;
  case 2: {
    const stet_abbrevs *a = NULL;
    if (!lua_isnoneornil(L, 3)) a = *(stet_abbrevs **)luaL_checkudata(L, 3, "stet.abbrevs");
    stet_sentences_each(s, n, a, count_span, &count);
    break;
  }
  case 3: stet_words_each(s, n, count_span, &count); break;
  case 4: {
    fp_count f;
    memset(&f, 0, sizeof f);
    f.s = s;
    stet_paragraphs_each(s, n, 0, fp_span, &f);
    stet_fp_ctx_free(&f.ctx);
    count = f.n;
    break;
  }
  default: {
    /* in 4 MB blocks cut after a newline, one reused output buffer: the
     * way `stet normalize` and the pipeline call it */
    stet_norm_opts o;
    stet_norm_defaults(&o);
    stet_buf out = STET_BUF_INIT;
    stet_norm_stats st = {0, 0};
    size_t pos = 0;
    while (pos < n) {
      size_t end = pos + (4u << 20) < n ? pos + (4u << 20) : n;
      if (end < n) {
        const char *nl = memchr(s + end, '\n', n - end);
        end = nl ? (size_t)(nl - s) + 1 : n;
      }
      out.len = 0;
      if (stet_normalize(s + pos, end - pos, &o, &out, &st) < 0) {
        stet_buf_free(&out);
        return stet_lua_nomem(L);
      }
      pos = end;
      count++;
    }
    stet_buf_free(&out);
  }
  }
  lua_pushinteger(L, count);
  return 1;
}

typedef struct span_list {
  lua_State *L;
  lua_Integer n;
} span_list;

/* Appends start + 1 and stop to the array on top of the stack. */
static int push_span(void *ud, size_t start, size_t stop) {
  span_list *l = ud;
  lua_pushinteger(l->L, (lua_Integer)start + 1);
  lua_rawseti(l->L, -2, ++l->n);
  lua_pushinteger(l->L, (lua_Integer)stop);
  lua_rawseti(l->L, -2, ++l->n);
  return 0;
}

/* stet._reference("json_scan", s, names, simd, unescape): core/json.h's
 * scan of s with the code path simd (0 the baseline, 1 AVX2), the values
 * unescaped by the scan itself when unescape is true, else after it.
 * Returns the status (0 ok, 1 unusual, 2 invalid), the error offset, the
 * count of other keys, then a table name -> value of the fields found. */
#define REF_FIELDS 16
static int json_scan_ref(lua_State *L, const char *s, size_t n) {
  luaL_checktype(L, 3, LUA_TTABLE);
  int simd = (int)luaL_checkinteger(L, 4), unescape = lua_toboolean(L, 5);
  size_t nf = (size_t)lua_rawlen(L, 3);
  luaL_argcheck(L, nf <= REF_FIELDS, 3, "too many names");
  stet_json_field f[REF_FIELDS];
  stet_buf *box = stet_lua_newbuf(L); /* room for each field's value */
  if (stet_buf_reserve(box, (nf ? nf : 1) * (n + 1))) return stet_lua_nomem(L);
  for (size_t k = 0; k < nf; k++) {
    lua_rawgeti(L, 3, (lua_Integer)k + 1);
    f[k].name = luaL_checklstring(L, -1, &f[k].len); /* kept by names */
    lua_pop(L, 1);
    f[k].out = unescape ? box->data + k * (n + 1) : NULL;
    f[k].nl = NULL;
  }
  size_t where = 0, others = 0;
  stet_json_status st = stet_json_scan_simd(s, n, f, nf, &where, &others, simd);
  lua_pushinteger(L, (lua_Integer)st);
  lua_pushinteger(L, (lua_Integer)where);
  lua_pushinteger(L, (lua_Integer)others);
  lua_newtable(L);
  if (st != STET_JSON_OK) return 4;
  for (size_t k = 0; k < nf; k++) {
    if (!f[k].found) continue;
    const char *v = s + f[k].start;
    size_t len = f[k].stop - f[k].start;
    if (f[k].escaped && unescape) {
      v = f[k].out;
      len = f[k].outlen;
    } else if (f[k].escaped) {
      char *o = box->data + k * (n + 1);
      len = stet_json_unescape(v, len, o);
      if (len == (size_t)-1) return luaL_error(L, "a scanned field does not unescape");
      v = o;
    }
    lua_pushlstring(L, f[k].name, f[k].len);
    lua_pushlstring(L, v, len);
    lua_rawset(L, -3);
  }
  return 4;
}

/* stet._reference(kind, s [, opts]) -> the paths that the fast word finder
 * and MinHash must agree with, for the specs: "words" (the general rules
 * at every boundary) and "words_base" (the block finder with the baseline
 * masks, no AVX2) give a flat array start, stop, start, stop... (as
 * stet.words spans: 1-based, stop inclusive); "minhash" (over those
 * reference words, every hash kept) and "minhash_base" (no AVX2) give the
 * signature for opts {shingle, hashes}; "normalize_base" gives what
 * stet.normalize(s, opts) gives with the baseline scan for plain ASCII (no
 * AVX2): the text, repaired and mojibake counts; "json_quote_base" gives
 * what stet.json_quote(s) gives with the baseline scan; "paragraphs_base"
 * gives the spans of stet.paragraphs(s, opts) (opts.lines) found with the
 * baseline masks, as a flat array like "words". */
static int l_reference(lua_State *L) {
  enum { WORDS, WORDS_BASE, MINHASH, MINHASH_BASE, NORMALIZE_BASE, JSON_QUOTE_BASE,
         PARAGRAPHS_BASE, JSON_SCAN };
  static const char *const kinds[] = {"words", "words_base", "minhash", "minhash_base",
                                      "normalize_base", "json_quote_base", "paragraphs_base",
                                      "json_scan", NULL};
  int kind = luaL_checkoption(L, 1, NULL, kinds);
  size_t n;
  const char *s = luaL_checklstring(L, 2, &n);
  if (kind == JSON_SCAN) return json_scan_ref(L, s, n);
  if (kind == PARAGRAPHS_BASE) {
    int lines = stet_lua_optbool(L, 3, 3, "lines", 0);
    lua_newtable(L);
    span_list l = {L, 0};
    stet_paragraphs_each_simd(s, n, lines, push_span, &l, 0);
    return 1;
  }
  if (kind == JSON_QUOTE_BASE) {
    stet_buf *b = stet_lua_newbuf(L);
    if (stet_buf_reserve(b, 6 * n + 2)) return stet_lua_nomem(L);
    b->data[0] = '"';
    size_t len = 1 + stet_json_escape_to_simd(b->data + 1, s, n, 0);
    b->data[len] = '"';
    lua_pushlstring(L, b->data, len + 1);
    return 1;
  }
  if (kind == NORMALIZE_BASE) {
    stet_norm_opts no;
    stet_lua_norm_opts(L, 3, &no);
    stet_buf *b = stet_lua_newbuf(L);
    stet_norm_stats st = {0, 0};
    int r = stet_normalize_simd(s, n, &no, b, &st, 0);
    if (r < 0) return stet_lua_nomem(L);
    if (r == 1) lua_pushlstring(L, b->data, b->len);
    else lua_pushvalue(L, 2);
    lua_pushinteger(L, (lua_Integer)st.repaired);
    lua_pushinteger(L, (lua_Integer)st.mojibake);
    return 3;
  }
  if (kind == WORDS || kind == WORDS_BASE) {
    lua_newtable(L);
    span_list l = {L, 0};
    if (kind == WORDS)
      stet_words_each_reference(s, n, push_span, &l);
    else
      stet_words_each_simd(s, n, push_span, &l, 0);
    return 1;
  }
  stet_minhash_opts o;
  stet_minhash_defaults(&o);
  if (!lua_isnoneornil(L, 3)) {
    luaL_checktype(L, 3, LUA_TTABLE);
    lua_getfield(L, 3, "shingle");
    o.shingle = (int)luaL_optinteger(L, -1, o.shingle);
    lua_getfield(L, 3, "hashes");
    o.hashes = (int)luaL_optinteger(L, -1, o.hashes);
    lua_pop(L, 2);
  }
  luaL_argcheck(L, o.shingle >= 1 && o.shingle <= STET_MH_MAX_SHINGLE && o.hashes >= 1 &&
                   o.hashes <= STET_MH_MAX_HASHES, 3, "shingle or hashes out of range");
  stet_buf *box = stet_lua_newbuf(L);
  int boxi = lua_gettop(L);
  size_t size = stet_minhash_size(&o);
  if (stet_buf_reserve(box, size)) return stet_lua_nomem(L);
  stet_mh_ctx ctx = STET_MH_CTX_INIT;
  int r = kind == MINHASH ? stet_minhash_reference(&ctx, s, n, &o, (unsigned char *)box->data)
                    : stet_minhash_simd(&ctx, s, n, &o, (unsigned char *)box->data, 0);
  stet_mh_ctx_free(&ctx);
  if (r) return stet_lua_nomem(L);
  box->len = size;
  stet_lua_pushbuf(L, boxi);
  return 1;
}

void stet_lua_open_bench(lua_State *L) {
  lua_pushcfunction(L, l_throughput);
  lua_setfield(L, -2, "_throughput");
  lua_pushcfunction(L, l_reference);
  lua_setfield(L, -2, "_reference");
}
