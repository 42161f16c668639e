/* core/luapat.h: Lua 5.4 patterns (reference manual §6.4.1) in plain C, and
 * sets of them with first-byte dispatch.
 *
 * A pattern is compiled once (stet_pat_compile), which validates all of it
 * and precomputes what lets most subjects be rejected without running the
 * backtracking matcher: the anchored flag, the literal bytes every match
 * starts with, and the set of bytes a match can start with. stet_pat_find
 * then behaves like Lua's string.find(s, pattern, init + 1): same match,
 * same captures, same "pattern too complex" depth limit, plus a step limit
 * against runaway backtracking (a documented difference: Lua has none).
 *
 * Differences from string.find: errors are found at compile time, for the
 * whole pattern, where Lua raises them only when the matcher reaches the
 * bad part of the pattern on the subject at hand ("(a" is rejected here;
 * string.find("b", "(a") returns nil and only string.find("a", "(a")
 * raises "unfinished capture"). The messages are Lua's.
 *
 * A set (stet_patset) holds patterns in order; stet_patset_first returns
 * the first of them that matches, trying only those whose first byte can be
 * the subject's byte at init. Nothing here allocates while matching. */
#ifndef STET_LUAPAT_H
#define STET_LUAPAT_H

#include <stddef.h>

#define STET_PAT_MAXCAPTURES 32 /* Lua's LUA_MAXCAPTURES */
#define STET_PAT_MAXDEPTH 200   /* Lua's MAXCCALLS: nested matcher calls */
#define STET_PAT_ERRLEN 64      /* enough for every compile message */

/* The default step limit of a find on n bytes (see stet_pat_find). */
#define STET_PAT_DEFAULT_STEPS(n) ((size_t)10000000 + (size_t)1000 * (n))

/* Return codes. */
enum {
  STET_PAT_NOMATCH = 0,
  STET_PAT_MATCH = 1,
  STET_PAT_EPATTERN = -1, /* malformed pattern (compile) */
  STET_PAT_ENOMEM = -2,   /* out of memory (compile, set building) */
  STET_PAT_EDEPTH = -3,   /* nesting over STET_PAT_MAXDEPTH: "pattern too complex" */
  STET_PAT_ESTEPS = -4    /* step limit reached */
};

typedef struct stet_pat stet_pat;
typedef struct stet_patset stet_patset;

/* One capture: bytes s[start, start + len), or a position capture
 * (position = 1, start = the 0-based position, len = 0). */
typedef struct stet_pat_capture {
  size_t start, len;
  int position;
} stet_pat_capture;

/* A match: bytes s[start, end) and the pattern's captures in order. */
typedef struct stet_pat_match {
  size_t start, end;
  int ncap;
  stet_pat_capture cap[STET_PAT_MAXCAPTURES];
} stet_pat_match;

/* Compiles pattern pat[0, len) (it may hold NUL bytes). Returns 0 and sets
 * *out (free it with stet_pat_free), or STET_PAT_EPATTERN with Lua's
 * message in err (errlen bytes, STET_PAT_ERRLEN suffice), or
 * STET_PAT_ENOMEM. */
int stet_pat_compile(stet_pat **out, const char *pat, size_t len, char *err, size_t errlen);

/* Frees a compiled pattern (NULL is fine). */
void stet_pat_free(stet_pat *p);

/* The pattern's source text and length. */
const char *stet_pat_source(const stet_pat *p, size_t *len);

/* The number of captures a match reports. */
int stet_pat_captures(const stet_pat *p);

/* Looks for the first match in s[0, n) starting at or after byte init (at
 * init only when the pattern starts with '^'), like string.find with a
 * 1-based init of init + 1. init may equal n (an empty match at the end);
 * init > n never matches. Returns STET_PAT_MATCH and fills *m (when m is not
 * NULL), STET_PAT_NOMATCH, STET_PAT_EDEPTH or STET_PAT_ESTEPS. max_steps
 * bounds the matcher's work (0: STET_PAT_DEFAULT_STEPS(n)). */
int stet_pat_find(const stet_pat *p, const char *s, size_t n, size_t init, size_t max_steps,
                  stet_pat_match *m);

/* A message for a return code ("pattern too complex", ...). */
const char *stet_pat_strerror(int code);

/* A new, empty set with room for count patterns; NULL when out of memory. */
stet_patset *stet_patset_new(size_t count);

/* Compiles pat[0, len) and appends it to the set (at most count of them).
 * Returns 0, or an error code with the message in err as stet_pat_compile.
 * A set that had a pattern appended must be finished before matching. */
int stet_patset_add(stet_patset *set, const char *pat, size_t len, char *err, size_t errlen);

/* Builds the per-first-byte dispatch lists. Returns 0 or STET_PAT_ENOMEM. */
int stet_patset_finish(stet_patset *set);

/* The number of patterns, and pattern i (0-based). */
size_t stet_patset_count(const stet_patset *set);
const stet_pat *stet_patset_get(const stet_patset *set, size_t i);

/* Finds the first pattern, in set order, that matches s[0, n) from init
 * (as stet_pat_find). Returns STET_PAT_MATCH with its 0-based index in
 * *index, STET_PAT_NOMATCH, or an error of stet_pat_find with *index the
 * pattern that raised it. Allocation-free. */
int stet_patset_first(const stet_patset *set, const char *s, size_t n, size_t init, size_t max_steps,
                      size_t *index);

/* Frees a set and its patterns (NULL is fine). */
void stet_patset_free(stet_patset *set);

#endif
