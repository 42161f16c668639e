/* core/spill.c: the spill file of `stet clean` (spill.h). */
#include "spill.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <unistd.h>

struct stet_spill {
  FILE *f;
  int fd;
  _Atomic uint64_t end; /* bytes reserved so far */
};

stet_spill *stet_spill_open(char *err, size_t cap) {
  stet_spill *s = calloc(1, sizeof *s);
  if (!s) {
    snprintf(err, cap, "spill file: %s", strerror(ENOMEM));
    return NULL;
  }
  s->f = tmpfile();
  if (!s->f) {
    snprintf(err, cap, "spill file: %s", strerror(errno));
    free(s);
    return NULL;
  }
  s->fd = fileno(s->f);
  atomic_init(&s->end, 0);
  return s;
}

int stet_spill_append(stet_spill *s, const void *p, size_t n, uint64_t *off) {
  uint64_t at = atomic_fetch_add(&s->end, (uint64_t)n);
  *off = at;
  const char *c = p;
  while (n > 0) {
    ssize_t w = pwrite(s->fd, c, n, (off_t)at);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if (w == 0) {
      errno = EIO;
      return -1;
    }
    c += w;
    at += (uint64_t)w;
    n -= (size_t)w;
  }
  return 0;
}

int stet_spill_read(stet_spill *s, uint64_t off, void *p, size_t n) {
  uint64_t end = atomic_load(&s->end);
  if (off > end || n > end - off) {
    errno = EINVAL;
    return -1;
  }
  char *c = p;
  while (n > 0) {
    ssize_t r = pread(s->fd, c, n, (off_t)off);
    if (r < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if (r == 0) {
      errno = EIO;
      return -1;
    }
    c += r;
    off += (uint64_t)r;
    n -= (size_t)r;
  }
  return 0;
}

int stet_spill_send(stet_spill *s, uint64_t off, size_t n, int fd) {
  uint64_t end = atomic_load(&s->end);
  if (off > end || n > end - off) {
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
  fclose(s->f);
  free(s);
}
