/* core/lua_document.h: what the document bindings (core/lua_document.c)
 * share with the cleaning lane (core/lua_lane.c). Internal to those two.
 *
 * Their functions all have the same upvalue, a scratch userdata that holds
 * the buffers every document of a Lua state reuses. */
#ifndef STET_LUA_DOCUMENT_H
#define STET_LUA_DOCUMENT_H

#include <string.h>

#include "doc.h"
#include "fingerprint.h"
#include "lua_stet.h"
#include "minhash.h"
#include "normalize.h"
#include "spill.h"

#define DOC_META "stet.doc"

typedef struct scratch {
  stet_fp_ctx fp;
  stet_mh_ctx mh;
  stet_buf body;
  stet_doc spare; /* the buffers of the last released document */
  int has_spare;
  stet_buf io;    /* a document on its way to or from the spill file */
  stet_buf raw, norm; /* stet._doc_file's file and its normalized text */
  stet_buf recs;      /* the records of stet._lane2_run and plan:run_chunk */
  stet_buf jsonf;     /* stet._jsonl_run's unescaped fields and made ids */
  stet_buf win;       /* stet._lane2_run's window: the spill file with id */
  uint64_t win_id, win_off; /* win_id (0: none) from win_off on */
  stet_buf chunk;     /* plan:run_chunk's documents, spilled at once */
  stet_buf fix;       /* where their records hold their offsets (size_t) */
  stet_buf sumfps, sumsig; /* stet_ldoc_summarize's fingerprints and signature */
  stet_buf dir; /* the folder of the last file stet_ldoc_from_file read */
  int dirfd;    /* and that folder, open (-1: none) */
} scratch;

#define SCRATCH(L) ((scratch *)lua_touserdata(L, lua_upvalueindex(1)))

/* A function matcher of a rule, as the drop scan sees it: its position
 * among the rule's drops, and the cheap tests that must pass before Lua is
 * asked (max_length 0: any length; contains NULL: anything). */
typedef struct fn_spec {
  lua_Integer pos;
  lua_Integer max_length;
  const char *contains;
  size_t contains_len;
} fn_spec;

#define MAX_FNS 32

/* Whether a function matcher that comes before the pattern at position pos
 * (0: no pattern matched) could claim the paragraph t[0..n). */
static inline int stet_ldoc_needs_fn(const fn_spec *fns, lua_Integer nfns, lua_Integer pos,
                                     const char *t, size_t n) {
  for (lua_Integer j = 0; j < nfns; j++) {
    if (pos && fns[j].pos > pos) break;
    if (fns[j].max_length > 0 && (lua_Integer)n > fns[j].max_length) continue;
    if (fns[j].contains && fns[j].contains_len &&
        !memmem(t, n, fns[j].contains, fns[j].contains_len))
      continue;
    return 1;
  }
  return 0;
}

/* The document at idx; raises if it is not one. */
stet_doc *stet_ldoc_check(lua_State *L, int idx);

/* Pushes a new empty document (with the buffers of the last released one).
 * Needs the scratch upvalue. [-0, +1] */
stet_doc *stet_ldoc_new(lua_State *L);

/* Pushes the document at the absolute index idx again, emptied for a new
 * text (with its own buffers, or those of the last released one when it
 * was released): a run of documents goes through one userdata, not a new
 * one each. idx must hold a document the caller made with stet_ldoc_new
 * (it is not checked on each use). [-0, +1] */
stet_doc *stet_ldoc_renew(lua_State *L, int idx);

/* Empties d and keeps its buffers for the next new document (d:release). */
void stet_ldoc_release(lua_State *L, stet_doc *d);

/* The label id of the string at idx, interned in d; raises on too many
 * labels or ENOMEM. */
uint16_t stet_ldoc_label_arg(lua_State *L, stet_doc *d, int idx);

/* The spill file at idx (the userdata, or its address from a worker). */
stet_spill *stet_ldoc_spill(lua_State *L, int idx);

/* Raises "the spill file in DIR: " and strerror(e). */
int stet_ldoc_spill_error(lua_State *L, const stet_spill *sp, int e);

/* Pushes the document of the text file at path (read, decompressed when
 * it is gzip or zstd, normalized by o, split; see stet._doc_file) and sets
 * *bytes to the text's length. Returns 0, or 1 with nothing pushed when
 * the file is not a text document (binary, unreadable, a broken stream:
 * the general way says which). size: the file's length when known, STET_SIZE_REGULAR
 * (core/decompress.h) when only its type is, else -1. The document is a
 * new one, or when reuse is not 0 the one at
 * that absolute index, renewed (stet_ldoc_renew). Needs the scratch
 * upvalue. */
int stet_ldoc_from_file(lua_State *L, const char *path, lua_Integer size,
                        const stet_norm_opts *o, int lines, size_t *bytes, int reuse);

/* stet_ldoc_from_file's document of the text in the scratch's raw buffer
 * (which it may take): pushes it, new or renewed as there. Raises on
 * ENOMEM. */
void stet_ldoc_from_raw(lua_State *L, const stet_norm_opts *o, int lines, int reuse);

/* A document's summary (d:summary): the number of kept paragraphs, the
 * body's length, their fingerprints (8 bytes each, little-endian), the
 * body's fingerprint and its MinHash signature (has_bfp 0 and no
 * signature without kept paragraphs; no signature when it was not asked
 * for). fps and sig point into the scratch, valid until the next call. */
typedef struct stet_ldoc_summary {
  lua_Integer kept;
  size_t body_len;
  const char *fps;
  size_t fps_len;
  int has_bfp;
  uint64_t bfp;
  const char *sig; /* NULL: none */
  size_t sig_len;
} stet_ldoc_summary;

/* Fills *s with d's summary, the signature made with mo when mo is not
 * NULL. 0, or -1 on ENOMEM. */
int stet_ldoc_summarize(scratch *sc, stet_doc *d, const stet_minhash_opts *mo,
                        stet_ldoc_summary *s);

/* Pushes d's summary as d:summary does: kept, body_len, fps, body_fp, sig
 * (body_fp and sig nil without kept paragraphs; sig nil when mo is NULL).
 * Needs the scratch upvalue. [-0, +5] */
int stet_ldoc_push_summary(lua_State *L, stet_doc *d, const stet_minhash_opts *mo);

/* Appends the JSON string literal of d's body (d:body_json) to b and sets
 * *kept to the number of kept paragraphs. 0, or -1 on ENOMEM. */
int stet_ldoc_body_json(const stet_doc *d, stet_buf *b, lua_Integer *kept);

/* Pushes d:tally(fate)'s read, kept, labels. [-0, +3] */
int stet_ldoc_push_tally(lua_State *L, const stet_doc *d, const char *fate, size_t flen);

/* d:boilerplate: labels the kept paragraphs that c counted in at least
 * threshold documents of the site; returns how many. */
struct stet_counter;
lua_Integer stet_ldoc_boilerplate(lua_State *L, stet_doc *d, const struct stet_counter *c,
                                  const char *site, size_t slen, lua_Integer threshold);

/* Appends the framing of d:dump and d:spill (a u32 head length, the head,
 * the document) to b. 0, or -1 on ENOMEM. */
int stet_ldoc_frame(const stet_doc *d, const char *head, size_t hlen, stet_buf *b);

/* Adds the lane (core/lua_lane.c) to the module table at up - 1, its
 * functions with the scratch at up as their upvalue. */
void stet_lua_open_lane(lua_State *L, int up);

#endif
