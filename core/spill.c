/* core/spill.c: the spill file of `stet clean` (spill.h). */
#define _GNU_SOURCE /* O_TMPFILE, mkostemp */
#include "spill.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <unistd.h>

struct stet_spill {
  int fd;
  char *dir;            /* the folder it is in */
  _Atomic uint64_t end; /* bytes reserved so far */
  uint64_t id;          /* stet_spill_id */
};

static _Atomic uint64_t spills_opened;

int stet_tmpfile_in(const char *dir, const char *prefix, char **path) {
  size_t n = strlen(dir) + strlen(prefix) + sizeof "/XXXXXX";
  char *p = malloc(n);
  if (!p) {
    errno = ENOMEM;
    return -1;
  }
  snprintf(p, n, "%s%s%sXXXXXX", dir, *dir && dir[strlen(dir) - 1] == '/' ? "" : "/", prefix);
  int fd = mkostemp(p, O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    free(p);
    errno = e;
    return -1;
  }
  *path = p;
  return fd;
}

/* An anonymous file in dir: O_TMPFILE where the file system has it, else
 * a named file removed at once. A descriptor, or -1 with errno set. */
static int anonymous_file(const char *dir) {
#ifdef O_TMPFILE
  int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)) return fd;
#endif
  char *path;
  int f = stet_tmpfile_in(dir, "stet-spill-", &path);
  if (f < 0) return -1;
  unlink(path);
  free(path);
  return f;
}

const char *stet_spill_default_dir(void) {
  const char *t = getenv("TMPDIR");
  return t && *t ? t : "/tmp";
}

stet_spill *stet_spill_open(const char *dir, char *err, size_t cap) {
  if (!dir || !*dir) dir = stet_spill_default_dir();
  stet_spill *s = calloc(1, sizeof *s);
  if (s) s->dir = strdup(dir);
  if (!s || !s->dir) {
    snprintf(err, cap, "the spill file in %s: %s", dir, strerror(ENOMEM));
    free(s);
    return NULL;
  }
  s->fd = anonymous_file(dir);
  if (s->fd < 0) {
    snprintf(err, cap, "the spill file in %s: %s", dir, strerror(errno));
    free(s->dir);
    free(s);
    return NULL;
  }
  atomic_init(&s->end, 0);
  s->id = atomic_fetch_add(&spills_opened, 1) + 1;
  return s;
}

stet_spill *stet_spill_discard(void) {
  stet_spill *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->dir = strdup("(nowhere)");
  if (!s->dir) {
    free(s);
    return NULL;
  }
  s->fd = -1;
  atomic_init(&s->end, 0);
  s->id = atomic_fetch_add(&spills_opened, 1) + 1;
  return s;
}

const char *stet_spill_dir(const stet_spill *s) { return s->dir; }

/* Reads or writes all of c[0..n) at off, going on after short transfers and
 * interruptions. 0, or -1 with errno set. */
static int transfer(int fd, char *c, size_t n, uint64_t off, int writing) {
  while (n > 0) {
    ssize_t k = writing ? pwrite(fd, c, n, (off_t)off) : pread(fd, c, n, (off_t)off);
    if (k < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if (k == 0) {
      errno = EIO;
      return -1;
    }
    c += k;
    off += (uint64_t)k;
    n -= (size_t)k;
  }
  return 0;
}

/* Was [off, off + n) appended? Else EINVAL. 0 or -1. */
static int in_range(stet_spill *s, uint64_t off, size_t n) {
  uint64_t end = atomic_load(&s->end);
  if (off > end || n > end - off) {
    errno = EINVAL;
    return -1;
  }
  return 0;
}

uint64_t stet_spill_id(const stet_spill *s) { return s->id; }

int stet_spill_append(stet_spill *s, const void *p, size_t n, uint64_t *off) {
  *off = atomic_fetch_add(&s->end, (uint64_t)n);
  if (s->fd < 0) return 0; /* stet_spill_discard */
  return transfer(s->fd, (char *)(uintptr_t)p, n, *off, 1);
}

int stet_spill_read(stet_spill *s, uint64_t off, void *p, size_t n) {
  if (in_range(s, off, n)) return -1;
  if (s->fd < 0) {
    errno = EINVAL;
    return -1;
  }
  return transfer(s->fd, p, n, off, 0);
}

int stet_spill_send(stet_spill *s, uint64_t off, size_t n, int fd) {
  if (in_range(s, off, n)) return -1;
  if (s->fd < 0) {
    errno = EINVAL;
    return -1;
  }
  int copy = 0; /* 1 once sendfile has refused this pair of files */
  char buf[65536];
  while (n > 0) {
    ssize_t w;
    if (!copy) {
      off_t at = (off_t)off;
      w = sendfile(fd, s->fd, &at, n);
      if (w < 0 && (errno == EINVAL || errno == ENOSYS)) {
        copy = 1;
        continue;
      }
    } else {
      size_t k = n < sizeof buf ? n : sizeof buf;
      if (stet_spill_read(s, off, buf, k)) return -1;
      w = write(fd, buf, k);
    }
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if (w == 0) {
      errno = EIO;
      return -1;
    }
    off += (uint64_t)w;
    n -= (size_t)w;
  }
  return 0;
}

uint64_t stet_spill_size(stet_spill *s) {
  return atomic_load(&s->end);
}

void stet_spill_close(stet_spill *s) {
  if (!s) return;
  if (s->fd >= 0) close(s->fd);
  free(s->dir);
  free(s);
}
