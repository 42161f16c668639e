/* core/lua_sys.c: small system helpers for Lua: stet.open (a decompressing
 * file reader, core/decompress.c), stet.listdir, stet.stat, stet.isatty,
 * stet.clock and stet.cpu_count. The Lua readers (lua/stet/readers.lua) are
 * built on these. stet.find_files lists the regular files under a path, as
 * `find PATH -type f | LC_ALL=C sort` would, for `stet hash`. */
#define _DEFAULT_SOURCE /* d_type and DT_* in struct dirent */
#define _GNU_SOURCE     /* memrchr */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "decompress.h"
#include "lua_stet.h"
#include "outfile.h"
#include "spill.h"

#define READER_META "stet.reader"
#define READ_DEFAULT (64 * 1024)

typedef struct reader_box {
  stet_reader *r;  /* owned; NULL once closed */
  stet_buf carry;  /* read_lines: the start of a line read past its last line end */
  long long rpos;  /* bytes the reader handed out: for a plain file, the file offset */
} reader_box;

/* stet_reader_read through the box, counting what it hands out. */
static ssize_t box_read(reader_box *box, void *out, size_t n) {
  ssize_t got = stet_reader_read(box->r, out, n);
  if (got > 0) box->rpos += got;
  return got;
}

/* The open reader at index 1; raises if it was closed. */
static stet_reader *check_reader(lua_State *L) {
  reader_box *box = (reader_box *)luaL_checkudata(L, 1, READER_META);
  if (!box->r) luaL_error(L, "attempt to use a closed reader");
  return box->r;
}

stet_reader *stet_lua_to_reader(lua_State *L, int idx) {
  reader_box *box = (reader_box *)luaL_testudata(L, idx, READER_META);
  return box ? box->r : NULL;
}

/* stet.open(path) -> reader | nil, "path: reason". [-0, +1|2] */
static int l_open(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  reader_box *box = lua_newuserdatauv(L, sizeof *box, 0);
  box->r = NULL;
  box->carry = (stet_buf)STET_BUF_INIT;
  box->rpos = 0;
  luaL_setmetatable(L, READER_META);
  char err[600];
  box->r = stet_reader_open(path, err, sizeof err);
  if (!box->r) {
    lua_pushnil(L);
    lua_pushstring(L, err);
    return 2;
  }
  return 1;
}

/* reader:read([n]) -> up to n bytes (default 64 KiB) | nil at the end |
 * nil, "path: reason" on a read or decompression error. [-0, +1|2] */
static int l_read(lua_State *L) {
  stet_reader *r = check_reader(L);
  reader_box *box = (reader_box *)lua_touserdata(L, 1);
  lua_Integer n = luaL_optinteger(L, 2, READ_DEFAULT);
  luaL_argcheck(L, n > 0, 2, "must be positive");
  luaL_Buffer b;
  char *p = luaL_buffinitsize(L, &b, (size_t)n);
  ssize_t got = box_read(box, p, (size_t)n);
  if (got < 0) {
    lua_pushnil(L);
    lua_pushstring(L, stet_reader_error(r));
    return 2;
  }
  if (got == 0) {
    lua_pushnil(L);
    return 1;
  }
  luaL_pushresultsize(&b, (size_t)got);
  return 1;
}

/* reader:read_all() -> the rest of the stream ("" at the end) | nil,
 * "path: reason". Sized from the file's size when it is a plain file, so a
 * small document costs one buffer, not a 1 MB block. [-0, +1|2] */
static int l_read_all(lua_State *L) {
  stet_reader *r = check_reader(L);
  reader_box *box = (reader_box *)lua_touserdata(L, 1);
  size_t hint = stet_reader_size_hint(r);
  size_t step = hint ? hint + 1 : READ_DEFAULT;
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (;;) {
    char *p = luaL_prepbuffsize(&b, step);
    ssize_t got = box_read(box, p, step);
    if (got < 0) {
      lua_pushnil(L);
      lua_pushstring(L, stet_reader_error(r));
      return 2;
    }
    if (got == 0) break;
    luaL_addsize(&b, (size_t)got);
    if (hint && (size_t)got < step) break; /* a plain read stops short only at the end */
    if (step < (1 << 20)) step *= 2;
  }
  luaL_pushresult(&b);
  return 1;
}

/* stet.read_file(path [, size]) -> the whole file, decompressed (as
 * stet.open reads it) | nil, "path: reason". One call per document file: a
 * plain file is read in one go into a buffer kept between calls. size: the
 * file's size from stet.listdir, when the caller knows it is a regular
 * file (see stet_read_plain_file). [-0, +1|2] */
static int l_read_file(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  lua_Integer size = luaL_optinteger(L, 2, -1);
  lua_settop(L, 1);
  stet_buf *scratch = (stet_buf *)lua_touserdata(L, lua_upvalueindex(1));
  char err[600];
  scratch->len = 0;
  int rc = stet_read_plain_file(path, size < 0 ? -1 : (long long)size, scratch, err, sizeof err);
  if (rc < 0) {
    lua_pushnil(L);
    lua_pushstring(L, err);
    return 2;
  }
  if (rc == 0) {
    lua_pushlstring(L, scratch->data ? scratch->data : "", scratch->len);
    stet_buf_trim(scratch, STET_BUF_KEEP); /* keep small buffers only */
    return 1;
  }
  reader_box *box = lua_newuserdatauv(L, sizeof *box, 0); /* closed by __gc on an error */
  box->r = NULL;
  box->carry = (stet_buf)STET_BUF_INIT;
  box->rpos = 0;
  luaL_setmetatable(L, READER_META);
  box->r = stet_reader_open(path, err, sizeof err);
  if (!box->r) {
    lua_pushnil(L);
    lua_pushstring(L, err);
    return 2;
  }
  lua_replace(L, 1); /* read_all's reader at index 1 */
  int n = l_read_all(L);
  stet_reader_close(box->r);
  box->r = NULL;
  return n;
}

/* reader:compression() -> "plain" | "gzip" | "zstd". [-0, +1] */
static int l_compression(lua_State *L) {
  static const char *const names[] = {"plain", "gzip", "zstd"};
  lua_pushstring(L, names[stet_reader_compression(check_reader(L))]);
  return 1;
}

/* What fill_lines found. */
enum { LINES_CUT, LINES_END, LINES_ERROR };

/* Reads the stream n bytes at a time into the reader's carry buffer until
 * what it read holds a line end (LINES_CUT, *cut the offset of the last
 * one in the carry), or the stream ends (LINES_END) or fails (LINES_ERROR):
 * the carry then holds the last line, or its start. Raises on ENOMEM. */
static int fill_lines(lua_State *L, reader_box *box, size_t n, size_t *cut) {
  stet_buf *c = &box->carry;
  for (;;) {
    size_t at = c->len;
    if (stet_buf_reserve(c, n)) return stet_lua_nomem(L);
    ssize_t got = box_read(box, c->data + at, n);
    if (got < 0) return LINES_ERROR;
    if (got == 0) return LINES_END;
    c->len += (size_t)got;
    const char *nl = memrchr(c->data + at, '\n', (size_t)got);
    if (nl) {
      *cut = (size_t)(nl - c->data);
      return LINES_CUT;
    }
  }
}

/* Lets go of a carry buffer grown by a very long line once what it holds
 * is short again. */
static void carry_shrink(stet_buf *c) {
  if (c->cap > (16u << 20) && c->len < (1u << 20)) {
    stet_buf keep = STET_BUF_INIT;
    if (stet_buf_append(&keep, c->data, c->len) == 0) {
      stet_buf_free(c);
      *c = keep;
    }
  }
}

/* Drops the carry's lines up to the line end at cut, keeping the start of
 * the next line. */
static void carry_drop(stet_buf *c, size_t cut) {
  size_t rest = c->len - cut - 1;
  memmove(c->data, c->data + cut + 1, rest);
  c->len = rest;
  carry_shrink(c);
}

/* Hands the carry's first len bytes to sink by trading the two buffers:
 * what follows them from offset rest on (the start of the next line) goes
 * back into the carry, the only bytes copied. 0, or -1 on ENOMEM. */
static int carry_give(stet_buf *c, stet_buf *sink, size_t len, size_t rest) {
  stet_buf lines = *c;
  *c = *sink;
  *sink = lines;
  c->len = 0;
  if (rest < sink->len && stet_buf_append(c, sink->data + rest, sink->len - rest)) return -1;
  carry_shrink(c);
  sink->len = len;
  return 0;
}

/* The block size at index 2 and the prefix at index 3 (put in the carry)
 * of read_lines and scan_lines. */
static size_t lines_args(lua_State *L, reader_box *box, const char *name) {
  lua_Integer n = luaL_optinteger(L, 2, READ_DEFAULT);
  luaL_argcheck(L, n > 0, 2, "must be positive");
  size_t plen;
  const char *prefix = luaL_optlstring(L, 3, NULL, &plen);
  stet_buf *c = &box->carry;
  if (prefix && plen) {
    if (c->len) return (size_t)luaL_error(L, "%s: a prefix while a line waits", name);
    if (stet_buf_append(c, prefix, plen)) return (size_t)stet_lua_nomem(L);
  }
  return (size_t)n;
}

/* reader:read_lines(n [, prefix [, sink]]) -> lines | nil at the end |
 * partial, "path: reason": the next whole lines of the stream, read n
 * bytes at a time, joined by "\n" as they were and without the last one's
 * line end; more than n bytes when a line is longer. A line read past its
 * line end waits in the reader for the next call; prefix (a line's start
 * read before, by read) goes before what is read. At the end, the last
 * line even without a line end; on an error, the line read so far (nil
 * when none). Each byte is copied once, into the string returned. With a
 * sink (stet._sink), the lines go into it instead and the sink is
 * returned: the reader's buffer and the sink's trade places, so the lines
 * are not copied at all (only the start of the next line is), and the two
 * buffers serve from call to call without fresh memory; the sink's lines
 * last until the next call with it. [-0, +1|2] */
static int l_read_lines(lua_State *L) {
  stet_reader *r = check_reader(L);
  reader_box *box = (reader_box *)lua_touserdata(L, 1);
  stet_buf *sink = lua_isnoneornil(L, 4) ? NULL : stet_lua_testbuf(L, 4);
  luaL_argexpected(L, sink || lua_isnoneornil(L, 4), 4, "stet._sink");
  size_t n = lines_args(L, box, "read_lines"), cut;
  stet_buf *c = &box->carry;
  int got = fill_lines(L, box, n, &cut);
  if (got != LINES_CUT) { /* the end, or an error: the last line, or its start */
    if (!c->len) lua_pushnil(L);
    else if (sink && got == LINES_END) {
      if (carry_give(c, sink, c->len, c->len)) return stet_lua_nomem(L);
      lua_pushvalue(L, 4);
    } else
      lua_pushlstring(L, c->data, c->len);
    c->len = 0;
    if (got == LINES_ERROR) {
      lua_pushstring(L, stet_reader_error(r));
      return 2;
    }
    return 1;
  }
  if (sink) {
    if (carry_give(c, sink, cut, cut + 1)) return stet_lua_nomem(L);
    lua_pushvalue(L, 4);
    return 1;
  }
  lua_pushlstring(L, c->data, cut);
  carry_drop(c, cut);
  return 1;
}

#define SCAN_STEP (64 * 1024) /* scan_lines reads this much at a time */

/* reader:scan_lines(n [, prefix]) -> off, len, texts, bytes, lines, nl |
 * nil at the end | nil, "path: reason", partial: read_lines for a plain
 * file, which says where its lines are instead of making them a string:
 * the lines read_lines would return are the len bytes at offset off of the
 * file, followed by a line end when nl; texts, bytes and lines are what
 * stet._count_lines says of them. It reads 64 KiB at a time and counts as
 * it goes, keeping only the start of the last line, so the caller (the
 * main thread of `stet clean`) copies each byte once, into a buffer that
 * stays in the cache; a worker reads the lines with stet._read_range.
 * [-0, +1|3|6] */
static int l_scan_lines(lua_State *L) {
  stet_reader *r = check_reader(L);
  reader_box *box = (reader_box *)lua_touserdata(L, 1);
  if (stet_reader_compression(r) != STET_COMP_NONE)
    return luaL_error(L, "scan_lines: the stream is compressed");
  size_t n = lines_args(L, box, "scan_lines"), cut;
  stet_buf *c = &box->carry;
  long long off = box->rpos - (long long)c->len, end = off;
  long long texts = 0, bytes = 0, lines = 0, t, b, l;
  int nl = 1; /* a line end follows the block */
  for (;;) {
    int got = fill_lines(L, box, SCAN_STEP, &cut);
    if (got == LINES_ERROR) {
      lua_pushnil(L);
      lua_pushstring(L, stet_reader_error(r));
      if (c->len) lua_pushlstring(L, c->data, c->len);
      else lua_pushnil(L);
      c->len = 0;
      return 3;
    }
    if (got == LINES_END) {
      if (c->len) { /* the last line, without a line end */
        stet_count_lines(c->data, c->len, &t, &b, &l);
        texts += t, bytes += b, lines += l;
        end += (long long)c->len;
        c->len = 0;
        nl = 0;
      } else if (end == off) {
        lua_pushnil(L);
        return 1;
      } else {
        end--; /* the last line end read is the block's */
      }
      break;
    }
    stet_count_lines(c->data, cut, &t, &b, &l);
    texts += t, bytes += b, lines += l;
    end += (long long)cut + 1;
    carry_drop(c, cut);
    if (end - off >= (long long)n) {
      end--;
      break;
    }
  }
  lua_pushinteger(L, (lua_Integer)off);
  lua_pushinteger(L, (lua_Integer)(end - off));
  lua_pushinteger(L, (lua_Integer)texts);
  lua_pushinteger(L, (lua_Integer)bytes);
  lua_pushinteger(L, (lua_Integer)lines);
  lua_pushboolean(L, nl);
  return 6;
}

/* reader:size() -> the size of the plain regular file it reads, or nil
 * (compressed, standard input, a pipe, an empty file). [-0, +1] */
static int l_reader_size(lua_State *L) {
  size_t size = stet_reader_size_hint(check_reader(L));
  if (size == 0) return 0;
  lua_pushinteger(L, (lua_Integer)size);
  return 1;
}

/* stet._read_range(sink, path, off, len, nl, texts, lines) -> true | nil,
 * "path: reason": reads the len bytes at offset off of the file at path
 * into the byte buffer sink (stet._sink), in place of what it held: the
 * lines reader:scan_lines found there. They are checked against what it
 * found: a line end after them when nl, and as many lines and documents
 * (texts) as it counted; a file that changed there since is the error
 * "path: the file changed while it was read" (a change that keeps every
 * line end where it was goes unseen). [-0, +1|2] */
static int l_read_range(lua_State *L) {
  stet_buf *b = stet_lua_testbuf(L, 1);
  luaL_argexpected(L, b != NULL, 1, "stet._sink");
  const char *path = luaL_checkstring(L, 2);
  lua_Integer off = luaL_checkinteger(L, 3), len = luaL_checkinteger(L, 4);
  int nl = lua_toboolean(L, 5);
  lua_Integer texts = luaL_checkinteger(L, 6), lines = luaL_checkinteger(L, 7);
  luaL_argcheck(L, off >= 0, 3, "negative offset");
  luaL_argcheck(L, len >= 0, 4, "negative length");
  size_t want = (size_t)len + (nl ? 1 : 0), got = 0;
  b->len = 0;
  if (stet_buf_reserve(b, want + 1)) return stet_lua_nomem(L);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    lua_pushnil(L);
    lua_pushfstring(L, "%s: %s", path, strerror(errno));
    return 2;
  }
  while (got < want) {
    ssize_t k = pread(fd, b->data + got, want - got, (off_t)off + (off_t)got);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) {
      int e = errno;
      close(fd);
      lua_pushnil(L);
      lua_pushfstring(L, "%s: %s", path, strerror(e));
      return 2;
    }
    if (k == 0) break;
    got += (size_t)k;
  }
  close(fd);
  long long t = -1, bytes, l = -1;
  if (got == want && (!nl || b->data[len] == '\n'))
    stet_count_lines(b->data, (size_t)len, &t, &bytes, &l);
  if (t != texts || l != lines) {
    lua_pushnil(L);
    lua_pushfstring(L, "%s: the file changed while it was read", path);
    return 2;
  }
  b->len = (size_t)len;
  lua_pushboolean(L, 1);
  return 1;
}

/* reader:close() -> true; closing twice is harmless. Also __gc, __close. */
static int l_close(lua_State *L) {
  reader_box *box = (reader_box *)luaL_checkudata(L, 1, READER_META);
  stet_reader_close(box->r);
  box->r = NULL;
  stet_buf_free(&box->carry);
  lua_pushboolean(L, 1);
  return 1;
}

/* tostring(reader) -> "stet.reader (open)" or "(closed)". */
static int l_reader_tostring(lua_State *L) {
  reader_box *box = (reader_box *)luaL_checkudata(L, 1, READER_META);
  lua_pushstring(L, box->r ? "stet.reader (open)" : "stet.reader (closed)");
  return 1;
}

/* qsort comparison of two names: bytewise, as strcmp compares. */
static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* stet.listdir(path [, details]) -> array of entry names sorted bytewise
 * (without "." and "..") | nil, "path: reason". With details, also the
 * arrays of their kinds ("file", "dir", "other", as stet.stat says, or
 * false when they cannot be read) and sizes. With details "kinds", the
 * kinds come from the folder's entry types where the file system gives
 * them, without a stat of each entry, and a regular file's size is -1
 * (unknown); symbolic links are still followed. [-0, +1|3|2] */
static int l_listdir(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  int details = lua_toboolean(L, 2);
  int by_type = lua_type(L, 2) == LUA_TSTRING && strcmp(lua_tostring(L, 2), "kinds") == 0;
  lua_settop(L, 1);
  stet_buf *names = stet_lua_newbuf(L);  /* NUL-terminated names, owned by Lua */
  stet_buf *index = stet_lua_newbuf(L);  /* their offsets, then pointers */
  DIR *d = opendir(path);
  if (!d) {
    lua_pushnil(L);
    lua_pushfstring(L, "%s: %s", path, strerror(errno));
    return 2;
  }
  size_t count = 0;
  int oom = 0;
  struct dirent *e;
  errno = 0;
  while ((e = readdir(d)) != NULL) {
    const char *nm = e->d_name;
    if (strcmp(nm, ".") == 0 || strcmp(nm, "..") == 0) continue;
    unsigned char type = (unsigned char)e->d_type;
    if (stet_buf_append(names, &type, 1) < 0) { /* the type, then the name */
      oom = 1;
      break;
    }
    size_t off = names->len;
    if (stet_buf_append(names, nm, strlen(nm) + 1) < 0 ||
        stet_buf_append(index, &off, sizeof off) < 0) {
      oom = 1;
      break;
    }
    count++;
  }
  int read_errno = errno;
  closedir(d);
  if (oom) return stet_lua_nomem(L);
  if (e == NULL && read_errno != 0) {
    lua_pushnil(L);
    lua_pushfstring(L, "%s: %s", path, strerror(read_errno));
    return 2;
  }
  /* names no longer moves: turn offsets into pointers and sort them */
  char **ptrs = (char **)(void *)index->data;
  for (size_t i = 0; i < count; i++) {
    size_t off;
    memcpy(&off, index->data + i * sizeof off, sizeof off);
    ptrs[i] = names->data + off;
  }
  if (count > 1) qsort(ptrs, count, sizeof *ptrs, cmp_names);
  lua_createtable(L, (int)count, 0);
  for (size_t i = 0; i < count; i++) {
    lua_pushstring(L, ptrs[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  if (!details) return 1;
  /* kinds and sizes, by fstatat relative to the folder: one lookup each */
  int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  lua_createtable(L, (int)count, 0);
  lua_createtable(L, (int)count, 0);
  for (size_t i = 0; i < count; i++) {
    struct stat st;
    unsigned char type = (unsigned char)ptrs[i][-1];
    if (by_type && (type == DT_REG || type == DT_DIR || type == DT_FIFO || type == DT_SOCK ||
                    type == DT_CHR || type == DT_BLK)) {
      if (type == DT_REG) lua_pushliteral(L, "file");
      else if (type == DT_DIR) lua_pushliteral(L, "dir");
      else lua_pushliteral(L, "other");
      lua_pushinteger(L, type == DT_REG ? -1 : 0);
    } else if (dfd < 0 || fstatat(dfd, ptrs[i], &st, 0) != 0) {
      lua_pushboolean(L, 0);
      lua_pushinteger(L, 0);
    } else {
      if (S_ISREG(st.st_mode)) lua_pushliteral(L, "file");
      else if (S_ISDIR(st.st_mode)) lua_pushliteral(L, "dir");
      else lua_pushliteral(L, "other");
      lua_pushinteger(L, (lua_Integer)st.st_size);
    }
    lua_rawseti(L, -3, (lua_Integer)i + 1);
    lua_rawseti(L, -3, (lua_Integer)i + 1);
  }
  if (dfd >= 0) close(dfd);
  return 3;
}

/* stet.stat(path [, nofollow]) -> "file" | "dir" | "other", size, identity
 * | nil, "path: reason". Follows symbolic links, unless nofollow: then a
 * link is "link" (a file is removed only where it is "file" so). The
 * identity ("dev:inode") tells whether two paths are the same file or
 * folder (walks use it against loops, stet clean against writing over its
 * input). */
static int l_stat(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  int nofollow = lua_toboolean(L, 2);
  struct stat st;
  if ((nofollow ? lstat(path, &st) : stat(path, &st)) != 0) {
    lua_pushnil(L);
    lua_pushfstring(L, "%s: %s", path, strerror(errno));
    return 2;
  }
  if (S_ISREG(st.st_mode)) lua_pushliteral(L, "file");
  else if (S_ISDIR(st.st_mode)) lua_pushliteral(L, "dir");
  else if (S_ISLNK(st.st_mode)) lua_pushliteral(L, "link");
  else lua_pushliteral(L, "other");
  lua_pushinteger(L, (lua_Integer)st.st_size);
  lua_pushfstring(L, "%I:%I", (lua_Integer)st.st_dev, (lua_Integer)st.st_ino);
  return 3;
}

/* stet._outfile_target(path) -> the file to write PATH.tmp for and rename
 * over, or false to write path straight (core/outfile.h). [-0, +1] */
static int l_outfile_target(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  char *target;
  if (stet_outfile_target(path, &target)) return stet_lua_nomem(L);
  if (target) lua_pushstring(L, target);
  else lua_pushboolean(L, 0);
  free(target);
  return 1;
}

/* The walk of stet._input_size: the bytes so far, the entries seen, and
 * when to give up (a progress line must not wait long for its percent). */
typedef struct size_walk {
  long long total;
  unsigned long entries;
  struct timespec deadline;
} size_walk;

#define SIZE_WALK_SECONDS 0.5

/* Adds to w->total the size of the regular file or folder name (relative
 * to the folder at) met at depth: a folder's entries not starting with "."
 * (links followed). 0, or -1 when the size cannot be known (cheaply): a
 * compressed file, something not a file or folder, an unreadable folder,
 * too deep, or past the walk's deadline. */
static int tree_size(int at, const char *name, int depth, size_walk *w) {
  struct stat st;
  if (++w->entries % 1024 == 0) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec > w->deadline.tv_sec ||
        (now.tv_sec == w->deadline.tv_sec && now.tv_nsec > w->deadline.tv_nsec))
      return -1;
  }
  if (depth > 64 || fstatat(at, name, &st, 0) != 0) return -1;
  if (S_ISREG(st.st_mode)) {
    size_t n = strlen(name);
    if ((n >= 3 && strcmp(name + n - 3, ".gz") == 0) || (n >= 4 && strcmp(name + n - 4, ".zst") == 0))
      return -1;
    w->total += (long long)st.st_size;
    return 0;
  }
  if (!S_ISDIR(st.st_mode)) return -1;
  int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d = fd < 0 ? NULL : fdopendir(fd);
  if (!d) {
    if (fd >= 0) close(fd);
    return -1;
  }
  int rc = 0;
  struct dirent *e;
  while (rc == 0 && (e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    rc = tree_size(dirfd(d), e->d_name, depth + 1, w);
  }
  closedir(d);
  return rc;
}

/* stet._input_size(paths [, seconds]) -> the bytes of the inputs when they
 * can be known cheaply (regular files and folders of them, nothing
 * compressed, no "-", found within seconds, default SIZE_WALK_SECONDS),
 * else nil: for a progress line's percent. [-0, +1] */
static int l_input_size(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  double secs = luaL_optnumber(L, 2, SIZE_WALK_SECONDS);
  luaL_argcheck(L, secs >= 0 && secs < 3600, 2, "must be in 0..3600");
  size_walk w = {0, 0, {0, 0}};
  clock_gettime(CLOCK_MONOTONIC, &w.deadline);
  w.deadline.tv_sec += (time_t)secs;
  w.deadline.tv_nsec += (long)((secs - (double)(time_t)secs) * 1e9);
  if (w.deadline.tv_nsec >= 1000000000L) {
    w.deadline.tv_sec++;
    w.deadline.tv_nsec -= 1000000000L;
  }
  lua_Integer n = (lua_Integer)lua_rawlen(L, 1);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, 1, i);
    const char *p = lua_tostring(L, -1);
    int ok = p && strcmp(p, "-") != 0 && tree_size(AT_FDCWD, p, 0, &w) == 0;
    lua_pop(L, 1);
    if (!ok) {
      lua_pushnil(L);
      return 1;
    }
  }
  lua_pushinteger(L, (lua_Integer)w.total);
  return 1;
}

/* stet._outfile_std(path) -> the descriptor the output path names ("-",
 * /dev/stdout, /dev/fd/N: core/outfile.h), or nil. [-0, +1] */
static int l_outfile_std(lua_State *L) {
  int fd = stet_outfile_std(luaL_checkstring(L, 1));
  if (fd < 0) lua_pushnil(L);
  else lua_pushinteger(L, fd);
  return 1;
}

/* Appends to names (NUL-terminated) the regular files under the path held
 * in p (NUL-terminated, length plen), recursively, without following
 * symbolic links; unreadable folders are skipped, as find does. Returns
 * 0, or -1 on ENOMEM. */
static int walk(stet_buf *p, size_t plen, int is_dir, stet_buf *names, size_t *count) {
  if (!is_dir) {
    if (stet_buf_append(names, p->data, plen + 1)) return -1;
    (*count)++;
    return 0;
  }
  DIR *d = opendir(p->data);
  if (!d) return 0;
  struct dirent *e;
  int rc = 0;
  while (rc == 0 && (e = readdir(d)) != NULL) {
    const char *nm = e->d_name;
    if (strcmp(nm, ".") == 0 || strcmp(nm, "..") == 0) continue;
    size_t nl = strlen(nm), sep = plen > 0 && p->data[plen - 1] != '/';
    p->len = plen;
    if (stet_buf_reserve(p, sep + nl + 1)) {
      rc = -1;
      break;
    }
    if (sep) p->data[p->len++] = '/';
    memcpy(p->data + p->len, nm, nl + 1);
    size_t len = p->len + nl;
    int type = e->d_type;
    if (type == DT_UNKNOWN) {
      struct stat st;
      if (lstat(p->data, &st) != 0) continue;
      type = S_ISREG(st.st_mode) ? DT_REG : S_ISDIR(st.st_mode) ? DT_DIR : DT_UNKNOWN;
    }
    if (type == DT_REG || type == DT_DIR) rc = walk(p, len, type == DT_DIR, names, count);
  }
  closedir(d);
  p->len = plen;
  if (p->data) p->data[plen] = '\0';
  return rc;
}

/* stet.find_files(path) -> array of the regular files under path (path
 * itself when it is one), sorted bytewise; symbolic links are not
 * followed and an unreadable or missing path gives no files. [-0, +1] */
static int l_find_files(lua_State *L) {
  size_t plen;
  const char *path = luaL_checklstring(L, 1, &plen);
  stet_buf *p = stet_lua_newbuf(L);
  stet_buf *names = stet_lua_newbuf(L);
  size_t count = 0;
  struct stat st;
  if (stet_buf_append(p, path, plen + 1)) return stet_lua_nomem(L);
  if (lstat(path, &st) == 0 && (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) &&
      walk(p, plen, S_ISDIR(st.st_mode), names, &count))
    return stet_lua_nomem(L);
  stet_buf *index = stet_lua_newbuf(L);
  if (stet_buf_reserve(index, (count + 1) * sizeof(char *))) return stet_lua_nomem(L);
  /* every name starts with path: sort what follows it (the same order,
   * without comparing the common prefix again and again) */
  char **ptrs = (char **)(void *)index->data;
  for (size_t i = 0, off = 0; i < count; i++) {
    ptrs[i] = names->data + off + plen;
    off += plen + strlen(ptrs[i]) + 1;
  }
  if (count > 1) qsort(ptrs, count, sizeof *ptrs, cmp_names);
  lua_createtable(L, (int)count, 0);
  for (size_t i = 0; i < count; i++) {
    lua_pushlstring(L, ptrs[i] - plen, plen + strlen(ptrs[i]));
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

/* stet.isatty(fd) -> boolean. [-0, +1] */
static int l_isatty(lua_State *L) {
  lua_Integer fd = luaL_checkinteger(L, 1);
  lua_pushboolean(L, fd >= 0 && fd <= 1 << 20 && isatty((int)fd));
  return 1;
}

/* stet.clock() -> seconds on the monotonic clock, as a float. [-0, +1] */
static int l_clock(lua_State *L) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  lua_pushnumber(L, (lua_Number)ts.tv_sec + (lua_Number)ts.tv_nsec / 1e9);
  return 1;
}

/* stet.cpu_count() -> number of online processors (at least 1). [-0, +1] */
static int l_cpu_count(lua_State *L) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  lua_pushinteger(L, n > 0 ? (lua_Integer)n : 1);
  return 1;
}

/* stet._tmpfile(prefix) -> path | nil, "dir: reason": a new empty file
 * named prefix + 6 random characters in $TMPDIR (else /tmp), made with
 * mkstemp, for the caller to write and remove. [-0, +1|2] */
static int l_tmpfile(lua_State *L) {
  size_t plen;
  const char *prefix = luaL_checklstring(L, 1, &plen);
  luaL_argcheck(L, !memchr(prefix, '/', plen) && strlen(prefix) == plen, 1, "a name, not a path");
  const char *dir = stet_spill_default_dir();
  char *path;
  int fd = stet_tmpfile_in(dir, prefix, &path);
  if (fd < 0) {
    lua_pushnil(L);
    lua_pushfstring(L, "%s: %s", dir, strerror(errno));
    return 2;
  }
  close(fd);
  lua_pushstring(L, path);
  free(path);
  return 1;
}

static const luaL_Reg reader_methods[] = {
  {"read", l_read},
  {"read_all", l_read_all},
  {"read_lines", l_read_lines},
  {"scan_lines", l_scan_lines},
  {"size", l_reader_size},
  {"close", l_close},
  {"compression", l_compression},
  {NULL, NULL},
};

static const luaL_Reg funcs[] = {
  {"open", l_open},
  {"listdir", l_listdir},
  {"find_files", l_find_files},
  {"stat", l_stat},
  {"isatty", l_isatty},
  {"clock", l_clock},
  {"cpu_count", l_cpu_count},
  {"_read_range", l_read_range},
  {"_outfile_target", l_outfile_target},
  {"_outfile_std", l_outfile_std},
  {"_input_size", l_input_size},
  {"_tmpfile", l_tmpfile},
  {NULL, NULL},
};

void stet_lua_open_sys(lua_State *L) {
  if (luaL_newmetatable(L, READER_META)) {
    luaL_newlib(L, reader_methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, l_close);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, l_close);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, l_reader_tostring);
    lua_setfield(L, -2, "__tostring");
  }
  lua_pop(L, 1);
  luaL_setfuncs(L, funcs, 0);
  stet_lua_newbuf(L); /* read_file's buffer, reused from file to file */
  lua_pushcclosure(L, l_read_file, 1);
  lua_setfield(L, -2, "read_file");
}
