/* core/counter.h: counting tables of paragraph fingerprints.
 *
 * A table counts, for each (fingerprint, site) pair, in how many distinct
 * documents it occurs. Sites are strings interned into small ids. Entries
 * are 16 bytes (fingerprint, site id, count) in one open-addressing array
 * with linear probing whose clusters are kept sorted by a hash of the key
 * ("ordered" Robin Hood), the load factor stays at or under 0.8, and the
 * home slot of a key is a monotonic function of its hash. Because of that
 * the table grows in place: the array is realloc'ed (from 4 MB on it is
 * mapped, with transparent huge pages asked for, and grows by mremap, no
 * copy) and entries move from the last to the first, never over an entry
 * not yet moved. Peak memory is the grown table, not old + new.
 * Small tables (up to 256 Ki slots, 4 MB) double, so a corpus of a few
 * hundred thousand paragraphs does not grow a dozen times; from then on they
 * grow by 1/5, so the table stays between 0.66 and 0.8 full: 16 / 0.66 =
 * 24 bytes per entry at most (the same bound as 1/8 steps between 0.66 and
 * 0.75, with a third fewer growths, each of which moves every entry).
 *
 * Per-document counting: add() takes a document key and counts a pair at
 * most once per document. The table remembers the keys of the current
 * document only (a small set, cleared when the document key changes), so
 * the adds of one document must be consecutive; a document seen again after
 * another one counts as a new document.
 *
 * Samples: when add() is given the paragraph text and the count of its pair
 * reaches 2, the first 80 bytes (cut at a character boundary) are kept for
 * reports, in a side table. They are saved, loaded and merged too.
 *
 * A table is not locked: one thread at a time. */
#ifndef STET_COUNTER_H
#define STET_COUNTER_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"

#define STET_SAMPLE_MAX 80

typedef struct stet_count_entry {
  uint64_t fp;    /* the fingerprint; 0 (STET_FP_EMPTY) marks a free slot */
  uint32_t site;  /* interned site id */
  uint32_t count; /* documents, saturating at UINT32_MAX */
} stet_count_entry;

typedef struct stet_sample_slot {
  uint64_t fp;   /* 0: free */
  uint32_t site;
  uint32_t pad;
  uint64_t off;  /* offset in sample_text of a length byte and the bytes */
} stet_sample_slot;

/* The fields are private to counter.c and counter_file.c. */
typedef struct stet_counter {
  stet_count_entry *slots;
  size_t mapped;        /* bytes mapped for slots (big tables), 0: malloc */
  size_t home;          /* slots that are home positions */
  size_t alloc;         /* slots allocated: home plus an overflow tail */
  size_t size;          /* entries in use */
  /* sites: names in one buffer, an index by hash */
  stet_buf site_text;   /* name bytes, back to back */
  size_t *site_off;     /* nsites + 1 offsets into site_text */
  uint32_t nsites, sites_cap;
  uint32_t *site_index; /* id + 1 per slot, 0 free; power of two */
  uint32_t site_index_cap;
  /* the current document: its key and the pair hashes already counted;
   * a docset slot is in use when its stamp is docgen (a new document
   * takes the next generation instead of clearing the set) */
  uint64_t doc;
  int have_doc;
  uint64_t *docset;
  uint32_t *docstamp;
  uint32_t docgen;
  size_t docset_cap, docset_n;
  /* samples */
  stet_sample_slot *samples;
  size_t samples_cap, samples_n;
  stet_buf sample_text;
  int sample_gaps;      /* a pair may count 2 or more without a sample (an
                           add without text, add_count, a failed set) */
  /* the run of adds under way, in any unit (bytes, files), for growth:
   * work_done of work_total, begun with work_base entries; 0 of 0 when
   * not known (stet_counter_work) */
  uint64_t work_done, work_total;
  size_t work_base;
} stet_counter;

/* A new empty table, or NULL on ENOMEM. Free it with stet_counter_free. */
stet_counter *stet_counter_new(void);
void stet_counter_free(stet_counter *c);

/* Interns a site name: stores its id in *id. 0, or -1 on ENOMEM. */
int stet_counter_site(stet_counter *c, const char *name, size_t len, uint32_t *id);
/* Looks a site up without adding it: 1 and *id when known, else 0. */
int stet_counter_find_site(const stet_counter *c, const char *name, size_t len, uint32_t *id);
/* The name of site id (id < c->nsites) and its length. */
const char *stet_counter_site_name(const stet_counter *c, uint32_t id, size_t *len);

/* Counts fp for site in document doc, unless fp is STET_FP_EMPTY (then
 * nothing happens: the current document stays what it was) or the pair
 * was already counted for this document. text (may be NULL) is the
 * paragraph, for samples. Stores the pair's count in *count (may be NULL).
 * Returns 1 when counted, 0 when not, -1 on ENOMEM. */
int stet_counter_add(stet_counter *c, uint64_t fp, uint32_t site, uint64_t doc,
                     const char *text, size_t tlen, uint32_t *count);
/* stet_counter_add for the paragraphs spans[0..k) of one document of the
 * text s (their fingerprints filled in; the text for samples when samples
 * is set), fetching each one's slot a few adds ahead. 0, or -1 on ENOMEM. */
struct stet_fp_span;
int stet_counter_add_spans(stet_counter *c, const char *s, const struct stet_fp_span *spans,
                           size_t k, uint32_t site, uint64_t doc, int samples);
/* Says how far the run of adds under way has gone: done of total, in any
 * unit (bytes of a file, files of a folder); total 0 when not known. done
 * 0 of a total begins a run (the entries already there are not its own).
 * When the table must grow, it grows to the size the run's entries so far
 * project for the whole run instead of by a fifth (at most eight times
 * its home slots, and only up to 2^23 of them, 128 MiB), so that a big run moves its
 * entries a few times instead of a dozen. The caller sets total 0 again
 * when the run ends. Changes no count. */
void stet_counter_work(stet_counter *c, uint64_t done, uint64_t total);
/* Hints the processor to fetch the home slot of (fp, site), so that an add
 * a few paragraphs later does not wait for memory. Changes nothing. */
void stet_counter_prefetch(const stet_counter *c, uint64_t fp, uint32_t site);

/* The fingerprint packed little-endian at p (8 bytes: string.pack "<j"),
 * as d:summary and counter:add_all write them. */
static inline uint64_t stet_fp_unpack(const unsigned char *p) {
  uint64_t v = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  memcpy(&v, p, 8);
#else
  for (int b = 7; b >= 0; b--) v = v << 8 | p[b];
#endif
  return v;
}

/* stet_counter_add(c, fp, site, doc, NULL, 0, NULL) for every fingerprint
 * packed in fps[0..len) (len a multiple of 8), their slots fetched a few
 * at a time ahead of the adds. 0, or -1 on ENOMEM. */
int stet_counter_add_packed(stet_counter *c, const unsigned char *fps, size_t len, uint32_t site,
                            uint64_t doc);

/* Grows the table to hold n entries without growing again (a growth moves
 * every entry). 0, or -1 on ENOMEM with the table unchanged. */
int stet_counter_reserve(stet_counter *c, size_t n);
/* Adds n documents to the pair (fp, site) directly (merging, loading).
 * 0, or -1 on ENOMEM. */
int stet_counter_add_count(stet_counter *c, uint64_t fp, uint32_t site, uint32_t n);
/* The count of (fp, site); 0 when absent. */
uint32_t stet_counter_count(const stet_counter *c, uint64_t fp, uint32_t site);

/* Takes n off the count of (fp, site) (not below 0; a saturated count
 * stays): for a caller that counted documents one by one and learns later
 * that some were one. Returns 1 when the pair is in the table, else 0. */
int stet_counter_sub_count(stet_counter *c, uint64_t fp, uint32_t site, uint32_t n);
/* The sample of (fp, site), or NULL; its length in *len. */
const char *stet_counter_sample(const stet_counter *c, uint64_t fp, uint32_t site, size_t *len);
/* Keeps text as the sample of (fp, site) unless it has one. 0, -1 ENOMEM. */
int stet_counter_set_sample(stet_counter *c, uint64_t fp, uint32_t site,
                            const char *text, size_t len);

/* Writes into out (room for n) the up to n entries with the highest counts,
 * of site `site` only when site >= 0, best first (count descending, then fp
 * and site ascending). Returns how many were written. */
size_t stet_counter_top(const stet_counter *c, size_t n, int64_t site, stet_count_entry *out);

/* Adds every count (and sample) of src to dst, mapping sites by name.
 * dst != src. 0, or -1 on ENOMEM (dst then holds part of src). */
int stet_counter_merge(stet_counter *dst, const stet_counter *src);

/* Bytes of memory the table holds. */
size_t stet_counter_memory(const stet_counter *c);

/* core/counter_file.c. Saves to path (through path.tmp and a rename).
 * Returns 0, or -1 with "path: reason" in err. */
int stet_counter_save(const stet_counter *c, const char *path, char *err, size_t errlen);
/* Loads a saved table, or returns NULL with "path: reason" in err. */
stet_counter *stet_counter_load(const char *path, char *err, size_t errlen);

#endif
