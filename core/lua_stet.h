/* core/lua_stet.h: what the Lua binding files share.
 *
 * Each lua_<name>.c binds one primitive and has one entry point,
 * stet_lua_open_<name>(L), which adds its functions (and metatables) to the
 * module table on top of the stack. lua_stet.c calls them all from
 * luaopen_stet_core. Only the binding files and the host include lua.h. */
#ifndef STET_LUA_STET_H
#define STET_LUA_STET_H

#include <lauxlib.h>
#include <stdio.h>
#include <string.h>
#include <lua.h>

#include "buf.h"

/* A text file is binary when a NUL comes in its first STET_SNIFF_BINARY
 * bytes (stet._sniff_binary: stet.readers, stet clean's lane and stet hash
 * all go by it). */
#define STET_SNIFF_BINARY 8192

/* Is the text s[0..n) binary (a NUL in its first STET_SNIFF_BINARY bytes)? */
static inline int stet_sniff_binary(const char *s, size_t n) {
  return n && memchr(s, '\0', n < STET_SNIFF_BINARY ? n : STET_SNIFF_BINARY) != NULL;
}

/* Each adds its functions to the table at the top of the stack. */
void stet_lua_open_normalize(lua_State *L);
void stet_lua_open_budget(lua_State *L);
void stet_lua_open_sys(lua_State *L);

/* The open reader of the stet.open reader at idx (core/lua_sys.c); NULL
 * when idx holds no reader or a closed one. */
struct stet_reader *stet_lua_to_reader(lua_State *L, int idx);
void stet_lua_open_paths(lua_State *L);
void stet_lua_open_segment(lua_State *L);
void stet_lua_open_fingerprint(lua_State *L);
void stet_lua_open_counter(lua_State *L);
void stet_lua_open_wire(lua_State *L);

/* stet.pack of the value at idx, appended to out; raises as stet.pack
 * does. For C callers such as the worker pool (core/lua_pool.c). */
void stet_wire_pack(lua_State *L, int idx, stet_buf *out);

/* Pushes stet.unpack of s[0..n); raises as stet.unpack does. */
void stet_wire_unpack(lua_State *L, const char *s, size_t n);
void stet_lua_open_pool(lua_State *L);
void stet_lua_open_signal(lua_State *L);

/* Whether SIGINT or SIGTERM arrived since stet.catch_interrupts()
 * (stet.interrupted), for C loops over many documents. */
int stet_interrupted(void);
void stet_lua_open_document(lua_State *L);
void stet_lua_open_bench(lua_State *L);
void stet_lua_open_counter_view(lua_State *L); /* after stet_lua_open_counter */
void stet_lua_open_sumstore(lua_State *L);

/* The counting table at idx (core/lua_counter.c); raises if it is not one. */
struct stet_counter *stet_lua_checkcounter(lua_State *L, int idx);
/* The same for a counter or a read-only view of one (core/lua_counter_view.c). */
const struct stet_counter *stet_lua_tocounter_any(lua_State *L, int idx);
void stet_lua_open_minhash(lua_State *L);
void stet_lua_open_json(lua_State *L);

/* Whether s[0..n) holds a byte Lua's "%S" matches: stet.readers skips the
 * JSON lines that do not (core/lua_json.c). */
int stet_line_has_text(const char *s, size_t n);

/* Of the lines of s[0..n) (split at "\n"; no line end after the last
 * one): how many hold a byte that is not a space (stet.readers makes a
 * document of each), their bytes, and how many lines there are. */
void stet_count_lines(const char *s, size_t n, long long *texts, long long *bytes,
                      long long *lines);
void stet_lua_open_lsh(lua_State *L);
void stet_lua_open_luapat(lua_State *L);

/* The pattern set at idx (core/lua_luapat.c) and its step limit; raises if
 * it is not one. */
struct stet_patset *stet_lua_checkpatset(lua_State *L, int idx, size_t *steps);
/* Raises the error rc of a match of pattern i (0-based) of set, naming it. */
int stet_lua_pattern_error(lua_State *L, const struct stet_patset *set, size_t i, int rc);

/* Pushes a userdata that owns an empty stet_buf and returns the buffer. Its
 * __gc frees the memory, so nothing leaks when a Lua error unwinds between
 * filling the buffer and pushing the result. [-0, +1, m] */
stet_buf *stet_lua_newbuf(lua_State *L);

/* Pushes the buffer's contents as a string, frees its memory, and removes
 * the box at stack index box (as returned by stet_lua_newbuf). [-0, +1, m] */
void stet_lua_pushbuf(lua_State *L, int box);

/* The buffer of the box at idx (a stet._sink()), or NULL when it is not
 * one. [-0, +0] */
stet_buf *stet_lua_testbuf(lua_State *L, int idx);

/* Appends to out what stet.pack makes of a table whose fields keys[i] are
 * the strings vals[i][0..lens[i]) (a NULL value: no field), so C can hand
 * such a table to stet.unpack without building it in Lua. The keys must be
 * distinct. 0, or -1 on ENOMEM. */
int stet_wire_strings(stet_buf *out, const char *const *keys, const char *const *vals,
                      const size_t *lens, size_t n);

/* Reads stet.normalize's options table at idx (nil: the defaults) into
 * *o (a struct stet_norm_opts, core/normalize.h); raises on a bad field. */
struct stet_norm_opts;
void stet_lua_norm_opts(lua_State *L, int idx, struct stet_norm_opts *o);

/* Reads boolean field k of the table at idx (absent -> def). A value other
 * than a boolean or nil raises "bad argument #arg ... (field 'k' ...)". */
int stet_lua_optbool(lua_State *L, int idx, int arg, const char *k, int def);

/* A new Lua state on stet's allocator (core/lalloc.h), with a panic
 * handler; NULL on ENOMEM. Close it with stet_lua_closestate. */
lua_State *stet_lua_newstate(void);
void stet_lua_closestate(lua_State *L);

/* The end of a file filter (stet.normalize_file, stet.segment_file): closes
 * f unless it is stdin, flushes stdout, frees in and out. Returns 0, or 1
 * after pushing nil and "path: reason" when failed is an errno (reading
 * failed), or "writing standard output: reason" when it is minus an errno
 * (writing failed) or the flush fails. */
int stet_lua_file_done(lua_State *L, FILE *f, const char *path, stet_buf *in, stet_buf *out,
                       int failed);

/* Raises a Lua memory error after the caller freed what it owned. */
int stet_lua_nomem(lua_State *L);

#endif
