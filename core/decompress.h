/* core/decompress.h: a streaming file reader that decompresses gzip (and
 * zlib) or zstd input on the fly, chosen by the file's magic bytes.
 *
 * A stet_reader reads a file (or standard input for the path "-") and hands
 * out its decompressed bytes in order. Concatenated gzip members and zstd
 * frames are read as one stream, as gzip -d and zstd -d do. Errors (missing
 * file, corrupt or truncated stream) produce a message that starts with the
 * file name, "path: reason". The reader owns its buffers and its file
 * descriptor (standard input is never closed). No global state: each reader
 * is independent, so readers can live in different threads. */
#ifndef STET_DECOMPRESS_H
#define STET_DECOMPRESS_H

#include <stddef.h>

#include "buf.h"
#include <sys/types.h>

typedef enum stet_compression {
  STET_COMP_NONE = 0,  /* plain bytes */
  STET_COMP_GZIP = 1,  /* gzip or zlib (zlib's automatic header detection) */
  STET_COMP_ZSTD = 2,  /* zstandard frames (skippable frames are skipped) */
} stet_compression;

typedef struct stet_reader stet_reader;

/* Opens path ("-" = standard input) and sniffs its first bytes. Returns a new
 * reader the caller owns (free it with stet_reader_close), or NULL with the
 * message "path: reason" written into err (cap bytes, NUL-terminated). */
stet_reader *stet_reader_open(const char *path, char *err, size_t cap);

/* Fills out with up to n decompressed bytes; it returns fewer only at the
 * end of the data or before an error. Returns the count (0 = end of data) or
 * -1 on error, with the message in stet_reader_error. An error is sticky:
 * every later call returns -1. */
ssize_t stet_reader_read(stet_reader *r, void *out, size_t n);

/* The last error message ("path: reason"), or "" when there was none. */
const char *stet_reader_error(const stet_reader *r);

/* Appends the whole of the plain regular file at path to out, in one read
 * sized by its length: the fast way to read a document file. size is that
 * length when the caller knows the file is a regular one of that size (a
 * folder walk's stat), which saves the fstat; else -1. A short read ends
 * the file (what a read of a regular file means), so one read is enough.
 * size STET_SIZE_REGULAR: the caller knows the file is a regular one (a
 * folder walk's entry type) but not its length; it is read without a stat.
 * Returns 0; 1 when the file is not for this (compressed by its magic bytes
 * or name, or not a regular file: read it with stet_reader, out unchanged);
 * -1 with the message "path: reason" in err. */
#define STET_SIZE_REGULAR (-2)
int stet_read_plain_file(const char *path, long long size, stet_buf *out, char *err,
                         size_t cap);

/* stet_read_plain_file of the file name in the folder open at dirfd (or
 * AT_FDCWD), path naming it in messages: the kernel then looks up one
 * name, not every folder of the path. */
int stet_read_plain_file_at(int dirfd, const char *name, const char *path, long long size,
                            stet_buf *out, char *err, size_t cap);

/* Appends the whole of the file at path, read through a stet_reader
 * (decompressed by its magic bytes), to out: what stet_read_plain_file
 * leaves to the reader. Returns 0, or -1 with the message "path: reason"
 * in err (out then holds what was read). */
int stet_read_stream(const char *path, stet_buf *out, char *err, size_t cap);

/* The size of a plain regular file (what reading it all will give, unless
 * it changes meanwhile), or 0 when unknown (compressed, a pipe, empty). */
size_t stet_reader_size_hint(const stet_reader *r);

/* Which decoder the magic bytes chose. */
stet_compression stet_reader_compression(const stet_reader *r);

/* Closes the file (not standard input) and frees the reader. NULL is fine. */
void stet_reader_close(stet_reader *r);

#endif
