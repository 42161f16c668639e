/* core/outfile.c: where a file that is written whole goes (outfile.h). */
#define _GNU_SOURCE /* realpath, statfs */
#include "outfile.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#define PROC_MAGIC 0x9fa0 /* PROC_SUPER_MAGIC of linux/magic.h */

/* Is the folder holding path in /proc (path a descriptor's link)? */
static int in_proc(const char *path) {
  const char *slash = strrchr(path, '/');
  char dir[PATH_MAX];
  if (!slash) return 0;
  size_t n = slash == path ? 1 : (size_t)(slash - path);
  if (n >= sizeof dir) return 0;
  memcpy(dir, path, n);
  dir[n] = '\0';
  struct statfs fs;
  return statfs(dir, &fs) == 0 && fs.f_type == PROC_MAGIC;
}

int stet_outfile_target(const char *path, char **target) {
  *target = NULL;
  struct stat st;
  if (lstat(path, &st) != 0 || S_ISREG(st.st_mode)) { /* absent (or unreadable): as named */
    *target = strdup(path);
    return *target ? 0 : -1;
  }
  if (!S_ISLNK(st.st_mode)) return 0; /* a device, a pipe, a socket, a folder */
  if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) return 0;
  /* a link to a regular file: follow the chain one link at a time */
  char cur[PATH_MAX], next[PATH_MAX];
  if (strlen(path) >= sizeof cur) return 0;
  strcpy(cur, path);
  for (int hops = 0; hops < 40; hops++) {
    if (lstat(cur, &st) != 0) return 0;
    if (!S_ISLNK(st.st_mode)) break;
    if (in_proc(cur)) return 0;
    ssize_t k = readlink(cur, next, sizeof next - 1);
    if (k < 0) return 0;
    next[k] = '\0';
    if (next[0] != '/') { /* relative to the link's folder */
      const char *slash = strrchr(cur, '/');
      size_t d = slash ? (size_t)(slash - cur) + 1 : 0;
      if (d + (size_t)k >= sizeof cur) return 0;
      memmove(cur + d, next, (size_t)k + 1);
    } else {
      memcpy(cur, next, (size_t)k + 1);
    }
  }
  char *real = realpath(path, NULL);
  if (!real) return errno == ENOMEM ? -1 : 0;
  *target = real;
  return 0;
}

int stet_outfile_std(const char *path) {
  if (strcmp(path, "-") == 0 || strcmp(path, "/dev/stdout") == 0) return 1;
  if (strcmp(path, "/dev/stderr") == 0) return 2;
  const char *num = NULL;
  if (strncmp(path, "/dev/fd/", 8) == 0) num = path + 8;
  else if (strncmp(path, "/proc/self/fd/", 14) == 0) num = path + 14;
  if (!num || *num < '0' || *num > '9') return -1;
  long fd = 0;
  for (; *num >= '0' && *num <= '9'; num++) {
    fd = fd * 10 + (*num - '0');
    if (fd > 1 << 20) return -1;
  }
  return *num ? -1 : (int)fd;
}
