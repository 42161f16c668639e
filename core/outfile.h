/* core/outfile.h: where a file that is written whole goes (table and
 * signature files).
 *
 * Such a file is written to TARGET.tmp and renamed over TARGET once
 * complete, so that TARGET never holds half of one. TARGET is not always
 * the path the user named: renaming over a symbolic link replaces the link,
 * not the file it leads to (`-o /dev/stdout` with standard output sent to
 * a file replaced /dev/stdout itself), and renaming over a device or a
 * pipe replaces it with a plain file. */
#ifndef STET_OUTFILE_H
#define STET_OUTFILE_H

/* The file to write PATH.tmp for and rename over, for the output path:
 *   - path itself when it is not there or is a regular file;
 *   - the regular file a symbolic link leads to (its real path);
 *   - NULL when the output is written straight to path, opened for
 *     appending: a device, a pipe, a link to one, a link leading nowhere
 *     (opening it makes its target), or a link through /proc (/dev/stdout,
 *     /dev/fd/N), whose file is then written where the shell's `>` or `>>`
 *     said.
 * The result is malloc'd. Returns 0, or -1 on ENOMEM. */
int stet_outfile_target(const char *path, char **target);

/* The descriptor an output path names, written through rather than opened
 * again: 1 for "-", "/dev/stdout" and "/proc/self/fd/1", 2 for
 * "/dev/stderr", N for "/dev/fd/N" or "/proc/self/fd/N"; else -1. A second
 * open of a file the shell redirected standard output to would write at an
 * offset of its own, over what the shell writes after it. */
int stet_outfile_std(const char *path);

#endif
