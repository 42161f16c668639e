/* core/decompress.c: stet_reader, a file reader that decompresses gzip/zlib
 * (zlib's inflate) and zstd (ZSTD_decompressStream) input as it streams,
 * chosen by the magic bytes at the start of the file. See decompress.h. */
#include "decompress.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#define IN_CAP (128 * 1024)

struct stet_reader {
  int fd;
  int own_fd;             /* 0 for standard input */
  stet_compression comp;
  unsigned char *in;      /* owned, IN_CAP bytes of compressed input */
  size_t in_pos, in_len;  /* unread input is in[in_pos .. in_len) */
  int eof;                /* the file has no more bytes */
  int failed;             /* an error happened; err holds it */
  int in_frame;           /* inside a gzip member or zstd frame */
  int member_done;        /* gzip: a member ended, the next one not started */
  z_stream z;
  int z_ready;
  ZSTD_DStream *zs;
  size_t size;            /* the file's size when it is a regular file, else 0 */
  char *name;             /* owned, for messages */
  char err[512];
};

/* Records the error "name: message" and marks the reader failed. */
static void fail(stet_reader *r, const char *fmt, ...) {
  int k = snprintf(r->err, sizeof r->err, "%s: ", r->name);
  if (k < 0 || (size_t)k >= sizeof r->err) k = 0;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->err + k, sizeof r->err - (size_t)k, fmt, ap);
  va_end(ap);
  r->failed = 1;
}

/* Reads more input after what is buffered, moving the unread part to the
 * front first. Sets eof at the end of the file. 0 on success, -1 on error. */
static int fill(stet_reader *r) {
  if (r->in_pos > 0) {
    memmove(r->in, r->in + r->in_pos, r->in_len - r->in_pos);
    r->in_len -= r->in_pos;
    r->in_pos = 0;
  }
  if (r->eof || r->in_len == IN_CAP) return 0;
  for (;;) {
    ssize_t got = read(r->fd, r->in + r->in_len, IN_CAP - r->in_len);
    if (got > 0) {
      r->in_len += (size_t)got;
      return 0;
    }
    if (got == 0) {
      r->eof = 1;
      return 0;
    }
    if (errno == EINTR) continue;
    fail(r, "%s", strerror(errno));
    return -1;
  }
}

/* Does the name end with the suffix, ignoring ASCII case? */
static int has_suffix(const char *name, const char *suffix) {
  size_t n = strlen(name), k = strlen(suffix);
  return n >= k && strcasecmp(name + n - k, suffix) == 0;
}

/* Picks the decoder from the first bytes and sets it up. 0 or -1. */
static int sniff(stet_reader *r) {
  while (r->in_len < 4 && !r->eof)
    if (fill(r) < 0) return -1;
  const unsigned char *b = r->in;
  size_t n = r->in_len;
  if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b) {
    r->comp = STET_COMP_GZIP;
  } else if (n >= 4 && ((b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd) ||
                        ((b[0] & 0xf0) == 0x50 && b[1] == 0x2a && b[2] == 0x4d && b[3] == 0x18))) {
    r->comp = STET_COMP_ZSTD;
  } else if (has_suffix(r->name, ".gz")) {
    fail(r, "not in gzip format%s", n == 0 ? " (empty file)" : "");
    return -1;
  } else if (has_suffix(r->name, ".zst")) {
    fail(r, "not in zstd format%s", n == 0 ? " (empty file)" : "");
    return -1;
  } else {
    r->comp = STET_COMP_NONE;
    return 0;
  }
  r->in_frame = 1;
  if (r->comp == STET_COMP_GZIP) {
    memset(&r->z, 0, sizeof r->z);
    if (inflateInit2(&r->z, 15 + 32) != Z_OK) {
      fail(r, "cannot start gzip decoder");
      return -1;
    }
    r->z_ready = 1;
  } else {
    r->zs = ZSTD_createDStream();
    if (!r->zs || ZSTD_isError(ZSTD_initDStream(r->zs))) {
      fail(r, "cannot start zstd decoder");
      return -1;
    }
  }
  return 0;
}

stet_reader *stet_reader_open(const char *path, char *err, size_t cap) {
  int is_stdin = strcmp(path, "-") == 0;
  stet_reader *r = calloc(1, sizeof *r);
  if (!r) {
    snprintf(err, cap, "%s: not enough memory", path);
    return NULL;
  }
  r->fd = -1;
  r->name = strdup(is_stdin ? "stdin" : path);
  r->in = malloc(IN_CAP);
  if (!r->name || !r->in) {
    snprintf(err, cap, "%s: not enough memory", path);
    stet_reader_close(r);
    return NULL;
  }
  if (is_stdin) {
    r->fd = 0;
  } else {
    r->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (r->fd < 0) {
      snprintf(err, cap, "%s: %s", path, strerror(errno));
      stet_reader_close(r);
      return NULL;
    }
    r->own_fd = 1;
    struct stat st;
    int ok = fstat(r->fd, &st) == 0;
    if (ok && S_ISREG(st.st_mode) && st.st_size > 0) r->size = (size_t)st.st_size;
    if (ok && S_ISDIR(st.st_mode)) {
      snprintf(err, cap, "%s: %s", path, strerror(EISDIR));
      stet_reader_close(r);
      return NULL;
    }
  }
  if (sniff(r) < 0) {
    snprintf(err, cap, "%s", r->err);
    stet_reader_close(r);
    return NULL;
  }
  return r;
}

/* Plain input: buffered bytes first, then straight from the file. */
static size_t read_plain(stet_reader *r, unsigned char *out, size_t n) {
  size_t total = 0;
  if (r->in_pos < r->in_len) {
    size_t k = r->in_len - r->in_pos;
    if (k > n) k = n;
    memcpy(out, r->in + r->in_pos, k);
    r->in_pos += k;
    total = k;
  }
  while (total < n && !r->eof) {
    ssize_t got = read(r->fd, out + total, n - total);
    if (got > 0) total += (size_t)got;
    else if (got == 0) r->eof = 1;
    else if (errno != EINTR) {
      fail(r, "%s", strerror(errno));
      break;
    }
  }
  return total;
}

/* gzip/zlib: inflate, moving on to the next member after each one ends. */
static size_t read_gzip(stet_reader *r, unsigned char *out, size_t n) {
  size_t total = 0;
  while (total < n) {
    if (r->in_pos == r->in_len && !r->eof) {
      if (fill(r) < 0) break;
      continue;
    }
    if (r->member_done) {
      if (r->in_pos == r->in_len) break;  /* end of file after a member */
      unsigned char c = r->in[r->in_pos];
      if (c != 0x1f && c != 0x78) {
        fail(r, "trailing garbage after gzip data");
        break;
      }
      inflateReset(&r->z);
      r->member_done = 0;
      r->in_frame = 1;
    }
    r->z.next_in = r->in + r->in_pos;
    r->z.avail_in = (uInt)(r->in_len - r->in_pos);
    size_t room = n - total;
    if (room > UINT_MAX) room = UINT_MAX;
    r->z.next_out = out + total;
    r->z.avail_out = (uInt)room;
    int ret = inflate(&r->z, Z_NO_FLUSH);
    r->in_pos = r->in_len - r->z.avail_in;
    total += room - r->z.avail_out;
    if (ret == Z_STREAM_END) {
      r->in_frame = 0;
      r->member_done = 1;
    } else if (ret == Z_BUF_ERROR) {
      /* no progress: with room for output, only the end of input does that */
      if (r->in_pos == r->in_len && r->eof) {
        fail(r, "truncated gzip data (unexpected end of file)");
        break;
      }
      if (r->in_pos < r->in_len) {
        fail(r, "corrupt gzip data (no progress)");
        break;
      }
    } else if (ret == Z_MEM_ERROR) {
      fail(r, "not enough memory");
      break;
    } else if (ret != Z_OK) {
      fail(r, "corrupt gzip data (%s)", r->z.msg ? r->z.msg : "bad stream");
      break;
    }
  }
  return total;
}

/* zstd: frames follow each other; the decoder starts the next by itself. */
static size_t read_zstd(stet_reader *r, unsigned char *out, size_t n) {
  size_t total = 0;
  while (total < n) {
    if (r->in_pos == r->in_len && !r->eof) {
      if (fill(r) < 0) break;
      continue;
    }
    if (r->in_pos == r->in_len && !r->in_frame) break;  /* clean end */
    ZSTD_inBuffer ib = {r->in, r->in_len, r->in_pos};
    ZSTD_outBuffer ob = {out, n, total};
    size_t ret = ZSTD_decompressStream(r->zs, &ob, &ib);
    if (ZSTD_isError(ret)) {
      fail(r, "corrupt zstd data (%s)", ZSTD_getErrorName(ret));
      break;
    }
    int progress = ob.pos > total || ib.pos > r->in_pos;
    r->in_pos = ib.pos;
    total = ob.pos;
    r->in_frame = ret != 0;
    if (!progress && r->in_pos == r->in_len && r->eof) {
      fail(r, "truncated zstd data (unexpected end of file)");
      break;
    }
  }
  return total;
}

ssize_t stet_reader_read(stet_reader *r, void *out, size_t n) {
  if (r->failed) return -1;
  if (n > (size_t)SSIZE_MAX) n = (size_t)SSIZE_MAX;
  size_t got;
  switch (r->comp) {
  case STET_COMP_GZIP: got = read_gzip(r, out, n); break;
  case STET_COMP_ZSTD: got = read_zstd(r, out, n); break;
  default: got = read_plain(r, out, n); break;
  }
  /* Data before an error is handed out first; the error comes next call. */
  if (got == 0 && r->failed) return -1;
  return (ssize_t)got;
}

int stet_read_plain_file(const char *path, long long size, stet_buf *out, char *err,
                         size_t cap) {
  return stet_read_plain_file_at(AT_FDCWD, path, path, size, out, err, cap);
}

int stet_read_plain_file_at(int dirfd, const char *name, const char *path, long long size,
                            stet_buf *out, char *err, size_t cap) {
  if (has_suffix(path, ".gz") || has_suffix(path, ".zst")) return 1;
  int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    snprintf(err, cap, "%s: %s", path, strerror(errno));
    return -1;
  }
  if (size < 0 && size != STET_SIZE_REGULAR) {
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      close(fd);
      return 1; /* a directory, a pipe...: the stream reader says what it is */
    }
    size = (long long)st.st_size;
  }
  /* a length unknown: room for most documents, and more as it fills */
  size_t start = out->len, want = size >= 0 ? (size_t)size + 1 : (size_t)1 << 16;
  if (stet_buf_reserve(out, want)) {
    close(fd);
    snprintf(err, cap, "%s: not enough memory", path);
    return -1;
  }
  for (;;) {
    if (out->cap - out->len < 4096 && stet_buf_reserve(out, out->cap - start)) {
      close(fd);
      snprintf(err, cap, "%s: not enough memory", path);
      return -1;
    }
    size_t room = out->cap - out->len;
    ssize_t got = read(fd, out->data + out->len, room);
    if (got > 0) {
      out->len += (size_t)got;
      if ((size_t)got < room) break; /* short: the end of a regular file */
      continue;
    }
    if (got == 0) break;
    if (errno == EINTR) continue;
    snprintf(err, cap, "%s: %s", path, strerror(errno));
    close(fd);
    return -1;
  }
  close(fd);
  const unsigned char *b = (const unsigned char *)out->data + start;
  size_t n = out->len - start;
  if ((n >= 2 && b[0] == 0x1f && b[1] == 0x8b) ||
      (n >= 4 && ((b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd) ||
                  ((b[0] & 0xf0) == 0x50 && b[1] == 0x2a && b[2] == 0x4d && b[3] == 0x18)))) {
    out->len = start;
    return 1; /* compressed after all */
  }
  return 0;
}

int stet_read_stream(const char *path, stet_buf *out, char *err, size_t cap) {
  stet_reader *r = stet_reader_open(path, err, cap);
  if (!r) return -1;
  int rc = -1;
  for (;;) {
    if (stet_buf_reserve(out, (size_t)1 << 16)) {
      snprintf(err, cap, "%s: not enough memory", path);
      break;
    }
    ssize_t got = stet_reader_read(r, out->data + out->len, out->cap - out->len);
    if (got < 0) {
      snprintf(err, cap, "%s", stet_reader_error(r));
      break;
    }
    if (got == 0) {
      rc = 0;
      break;
    }
    out->len += (size_t)got;
  }
  stet_reader_close(r);
  return rc;
}

size_t stet_reader_size_hint(const stet_reader *r) {
  return r->comp == STET_COMP_NONE ? r->size : 0;
}

const char *stet_reader_error(const stet_reader *r) {
  return r->failed ? r->err : "";
}

stet_compression stet_reader_compression(const stet_reader *r) {
  return r->comp;
}

void stet_reader_close(stet_reader *r) {
  if (!r) return;
  if (r->z_ready) inflateEnd(&r->z);
  if (r->zs) ZSTD_freeDStream(r->zs);
  if (r->own_fd && r->fd >= 0) close(r->fd);
  free(r->in);
  free(r->name);
  free(r);
}
