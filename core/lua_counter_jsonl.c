/* core/lua_counter_jsonl.c: t:add_jsonl, the JSON Lines path of `stet
 * hash` (the rest of the counting tables' binding is core/lua_counter.c).
 * A plain file is mapped and its lines scanned in place by the JSON scanner
 * (core/json.h); compressed files are read in blocks through stet_reader.
 * Each line's `text` field is split into paragraphs and counted as
 * t:add_paragraphs does, at the newlines the scan noted where it unescaped
 * the text (a line holds no raw newline); lines the scanner does not take
 * go to a Lua fallback. The table is told how far into a mapped file the
 * lines are, for its growth (stet_counter_work). A mapped file that shrinks
 * while it is scanned (another process truncated it) makes the pages past
 * its new end fault with SIGBUS; the scan runs under a guard that turns
 * that into an error naming the file and line, as a read error is. */
#define _GNU_SOURCE /* madvise flags */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "decompress.h"
#include "json.h"
#include "lua_counter.h"

/* The state of one add_jsonl call. */
typedef struct jsonl_run {
  lua_State *L;
  counter_box *b;
  lua_Integer doc, docs, paras, bytes;
  int fixed;           /* every document has site default_name */
  uint32_t default_site;
  int have_default;    /* default_site is interned (only once used, so that
                          site ids come in the order of first use) */
  const char *default_name;
  size_t default_len;
  int samples;
  stet_reader *r;
  const char *end;     /* the end of the readable buffer holding the lines */
  int progress;        /* stack index of the progress function, or 0 */
  lua_Integer report_at; /* bytes after which it is called next */
  lua_Integer in_pos;  /* bytes of the input read up to the current line */
} jsonl_run;

/* The guard of a mapped scan: while this thread's map_guard is set, a
 * SIGBUS jumps back to it. The handler is installed once for the process;
 * a SIGBUS outside a guarded scan puts back the handler that was there
 * before, so that the fault, repeated, goes to it. The guard is off while
 * Lua runs (the fallback, the progress function): only the C code that
 * reads the mapping runs under it. */
static _Thread_local sigjmp_buf *map_guard;
static struct sigaction bus_before;
static pthread_once_t bus_once = PTHREAD_ONCE_INIT;
static int bus_ready;

static void on_sigbus(int sig, siginfo_t *info, void *uc) {
  (void)sig;
  (void)info;
  (void)uc;
  if (map_guard) siglongjmp(*map_guard, 1);
  sigaction(SIGBUS, &bus_before, NULL);
}

static void bus_install(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_sigbus;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  bus_ready = sigaction(SIGBUS, &sa, &bus_before) == 0;
}

/* lua_pcall with the guard off: Lua does not read the mapping. */
static int unguarded_pcall(lua_State *L, int nargs, int nresults) {
  sigjmp_buf *guard = map_guard;
  map_guard = NULL;
  int rc = lua_pcall(L, nargs, nresults, 0);
  map_guard = guard;
  return rc;
}

/* Newline offsets the JSON scan notes for a line's text; a text with more
 * is searched for its paragraphs instead. */
#define NL_ROOM 4096

/* Bytes of documents between two calls of add_jsonl's progress function. */
#define PROGRESS_STEP (4 * 1024 * 1024)

/* Lua's isspace in the C locale. */
static int is_space(unsigned char ch) {
  return ch == ' ' || (ch >= '\t' && ch <= '\r');
}

/* Adds one document of a JSON line, text[0..n) (text[0..avail) readable;
 * nl: NULL, or the offsets of its k newlines), and calls the progress
 * function every PROGRESS_STEP bytes. 0, -1 when
 * that raised (its error on the stack), or -2 on ENOMEM. */
static int jsonl_doc(jsonl_run *jr, const char *text, size_t n, size_t avail, uint32_t site,
                     const uint32_t *nl, size_t k) {
  lua_Integer count = stet_lua_counter_add_text(jr->b, text, n, avail, site,
                                                (uint64_t)(jr->doc + jr->docs), jr->samples, nl, k);
  if (count < 0) return -2;
  jr->docs++;
  jr->paras += count;
  jr->bytes += (lua_Integer)n;
  if (jr->progress && jr->bytes >= jr->report_at) {
    lua_State *L = jr->L;
    jr->report_at = jr->bytes + PROGRESS_STEP;
    lua_pushvalue(L, jr->progress);
    lua_pushinteger(L, jr->docs);
    lua_pushinteger(L, jr->bytes);
    lua_pushinteger(L, jr->in_pos);
    if (unguarded_pcall(L, 3, 0) != LUA_OK) return -1; /* its error on the stack */
  }
  return 0;
}

/* One line s[0..n) of a JSON Lines file, in a buffer readable up to
 * jr->end. Lines the scanner takes (an object
 * with a string `text`) are added here; the others go to the fallback
 * (stack index 8), which returns text, site or nothing. 0, -1 when the
 * fallback raised (its error on the stack) or -2 on ENOMEM. */
static int jsonl_line(jsonl_run *jr, const char *s, size_t n, lua_Integer lineno) {
  size_t k = 0;
  while (k < n && is_space((unsigned char)s[k])) k++;
  if (k == n) return 0;
  stet_buf *tb = &jr->b->text; /* the text unescaped (by the scan), then the site */
  tb->len = 0;
  if (stet_buf_reserve(tb, 2 * n + 2)) return -2;
  /* where the text's escapes put newlines: a line holds no raw newline,
   * so the paragraphs are found without searching the text (a line too
   * long for 32-bit offsets, or with more newlines than room, searches) */
  stet_buf *nb = &jr->b->nl;
  if (nb->cap < NL_ROOM * sizeof(uint32_t) && stet_buf_reserve(nb, NL_ROOM * sizeof(uint32_t)))
    return -2;
  stet_json_field f[2] = {{"text", 4, 0, 0, 0, 0, tb->data, 0, (uint32_t *)(void *)nb->data,
                           n < UINT32_MAX ? nb->cap / sizeof(uint32_t) : 0, 0},
                          {"site", 4, 0, 0, 0, 0, NULL, 0, NULL, 0, 0}};
  if (stet_json_scan(s, n, f, 2, NULL) == STET_JSON_OK && f[0].found) {
    const char *text = s + f[0].start, *site = s + f[1].start;
    size_t tlen = f[0].stop - f[0].start, slen = f[1].stop - f[1].start;
    size_t avail = (size_t)(jr->end - text);
    const uint32_t *nl = f[0].nl; /* unescaped: no newline at all */
    size_t nlk = 0;
    if (f[0].escaped) {
      text = tb->data;
      tlen = f[0].outlen;
      avail = tb->cap;
      nlk = f[0].nl_n;
      if (nlk > f[0].nl_cap) nl = NULL;
    }
    if (f[1].found && f[1].escaped) {
      char *out = tb->data + n + 1;
      slen = stet_json_unescape(site, slen, out);
      site = out;
    }
    if (slen != (size_t)-1) {
      uint32_t id;
      if (f[1].found && !jr->fixed) {
        if (stet_counter_site(jr->b->c, site, slen, &id)) return -2;
      } else {
        if (!jr->have_default) {
          if (stet_counter_site(jr->b->c, jr->default_name, jr->default_len, &jr->default_site))
            return -2;
          jr->have_default = 1;
        }
        id = jr->default_site;
      }
      return jsonl_doc(jr, text, tlen, avail, id, nl, nlk);
    }
  }
  lua_State *L = jr->L;
  if (map_guard) { /* the line out of the mapping first, under the guard */
    tb->len = 0;
    memcpy(tb->data, s, n);
    s = tb->data;
  }
  lua_pushvalue(L, 8);
  lua_pushlstring(L, s, n);
  lua_pushinteger(L, lineno);
  if (unguarded_pcall(L, 2, 2) != LUA_OK) return -1;
  int rc = 0;
  if (lua_type(L, -2) == LUA_TSTRING && lua_type(L, -1) == LUA_TSTRING) {
    size_t tlen, slen;
    const char *text = lua_tolstring(L, -2, &tlen), *site = lua_tolstring(L, -1, &slen);
    uint32_t id;
    rc = stet_counter_site(jr->b->c, site, slen, &id)
           ? -2
           : jsonl_doc(jr, text, tlen, tlen, id, NULL, 0);
    if (rc == -1) { /* the progress function raised: its error stays on top */
      lua_replace(L, -3);
      lua_pop(L, 1);
      return -1;
    }
  }
  lua_pop(L, 2);
  return rc;
}

/* Reads the JSON Lines file of jr->r in blocks of bs bytes and hands each
 * line to jsonl_line. 0, 1 with the read error message on the stack, or
 * what jsonl_line returned. */
static int jsonl_read(jsonl_run *jr, size_t bs, const char *head, size_t head_len) {
  stet_buf *f = &jr->b->file;
  size_t keep = 0; /* the unfinished line at the start of f */
  lua_Integer lineno = 0;
  f->len = 0;
  if (head_len) { /* bytes the caller read from the stream first */
    if (stet_buf_reserve(f, head_len + bs)) return -2;
    memcpy(f->data, head, head_len);
  }
  for (;;) {
    if (f->cap < keep + head_len + bs && stet_buf_reserve(f, keep + head_len + bs - f->len))
      return -2;
    ssize_t got = stet_reader_read(jr->r, f->data + keep + head_len, bs);
    if (got < 0) {
      lua_pushstring(jr->L, stet_reader_error(jr->r));
      return 1;
    }
    if (got == 0 && !head_len) break;
    jr->in_pos += (lua_Integer)got + (lua_Integer)head_len;
    /* keep has no '\n'; the head has not been scanned */
    size_t end = keep + head_len + (size_t)got, pos = 0, scan = keep;
    head_len = 0;
    const char *nl;
    jr->end = f->data + f->cap;
    while ((nl = memchr(f->data + scan, '\n', end - scan)) != NULL) {
      size_t stop = (size_t)(nl - f->data);
      int rc = jsonl_line(jr, f->data + pos, stop - pos, ++lineno);
      if (rc) return rc;
      pos = scan = stop + 1;
    }
    keep = end - pos;
    if (keep && pos) memmove(f->data, f->data + pos, keep);
    f->len = keep;
    if (got == 0) break;
  }
  if (keep) return jsonl_line(jr, f->data, keep, lineno + 1);
  return 0;
}

/* Bytes of a mapped file after which add_jsonl lets the pages it has read
 * go (they stay in the page cache), so a big file does not pile up in the
 * resident set. */
#define MAP_DROP (8 * 1024 * 1024)

/* add_jsonl on a plain file of size bytes, mapped instead of read: the
 * lines are scanned where they lie, without copying the file out of the
 * page cache. 0, what jsonl_line returned, 1 with "path: reason" on the
 * stack when the file shrank under the scan (the lines before are added),
 * or -3 when the file could not be mapped or guarded (then it is read in
 * blocks instead). */
static int jsonl_map(jsonl_run *jr, int fd, size_t size, const char *path) {
  if (size == 0) return 0;
  pthread_once(&bus_once, bus_install);
  if (!bus_ready) return -3;
  char *m = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (m == MAP_FAILED) return -3;
  madvise(m, size, MADV_SEQUENTIAL);
  jr->end = m + size;
  size_t pos = 0, dropped = 0, mapped = 0;
  volatile lua_Integer lineno = 0; /* read after a jump back */
  int rc = 0;
  sigjmp_buf guard;
  if (sigsetjmp(guard, 1)) {
    map_guard = NULL;
    munmap(m, size);
    stet_counter_work(jr->b->c, 0, 0);
    lua_pushfstring(jr->L, "%s: the file shrank while it was read (line %I: truncated by another program?)",
                    path, (LUAI_UACINT)lineno);
    return 1;
  }
  map_guard = &guard;
  while (pos < size && rc == 0) {
#ifdef MADV_POPULATE_READ
    if (pos + MAP_DROP / 2 >= mapped && mapped < size) {
      /* the page tables of the next stretch in one call, instead of a
       * fault every few pages (Linux 5.14; an older kernel says EINVAL) */
      size_t to = mapped + MAP_DROP < size ? mapped + MAP_DROP : size;
      madvise(m + mapped, ((to - mapped) + 4095) & ~(size_t)4095, MADV_POPULATE_READ);
      mapped = to;
    }
#endif
    lineno = lineno + 1;
    const char *nl = memchr(m + pos, '\n', size - pos);
    size_t stop = nl ? (size_t)(nl - m) : size;
    jr->in_pos = (lua_Integer)stop;
    stet_counter_work(jr->b->c, pos, size); /* growth by projection */
    rc = jsonl_line(jr, m + pos, stop - pos, lineno);
    pos = stop + 1;
    if (pos - dropped >= MAP_DROP && pos < size) {
      size_t upto = pos & ~(size_t)4095; /* samples were copied out */
      madvise(m + dropped, upto - dropped, MADV_DONTNEED);
      dropped = upto;
    }
  }
  map_guard = NULL;
  munmap(m, size);
  stet_counter_work(jr->b->c, 0, 0);
  return rc;
}

/* Opens path for mapping when it is a plain (not compressed) regular file:
 * the descriptor and *size, or -1 (then it is read through stet_reader). */
static int open_mappable(const char *path, size_t *size) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  struct stat st;
  unsigned char head[4];
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
      (uintmax_t)st.st_size > SIZE_MAX ||
      pread(fd, head, sizeof head, 0) != (ssize_t)sizeof head ||
      stet_lua_counter_needs_reader(path, head, sizeof head)) {
    close(fd);
    return -1;
  }
  *size = (size_t)st.st_size;
  return fd;
}

/* t:add_jsonl(path, doc, site, default_site, samples, block_size, fallback
 * [, head [, progress]]) -> docs, paragraphs, bytes [, err]. Adds the documents of a
 * JSON Lines file (gzip and zstd are decompressed), one a line, numbered
 * doc, doc + 1,
 * ...: the `text` field's paragraphs as add_paragraphs does, with site
 * site, else the `site` field, else default_site (site may be nil). Blank
 * lines are skipped; a line the JSON scanner (core/json.h) does not take
 * is passed to fallback(line, lineno), which returns text, site to add or
 * nothing (and must not use this counter). err is the "path: reason" of a
 * file that could not be read (the lines read before it are added). A
 * plain regular file is mapped and scanned in place when block_size is nil;
 * otherwise, and for compressed files, it is read in blocks of block_size
 * (default 4 MiB) bytes. path may also be a reader of stet.open (standard
 * input, a pipe), read in blocks and left open; head, the bytes the caller
 * already read from it, comes first. progress(docs, bytes, read), when
 * given, is called every few MB with the documents and text bytes added so
 * far and the bytes of the file read (decompressed ones for a compressed
 * file). */
int stet_lua_counter_add_jsonl(lua_State *L) {
  counter_box *b = luaL_checkudata(L, 1, COUNTER_META);
  stet_lua_counter_check(L, 1);
  stet_reader *given = stet_lua_to_reader(L, 2);
  const char *path = given ? NULL : luaL_checkstring(L, 2);
  jsonl_run jr = {L, b, luaL_checkinteger(L, 3), 0, 0, 0, !lua_isnoneornil(L, 4), 0, 0,
                  NULL, 0, 1, NULL, NULL, 0, PROGRESS_STEP, 0};
  if (lua_type(L, 10) == LUA_TFUNCTION) jr.progress = 10;
  jr.default_name = luaL_checklstring(L, jr.fixed ? 4 : 5, &jr.default_len);
  luaL_checkstring(L, 5);
  jr.samples = lua_isnoneornil(L, 6) || lua_toboolean(L, 6);
  int may_map = lua_isnoneornil(L, 7);
  lua_Integer bs = luaL_optinteger(L, 7, 4 * 1024 * 1024);
  luaL_argcheck(L, bs > 0 && bs <= (lua_Integer)1 << 30, 7, "must be in 1..2^30");
  luaL_checktype(L, 8, LUA_TFUNCTION);
  size_t head_len = 0;
  const char *head = luaL_optlstring(L, 9, "", &head_len);
  luaL_argcheck(L, given || !head_len, 9, "only with a reader");
  char err[600];
  int rc = -3;
  size_t size;
  int fd = may_map && !given ? open_mappable(path, &size) : -1;
  if (fd >= 0) {
    rc = jsonl_map(&jr, fd, size, path);
    close(fd);
  }
  if (given) {
    jr.r = given;
    rc = jsonl_read(&jr, (size_t)bs, head, head_len);
  } else if (rc == -3) {
    jr.r = stet_reader_open(path, err, sizeof err);
    rc = 1;
    if (!jr.r) lua_pushstring(L, err);
    else rc = jsonl_read(&jr, (size_t)bs, NULL, 0);
    stet_reader_close(jr.r);
  }
  stet_buf_trim(&b->file, FILE_KEEP);
  stet_buf_trim(&b->text, FILE_KEEP);
  if (rc == -2) return stet_lua_nomem(L);
  if (rc == -1) return lua_error(L);
  lua_pushinteger(L, jr.docs);
  lua_pushinteger(L, jr.paras);
  lua_pushinteger(L, jr.bytes);
  if (rc == 1) {
    lua_rotate(L, -4, -1); /* the message last */
    return 4;
  }
  return 3;
}
