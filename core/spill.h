/* core/spill.h: the spill file of `stet clean`, where pass 1 leaves each
 * processed document for pass 2.
 *
 * An anonymous temporary file that any thread may append to and read from
 * at once: an append reserves its range with an atomic add and writes it
 * with pwrite, a read is a pread, so worker threads spill and reload
 * documents without going through the main thread. */
#ifndef STET_SPILL_H
#define STET_SPILL_H

#include <stddef.h>
#include <stdint.h>

typedef struct stet_spill stet_spill;

/* A new empty spill file in the folder dir (NULL or "": the default
 * folder), nameless (O_TMPFILE, or a name removed at once) so that it goes
 * when closed or when the process ends; or NULL with the reason, naming
 * the folder, in err. */
stet_spill *stet_spill_open(const char *dir, char *err, size_t cap);

/* A spill that keeps nothing: appends count their bytes and give offsets
 * as a file would, reads fail (EINVAL). For a pass 1 whose documents no
 * pass 2 reads (`stet signatures`), so that it takes the same fast way
 * without writing the input to disk. NULL on ENOMEM. */
stet_spill *stet_spill_discard(void);

/* The default folder: $TMPDIR when set and not empty, else /tmp. */
const char *stet_spill_default_dir(void);

/* A new empty file dir/prefix + 6 random characters (mkstemp): its
 * descriptor, and in *path its name (malloc'd, for the caller to free and
 * remove); -1 with errno set. */
int stet_tmpfile_in(const char *dir, const char *prefix, char **path);

/* The folder the spill file is in (for messages). */
const char *stet_spill_dir(const stet_spill *s);

/* Appends p[0..n) and sets *off to where it starts. 0, or -1 with errno set
 * (ENOSPC, EIO...). Safe from any thread. */
int stet_spill_append(stet_spill *s, const void *p, size_t n, uint64_t *off);

/* Reads n bytes at off into p. 0; -1 with errno set, or EINVAL when the
 * range was never written. Safe from any thread. */
int stet_spill_read(stet_spill *s, uint64_t off, void *p, size_t n);

/* Copies n bytes at off to the file descriptor fd (in the kernel when it
 * can: sendfile). 0, or -1 with errno set. */
int stet_spill_send(stet_spill *s, uint64_t off, size_t n, int fd);

/* A number no other spill file of this process has had: caches of a
 * spill file's bytes check it, as its address may be reused. */
uint64_t stet_spill_id(const stet_spill *s);

/* The bytes appended so far. */
uint64_t stet_spill_size(stet_spill *s);

/* Closes and removes the file. */
void stet_spill_close(stet_spill *s);

#endif
