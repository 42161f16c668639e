/* core/lua_counter.h: what the two binding files of counting tables share
 * (core/lua_counter.c, and core/lua_counter_jsonl.c for t:add_jsonl). Not
 * a public interface. */
#ifndef STET_LUA_COUNTER_H
#define STET_LUA_COUNTER_H

#include <stdint.h>

#include "counter.h"
#include "fingerprint.h"
#include "lua_stet.h"

#define COUNTER_META "stet.counter"
#define FILE_KEEP (64 * 1024 * 1024) /* bigger file buffers are freed after use */

typedef struct counter_box {
  stet_counter *c;
  stet_fp_ctx fp;  /* for add_paragraphs and add_file */
  stet_buf spans;  /* stet_fp_span of the text being added */
  stet_buf file;   /* the file add_file read; add_jsonl's block */
  stet_buf text;   /* add_jsonl: the unescaped text and site of a line */
  stet_buf nl;     /* add_jsonl: where the text's escapes put newlines */
  int atime;       /* 1: O_NOATIME was refused, open files without it */
} counter_box;

/* The counting table at idx; raises if it is not one or was freed. */
stet_counter *stet_lua_counter_check(lua_State *L, int idx);

/* Adds the paragraphs of s[0..n) (s[0..avail) readable) for doc: the
 * paragraph count, or -1 on ENOMEM (see lua_counter.c). nl, when not
 * NULL, holds the offsets of all the k newlines of s (stet_paragraphs_at). */
lua_Integer stet_lua_counter_add_text(counter_box *b, const char *s, size_t n, size_t avail,
                                      uint32_t site, uint64_t doc, int samples,
                                      const uint32_t *nl, size_t k);

/* Would stet_reader decompress (or refuse) a file with this name and these
 * first bytes? */
int stet_lua_counter_needs_reader(const char *path, const unsigned char *p, size_t n);

/* t:add_jsonl(...) (core/lua_counter_jsonl.c). */
int stet_lua_counter_add_jsonl(lua_State *L);

#endif
