/* core/lua_counter.c: counting tables (core/counter.c) for Lua.
 *
 *   local t = stet.counter()
 *   t:add(fp, site, doc [, text]) -> count   counts doc once for (fp, site)
 *   t:count(fp, site) -> integer
 *   t:size() -> entries;  t:memory() -> bytes;  t:sites() -> { names }
 *   t:top(n [, site]) -> { {fp=, site=, count=, sample=}, ... }
 *   t:save(path) -> true | nil, "path: reason"
 *   t:merge(other) -> t
 *   t:reserve(n); t:work(done, total)   room ahead, growth by projection
 *   t:add_paragraphs(text, site, doc [, samples]) -> paragraphs
 *       splits text into paragraphs (blank lines, stet_paragraphs_each) and
 *       adds every paragraph's fingerprint (with its text as sample unless
 *       samples is false): the fast path of `stet hash`
 *   t:add_file(path, site, doc [, samples]) -> paragraphs, bytes | nil, err
 *       the same for the whole (decompressed) contents of a file
 *   t:add_files(files, i, j, doc [, site [, samples [, first, last]]]) ->
 *       docs, paragraphs, bytes, errors, binary: add_file over
 *       files[i..j], one call per folder, binary files skipped
 *   t:add_jsonl(path, doc, site, default_site, samples, block_size,
 *       fallback) -> docs, paragraphs, bytes [, err]: a JSON Lines file
 *   t:sub(fp, site, n), t:sub_cluster(fps, sites)   counts taken off
 *   stet.load_counter(path) -> table | nil, "path: reason"
 * doc is an integer or a string (strings are hashed); the adds of one
 * document must be consecutive (see counter.h). */
#define _GNU_SOURCE /* O_NOATIME */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "counter.h"
#include "decompress.h"
#include "fingerprint.h"
#include "lua_counter.h"
#include "lua_stet.h"
#include "segment.h"

#define DOC_SEED UINT64_C(0x646f63756d656e74)
#define READ_BLOCK (256 * 1024)

stet_counter *stet_lua_counter_check(lua_State *L, int idx) {
  counter_box *b = luaL_checkudata(L, idx, COUNTER_META);
  if (!b->c) luaL_argerror(L, idx, "counter has been freed");
  return b->c;
}

/* Empties a new box. */
static void init_box(counter_box *b) {
  stet_fp_ctx init = STET_FP_CTX_INIT;
  stet_buf empty = STET_BUF_INIT;
  b->c = NULL;
  b->fp = init;
  b->spans = empty;
  b->file = empty;
  b->text = empty;
  b->nl = empty;
  b->atime = 0;
}

/* stet.counter() -> counter [-0, +1] */
static int l_counter(lua_State *L) {
  counter_box *b = lua_newuserdatauv(L, sizeof *b, 0);
  init_box(b);
  luaL_setmetatable(L, COUNTER_META);
  b->c = stet_counter_new();
  if (!b->c) return stet_lua_nomem(L);
  return 1;
}

static int c_gc(lua_State *L) {
  counter_box *b = luaL_checkudata(L, 1, COUNTER_META);
  stet_counter_free(b->c);
  stet_fp_ctx_free(&b->fp);
  stet_buf_free(&b->spans);
  stet_buf_free(&b->file);
  stet_buf_free(&b->text);
  stet_buf_free(&b->nl);
  b->c = NULL;
  return 0;
}

static uint32_t check_site(lua_State *L, stet_counter *c, int idx) {
  size_t len;
  const char *s = luaL_checklstring(L, idx, &len);
  uint32_t id;
  if (stet_counter_site(c, s, len, &id)) stet_lua_nomem(L);
  return id;
}

/* The document key of argument idx: an integer, or a hashed string. */
static uint64_t check_doc(lua_State *L, int idx) {
  if (lua_type(L, idx) == LUA_TSTRING) {
    size_t n;
    const char *d = lua_tolstring(L, idx, &n);
    return XXH3_64bits_withSeed(d, n, DOC_SEED);
  }
  return (uint64_t)luaL_checkinteger(L, idx);
}

/* t:add(fp, site, doc [, text]) -> count of (fp, site) after the call */
/* t:add_all(fps, site, doc): t:add(fp, site, doc) for every fp of fps, an
 * array or a string of 8-byte little-endian fingerprints (string.pack
 * "<j" each), in one call. [-0, +0] */
static int c_add_all(lua_State *L) {
  stet_counter *c = stet_lua_counter_check(L, 1);
  if (lua_type(L, 2) == LUA_TSTRING) {
    size_t len;
    const unsigned char *p = (const unsigned char *)lua_tolstring(L, 2, &len);
    luaL_argcheck(L, len % 8 == 0, 2, "a string of fingerprints must be 8 bytes each");
    uint32_t site = check_site(L, c, 3);
    uint64_t doc = check_doc(L, 4);
    if (stet_counter_add_packed(c, p, len, site, doc)) return stet_lua_nomem(L);
    return 0;
  }
  luaL_checktype(L, 2, LUA_TTABLE);
  uint32_t site = check_site(L, c, 3);
  uint64_t doc = check_doc(L, 4);
  lua_Integer n = luaL_len(L, 2);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_geti(L, 2, i);
    uint64_t fp = (uint64_t)lua_tointeger(L, -1);
    lua_pop(L, 1);
    uint32_t count;
    if (stet_counter_add(c, fp, site, doc, NULL, 0, &count) < 0) return stet_lua_nomem(L);
  }
  return 0;
}

/* t:sub(fp, site, n): takes n off the count of (fp, site) (see
 * stet_counter_sub_count). [-0, +0] */
static int c_sub(lua_State *L) {
  stet_counter *c = stet_lua_counter_check(L, 1);
  uint64_t fp = (uint64_t)luaL_checkinteger(L, 2);
  size_t len;
  const char *name = luaL_checklstring(L, 3, &len);
  lua_Integer n = luaL_checkinteger(L, 4);
  luaL_argcheck(L, n >= 0 && n <= UINT32_MAX, 4, "must be in 0..2^32-1");
  uint32_t site;
  if (stet_counter_find_site(c, name, len, &site)) stet_counter_sub_count(c, fp, site, (uint32_t)n);
  return 0;
}

/* A (site, fingerprint) pair of one member of a cluster. */
typedef struct site_fp {
  uint32_t site;
  uint64_t fp;
} site_fp;

static int cmp_site_fp(const void *a, const void *b) {
  const site_fp *x = a, *y = b;
  if (x->site != y->site) return x->site < y->site ? -1 : 1;
  return x->fp < y->fp ? -1 : x->fp > y->fp;
}

/* t:sub_cluster(fps, sites): a duplicate cluster counted once. fps[m] is
 * member m's kept fingerprints (8 bytes each, as d:summary gives them) and
 * sites[m] its site; where n > 1 members of one site hold a fingerprint
 * (a member counts once however often it holds it), n - 1 is taken off its
 * count (t:sub). [-0, +0] */
static int c_sub_cluster(lua_State *L) {
  stet_counter *c = stet_lua_counter_check(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  luaL_checktype(L, 3, LUA_TTABLE);
  lua_Integer m = (lua_Integer)luaL_len(L, 2);
  size_t total = 0;
  for (lua_Integer k = 1; k <= m; k++) {
    size_t n;
    lua_geti(L, 2, k);
    if (!lua_tolstring(L, -1, &n)) return luaL_error(L, "sub_cluster: fps[%d] is not a string", (int)k);
    total += n / 8;
    lua_pop(L, 1);
  }
  site_fp *all = lua_newuserdatauv(L, (total ? total : 1) * sizeof *all, 0); /* freed by the GC */
  size_t used = 0;
  for (lua_Integer k = 1; k <= m; k++) {
    size_t n, slen;
    lua_geti(L, 2, k);
    const char *fps = lua_tolstring(L, -1, &n);
    lua_geti(L, 3, k);
    const char *site = luaL_checklstring(L, -1, &slen);
    uint32_t id;
    if (stet_counter_find_site(c, site, slen, &id)) {
      size_t from = used;
      for (size_t i = 0; i + 8 <= n; i += 8) {
        all[used].site = id;
        all[used].fp = stet_fp_unpack((const unsigned char *)fps + i);
        used++;
      }
      /* a member counts once per fingerprint */
      qsort(all + from, used - from, sizeof *all, cmp_site_fp);
      size_t w = from;
      for (size_t i = from; i < used; i++)
        if (i == from || all[i].fp != all[w - 1].fp) all[w++] = all[i];
      used = w;
    }
    lua_pop(L, 2);
  }
  qsort(all, used, sizeof *all, cmp_site_fp);
  for (size_t i = 0; i < used;) {
    size_t j = i + 1;
    while (j < used && all[j].site == all[i].site && all[j].fp == all[i].fp) j++;
    if (j - i > 1) stet_counter_sub_count(c, all[i].fp, all[i].site, (uint32_t)(j - i - 1));
    i = j;
  }
  return 0;
}

/* t:reserve(n): room for n entries, so adding them does not grow the
 * table step by step. [-0, +0] */
static int c_reserve(lua_State *L) {
  stet_counter *c = stet_lua_counter_check(L, 1);
  lua_Integer n = luaL_checkinteger(L, 2);
  luaL_argcheck(L, n >= 0, 2, "must not be negative");
  if (stet_counter_reserve(c, (size_t)n)) return stet_lua_nomem(L);
  return 0;
}

/* t:work(done, total): how far the run of adds under way has gone, in
 * any unit (stet_counter_work): the table then grows by what the run's
 * entries so far project. total 0: not known. [-0, +0] */
static int c_work(lua_State *L) {
  stet_counter *c = stet_lua_counter_check(L, 1);
  lua_Integer done = luaL_checkinteger(L, 2), total = luaL_checkinteger(L, 3);
  luaL_argcheck(L, done >= 0, 2, "must not be negative");
  luaL_argcheck(L, total >= 0, 3, "must not be negative");
  stet_counter_work(c, (uint64_t)done, (uint64_t)total);
  return 0;
}

static int c_add(lua_State *L) {
  stet_counter *c = stet_lua_counter_check(L, 1);
  uint64_t fp = (uint64_t)luaL_checkinteger(L, 2);
  uint32_t site = check_site(L, c, 3);
  uint64_t doc = check_doc(L, 4);
  size_t tlen = 0;
  const char *text = luaL_optlstring(L, 5, NULL, &tlen);
  uint32_t count;
  if (stet_counter_add(c, fp, site, doc, text, tlen, &count) < 0) return stet_lua_nomem(L);
  lua_pushinteger(L, (lua_Integer)count);
  return 1;
}

/* What stet_paragraphs_each's callback fills: the spans of one text, in
 * spans' buffer up to cur (a pointer, not the buffer's length: the stores
 * of spans, size_t as the length is, could alias it, and where the
 * callback is inlined this struct stays in registers). */
typedef struct para_batch {
  stet_buf *spans;
  stet_fp_span *cur, *end; /* the next span's place, the end of the room */
  int oom;
} para_batch;

/* Appends one paragraph's span to the batch (inlined where a JSON line's
 * text is split, stet_paragraphs_at_inline). */
static inline __attribute__((always_inline)) int batch_span(void *ud, size_t start,
                                                            size_t stop) {
  para_batch *pb = ud;
  if (pb->cur == pb->end) {
    stet_buf *b = pb->spans;
    b->len = pb->cur ? (size_t)((char *)pb->cur - b->data) : 0;
    if (stet_buf_reserve(b, 64 * sizeof(stet_fp_span))) {
      pb->oom = 1;
      return 1;
    }
    pb->cur = (stet_fp_span *)(void *)(b->data + b->len);
    pb->end = (stet_fp_span *)(void *)(b->data + b->len) + (b->cap - b->len) / sizeof(stet_fp_span);
  }
  pb->cur->start = start;
  pb->cur->stop = stop;
  pb->cur++;
  return 0;
}

/* Splits s[0..n) into paragraphs (stet_paragraphs_each, blank lines; or
 * stet_paragraphs_at with nl[0..k_nl), all the newlines of s, when nl is
 * not NULL), fingerprints them all in one call, then counts them in order, fetching
 * the table slot of a paragraph a few adds ahead. s[0..avail) is readable
 * (avail >= n: the key builder may load past the end of a paragraph).
 * Returns the paragraph count, or -1 on ENOMEM. */
lua_Integer stet_lua_counter_add_text(counter_box *b, const char *s, size_t n, size_t avail, uint32_t site,
                            uint64_t doc, int samples, const uint32_t *nl, size_t k_nl) {
  stet_fp_span *first = (stet_fp_span *)(void *)b->spans.data;
  para_batch pb = {&b->spans, first, first ? first + b->spans.cap / sizeof *first : NULL, 0};
  if (nl)
    stet_paragraphs_at_inline(s, n, nl, k_nl, batch_span, &pb);
  else
    stet_paragraphs_each(s, n, 0, batch_span, &pb);
  if (pb.oom) return -1;
  b->spans.len = pb.cur ? (size_t)((char *)pb.cur - b->spans.data) : 0;
  stet_fp_span *sp = (stet_fp_span *)(void *)b->spans.data;
  size_t k = b->spans.len / sizeof *sp;
  if (k && stet_fingerprint_spans(&b->fp, s, avail, sp, k)) return -1;
  if (stet_counter_add_spans(b->c, s, sp, k, site, doc, samples)) return -1;
  return (lua_Integer)k;
}

/* t:add_paragraphs(text, site, doc [, samples]) -> paragraphs added */
static int c_add_paragraphs(lua_State *L) {
  counter_box *b = luaL_checkudata(L, 1, COUNTER_META);
  stet_counter *c = stet_lua_counter_check(L, 1);
  size_t n;
  const char *s = luaL_checklstring(L, 2, &n);
  uint32_t site = check_site(L, c, 3);
  uint64_t doc = check_doc(L, 4);
  int samples = lua_isnoneornil(L, 5) || lua_toboolean(L, 5);
  lua_Integer count = stet_lua_counter_add_text(b, s, n, n, site, doc, samples, NULL, 0);
  if (count < 0) return stet_lua_nomem(L);
  lua_pushinteger(L, count);
  return 1;
}

/* Reads the whole (decompressed) file path into b->file with stet_reader.
 * 0, -1 with the message in err, or -2 on ENOMEM. */
static int read_decompressed(counter_box *b, const char *path, char *err, size_t errlen) {
  stet_reader *r = stet_reader_open(path, err, errlen);
  if (!r) return -1;
  b->file.len = 0;
  for (;;) {
    size_t room = b->file.cap - b->file.len;
    if (room < READ_BLOCK / 2) {
      if (stet_buf_reserve(&b->file, b->file.cap < READ_BLOCK ? READ_BLOCK : b->file.cap)) {
        stet_reader_close(r);
        return -2;
      }
      room = b->file.cap - b->file.len;
    }
    ssize_t got = stet_reader_read(r, b->file.data + b->file.len, room);
    if (got < 0) {
      snprintf(err, errlen, "%s", stet_reader_error(r));
      stet_reader_close(r);
      return -1;
    }
    if (got == 0) break;
    b->file.len += (size_t)got;
  }
  stet_reader_close(r);
  return 0;
}

/* Would stet_reader decompress (or refuse) a file with this name and these
 * first bytes? The same test as its sniffing (core/decompress.c). */
int stet_lua_counter_needs_reader(const char *path, const unsigned char *p, size_t n) {
  if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b) return 1;
  if (n >= 4 && ((p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd) ||
                 ((p[0] & 0xf0) == 0x50 && p[1] == 0x2a && p[2] == 0x4d && p[3] == 0x18)))
    return 1;
  size_t l = strlen(path);
  return (l >= 3 && strcasecmp(path + l - 3, ".gz") == 0) ||
         (l >= 4 && strcasecmp(path + l - 4, ".zst") == 0);
}

/* Reads the whole file path (opened as name relative to the folder dirfd,
 * or AT_FDCWD) into b->file: plain files straight into the reused buffer
 * (sized by fstat when they outgrow it), compressed ones through
 * stet_reader. Files are opened with O_NOATIME while the kernel allows it
 * (our own files; EPERM turns it off for the box). With regular set the
 * file is known to be a regular file (stet.find_files lists only those),
 * so a read shorter than asked is its end and no read is spent on seeing
 * end of file. 0, -1 with "path: reason" in err, or -2 on ENOMEM. */
static int read_whole(counter_box *b, int dirfd, const char *name, const char *path, int regular,
                      char *err, size_t errlen) {
  int fd = -1;
#ifdef O_NOATIME
  if (!b->atime) {
    fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOATIME);
    if (fd < 0 && errno == EPERM) b->atime = 1;
  }
  if (b->atime)
#endif
    fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return -1;
  }
  b->file.len = 0;
  if (b->file.cap < READ_BLOCK && stet_buf_reserve(&b->file, READ_BLOCK)) {
    close(fd);
    return -2;
  }
  int sized = 0; /* fstat only for files bigger than the buffer (a folder
                    fails its read with EISDIR) */
  for (;;) {
    if (b->file.len == b->file.cap) {
      struct stat st;
      size_t more = b->file.cap;
      if (!sized && fstat(fd, &st) == 0 && st.st_size > 0 &&
          (size_t)st.st_size + 1 > b->file.len + more)
        more = (size_t)st.st_size + 1 - b->file.len;
      sized = 1;
      if (stet_buf_reserve(&b->file, more)) {
        close(fd);
        return -2;
      }
    }
    size_t room = b->file.cap - b->file.len;
    ssize_t got = read(fd, b->file.data + b->file.len, room);
    if (got > 0) {
      b->file.len += (size_t)got;
      if (regular && (size_t)got < room) break;
    } else if (got == 0) {
      break;
    } else if (errno != EINTR) {
      snprintf(err, errlen, "%s: %s", path, strerror(errno));
      close(fd);
      return -1;
    }
  }
  close(fd);
  if (stet_lua_counter_needs_reader(path, (const unsigned char *)b->file.data, b->file.len))
    return read_decompressed(b, path, err, errlen);
  return 0;
}

/* t:add_file(path, site, doc [, samples]) -> paragraphs, bytes |
 * nil, "path: reason". Reads the file (gzip and zstd are decompressed) as
 * one document and adds its paragraphs as add_paragraphs does. The read
 * buffer is kept for the next file; a file over 64 MiB frees it after. */
static int c_add_file(lua_State *L) {
  counter_box *b = luaL_checkudata(L, 1, COUNTER_META);
  stet_counter *c = stet_lua_counter_check(L, 1);
  const char *path = luaL_checkstring(L, 2);
  uint32_t site = check_site(L, c, 3);
  uint64_t doc = check_doc(L, 4);
  int samples = lua_isnoneornil(L, 5) || lua_toboolean(L, 5);
  char err[600];
  int r = read_whole(b, AT_FDCWD, path, path, 0, err, sizeof err);
  if (r == -2) return stet_lua_nomem(L);
  if (r == -1) {
    luaL_pushfail(L);
    lua_pushstring(L, err);
    return 2;
  }
  lua_Integer count = stet_lua_counter_add_text(b, b->file.data ? b->file.data : "", b->file.len,
                               b->file.data ? b->file.cap : 0, site, doc, samples, NULL, 0);
  size_t bytes = b->file.len;
  stet_buf_trim(&b->file, FILE_KEEP);
  if (count < 0) return stet_lua_nomem(L);
  lua_pushinteger(L, count);
  lua_pushinteger(L, (lua_Integer)bytes);
  return 2;
}

/* The name of the folder holding path, as `stet hash` names sites: the
 * component before the last '/', or "." when there is none (or it is
 * empty). Sets *len. */
static const char *folder_of(const char *path, size_t n, size_t *len) {
  size_t j = n;
  while (j > 0 && path[j - 1] != '/') j--;
  if (j <= 1) {
    *len = 1;
    return ".";
  }
  size_t i = j - 1; /* path[i] is the last '/', 0-based */
  size_t k = i;
  while (k > 0 && path[k - 1] != '/') k--;
  if (k >= i) {
    *len = 1;
    return ".";
  }
  *len = i - k;
  return path + k;
}

/* t:add_files(files, i, j, doc [, site [, samples [, first, last]]]) ->
 * docs, paragraphs, bytes, errors, binary. Adds files[i..j] as add_file
 * does, one document
 * each, the documents numbered doc, doc + 1, ... (a file that cannot be
 * read, or is binary, takes no number); the site is site, else the name of
 * the folder holding the file. The files are regular files, as
 * stet.find_files lists them: a read that returns less than asked is taken
 * as the end of the file. errors is an array of "path: reason" messages,
 * in order; binary the paths of the files skipped as binary (a NUL in
 * their first STET_SNIFF_BINARY bytes, as stet clean rejects them).
 * files[first..last] (default i..j) is the whole run that this call is
 * part of, for the table's growth (stet_counter_work). */
static int c_add_files(lua_State *L) {
  counter_box *b = luaL_checkudata(L, 1, COUNTER_META);
  stet_counter *c = stet_lua_counter_check(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_Integer i = luaL_checkinteger(L, 3), j = luaL_checkinteger(L, 4);
  lua_Integer doc = luaL_checkinteger(L, 5);
  int fixed = !lua_isnoneornil(L, 6);
  uint32_t site = fixed ? check_site(L, c, 6) : 0;
  int samples = lua_isnoneornil(L, 7) || lua_toboolean(L, 7);
  lua_Integer run_first = luaL_optinteger(L, 8, i), run_last = luaL_optinteger(L, 9, j);
  luaL_argcheck(L, run_first <= i && j <= run_last, 8, "must hold i..j");
  lua_settop(L, 7);
  lua_newtable(L); /* 8: errors */
  lua_pushnil(L);  /* 9: the folder of the last file */
  lua_newtable(L); /* 10: binary files */
  lua_Integer docs = 0, paras = 0, bytes = 0, nerr = 0, nbin = 0;
  const char *last = NULL; /* the folder of the last file, and its site */
  size_t lastlen = 0;
  int dirfd = AT_FDCWD; /* the folder dir[0..dirlen) (ends with '/'), opened */
  char dir[4096];
  size_t dirlen = 0;
  char err[600];
  for (lua_Integer k = i; k <= j; k++) {
    stet_counter_work(c, (uint64_t)(k - run_first), (uint64_t)(run_last - run_first + 1));
    lua_rawgeti(L, 2, k); /* 11: kept on the stack while used */
    size_t plen;
    const char *path = lua_tolstring(L, 11, &plen);
    if (!path) {
      if (dirfd != AT_FDCWD) close(dirfd);
      return luaL_error(L, "add_files: files[%d] is not a string", (int)k);
    }
    if (!fixed) {
      size_t flen;
      const char *folder = folder_of(path, plen, &flen);
      if (!last || flen != lastlen || memcmp(folder, last, flen) != 0) {
        if (stet_counter_site(c, folder, flen, &site)) {
          if (dirfd != AT_FDCWD) close(dirfd);
          return stet_lua_nomem(L);
        }
        lua_pushlstring(L, folder, flen);
        lua_replace(L, 9);
        last = lua_tolstring(L, 9, &lastlen);
      }
    }
    size_t base = plen;
    while (base > 0 && path[base - 1] != '/') base--;
    if (base > 0 && base < sizeof dir && (base != dirlen || memcmp(dir, path, base) != 0)) {
      if (dirfd != AT_FDCWD) close(dirfd);
      memcpy(dir, path, base);
      dir[base] = '\0';
      dirlen = base;
      dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (dirfd < 0) dirfd = AT_FDCWD, dirlen = 0;
    }
    int same = base > 0 && base == dirlen && dirfd != AT_FDCWD && memcmp(dir, path, base) == 0;
    int r = read_whole(b, same ? dirfd : AT_FDCWD, same ? path + base : path, path, 1, err,
                       sizeof err);
    if (r == -2) {
      if (dirfd != AT_FDCWD) close(dirfd);
      return stet_lua_nomem(L);
    }
    if (r == -1) {
      lua_pushstring(L, err);
      lua_rawseti(L, 8, ++nerr);
    } else if (stet_sniff_binary(b->file.data, b->file.len)) {
      lua_pushvalue(L, 11);
      lua_rawseti(L, 10, ++nbin);
    } else {
      lua_Integer count = stet_lua_counter_add_text(b, b->file.data ? b->file.data : "", b->file.len,
                                   b->file.data ? b->file.cap : 0, site,
                                   (uint64_t)(doc + docs), samples, NULL, 0);
      if (count < 0) {
        if (dirfd != AT_FDCWD) close(dirfd);
        return stet_lua_nomem(L);
      }
      docs++;
      paras += count;
      bytes += (lua_Integer)b->file.len;
    }
    if (r != -1) stet_buf_trim(&b->file, FILE_KEEP);
    lua_settop(L, 10);
  }
  stet_counter_work(c, 0, 0);
  if (dirfd != AT_FDCWD) close(dirfd);
  lua_pushinteger(L, docs);
  lua_pushinteger(L, paras);
  lua_pushinteger(L, bytes);
  lua_pushvalue(L, 8);
  lua_pushvalue(L, 10);
  return 5;
}

/* t:count(fp, site) -> integer; also the count method of read-only views
 * (core/lua_counter_view.c) */
static int c_count(lua_State *L) {
  const stet_counter *c = stet_lua_tocounter_any(L, 1);
  uint64_t fp = (uint64_t)luaL_checkinteger(L, 2);
  size_t len;
  const char *s = luaL_checklstring(L, 3, &len);
  uint32_t id;
  lua_Integer n = 0;
  if (stet_counter_find_site(c, s, len, &id)) n = (lua_Integer)stet_counter_count(c, fp, id);
  lua_pushinteger(L, n);
  return 1;
}

static int c_size(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)stet_lua_counter_check(L, 1)->size);
  return 1;
}

static int c_memory(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)stet_counter_memory(stet_lua_counter_check(L, 1)));
  return 1;
}

/* t:sites() -> array of site names, in id order */
static int c_sites(lua_State *L) {
  stet_counter *c = stet_lua_counter_check(L, 1);
  lua_createtable(L, (int)c->nsites, 0);
  for (uint32_t id = 0; id < c->nsites; id++) {
    size_t l;
    const char *s = stet_counter_site_name(c, id, &l);
    lua_pushlstring(L, s, l);
    lua_rawseti(L, -2, (lua_Integer)id + 1);
  }
  return 1;
}

/* t:top(n [, site]) -> array of {fp=, site=, count=, sample=} */
static int c_top(lua_State *L) {
  stet_counter *c = stet_lua_counter_check(L, 1);
  lua_Integer n = luaL_checkinteger(L, 2);
  luaL_argcheck(L, n >= 0, 2, "must be >= 0");
  int64_t site = -1;
  if (!lua_isnoneornil(L, 3)) {
    size_t len;
    const char *s = luaL_checklstring(L, 3, &len);
    uint32_t id;
    if (!stet_counter_find_site(c, s, len, &id)) {
      lua_newtable(L);
      return 1;
    }
    site = id;
  }
  if ((size_t)n > c->size) n = (lua_Integer)c->size;
  stet_buf *box = stet_lua_newbuf(L);
  if (stet_buf_reserve(box, (size_t)n * sizeof(stet_count_entry) + 1)) return stet_lua_nomem(L);
  stet_count_entry *out = (stet_count_entry *)(void *)box->data;
  size_t k = stet_counter_top(c, (size_t)n, site, out);
  lua_createtable(L, (int)k, 0);
  for (size_t i = 0; i < k; i++) {
    lua_createtable(L, 0, 4);
    lua_pushinteger(L, (lua_Integer)out[i].fp);
    lua_setfield(L, -2, "fp");
    size_t l;
    const char *name = stet_counter_site_name(c, out[i].site, &l);
    lua_pushlstring(L, name, l);
    lua_setfield(L, -2, "site");
    lua_pushinteger(L, (lua_Integer)out[i].count);
    lua_setfield(L, -2, "count");
    const char *sample = stet_counter_sample(c, out[i].fp, out[i].site, &l);
    if (sample) {
      lua_pushlstring(L, sample, l);
      lua_setfield(L, -2, "sample");
    }
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1; /* the box is collected with its buffer */
}

/* t:save(path) -> true | nil, message */
static int c_save(lua_State *L) {
  stet_counter *c = stet_lua_counter_check(L, 1);
  const char *path = luaL_checkstring(L, 2);
  char err[512];
  if (stet_counter_save(c, path, err, sizeof err)) {
    luaL_pushfail(L);
    lua_pushstring(L, err);
    return 2;
  }
  lua_pushboolean(L, 1);
  return 1;
}

/* t:merge(other) -> t */
static int c_merge(lua_State *L) {
  stet_counter *c = stet_lua_counter_check(L, 1);
  stet_counter *o = stet_lua_counter_check(L, 2);
  luaL_argcheck(L, c != o, 2, "cannot merge a counter into itself");
  if (stet_counter_merge(c, o)) return stet_lua_nomem(L);
  lua_settop(L, 1);
  return 1;
}

static int c_tostring(lua_State *L) {
  counter_box *b = luaL_checkudata(L, 1, COUNTER_META);
  lua_pushfstring(L, "stet.counter (%d entries)", b->c ? (int)b->c->size : 0);
  return 1;
}

/* stet.load_counter(path) -> counter | nil, message */
static int l_load_counter(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  counter_box *b = lua_newuserdatauv(L, sizeof *b, 0);
  init_box(b);
  luaL_setmetatable(L, COUNTER_META);
  char err[512];
  b->c = stet_counter_load(path, err, sizeof err);
  if (!b->c) {
    luaL_pushfail(L);
    lua_pushstring(L, err);
    return 2;
  }
  return 1;
}

static const luaL_Reg methods[] = {
  {"add_all", c_add_all},
  {"reserve", c_reserve},
  {"work", c_work},
  {"sub", c_sub},
  {"sub_cluster", c_sub_cluster},
  {"add", c_add},
  {"add_paragraphs", c_add_paragraphs},
  {"add_file", c_add_file},
  {"add_files", c_add_files},
  {"add_jsonl", stet_lua_counter_add_jsonl},
  {"count", c_count},
  {"size", c_size},
  {"memory", c_memory},
  {"sites", c_sites},
  {"top", c_top},
  {"save", c_save},
  {"merge", c_merge},
  {NULL, NULL},
};

static const luaL_Reg funcs[] = {
  {"counter", l_counter},
  {"load_counter", l_load_counter},
  {NULL, NULL},
};

void stet_lua_open_counter(lua_State *L) {
  if (luaL_newmetatable(L, COUNTER_META)) {
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, c_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, c_tostring);
    lua_setfield(L, -2, "__tostring");
  }
  lua_pop(L, 1);
  luaL_setfuncs(L, funcs, 0);
}

/* The counter at idx, for other binding files (core/lua_counter_view.c). */
stet_counter *stet_lua_checkcounter(lua_State *L, int idx) {
  return stet_lua_counter_check(L, idx);
}
