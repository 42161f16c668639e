/* core/lsh.h: the banded LSH index under stet.lsh (lua/stet/lsh.lua).
 *
 * Signatures (the values part of a MinHash signature, minhash.h) are kept
 * in insertion order and numbered 0, 1, 2, ... The values are cut into
 * `bands` bands of `width` bytes; two signatures are candidates when one
 * band is byte-for-byte equal. Each band value is hashed (XXH3, the band
 * number as seed) into one open-addressing table whose slots head a chain
 * of the signatures with that hash; chains are checked byte by byte, so a
 * hash collision never makes a candidate (the table answers
 * stet_lsh_candidates). Clusters are the connected components of the
 * candidate pairs whose estimated similarity (equal values / values) is at
 * least the threshold: they do not depend on the order of the adds. They
 * are found from the band hashes sorted once (stet_lsh_cluster_entries),
 * which also serves signatures kept outside an index. Not locked: one
 * thread at a time. */
#ifndef STET_LSH_H
#define STET_LSH_H

#include <stddef.h>
#include <stdint.h>

typedef struct stet_lsh_slot {
  uint64_t hash;  /* XXH3 of the band bytes, seeded by the band */
  uint32_t band;  /* UINT32_MAX: free slot */
  uint32_t head;  /* the last signature added with this band hash */
} stet_lsh_slot;

typedef struct stet_lsh {
  size_t bands, width;   /* width: bytes per band */
  unsigned char *sigs;   /* n signatures of bands * width bytes */
  size_t n, cap;
  uint32_t *next;        /* next[i * bands + b]: the previous signature in i's chain of band b */
  stet_lsh_slot *slots;  /* power of two */
  size_t nslots, used;
} stet_lsh;

/* A new index, or NULL on ENOMEM. bands >= 1, width >= 1. */
stet_lsh *stet_lsh_new(size_t bands, size_t width);

/* Makes room for n signatures in all, so adding them never grows the
 * tables (each growth rehashes every band). 0, or -1 on ENOMEM. */
int stet_lsh_reserve(stet_lsh *x, size_t n);
void stet_lsh_free(stet_lsh *x);

/* Adds the values sig (bands * width bytes) as signature number x->n.
 * 0, or -1 on ENOMEM (the index is unchanged). */
int stet_lsh_add(stet_lsh *x, const unsigned char *sig);

/* Calls fn(ud, i) for every signature i sharing a band with sig, once
 * each, in no particular order. seen is scratch of x->n bytes, all 0 on
 * entry and on return. */
void stet_lsh_candidates(const stet_lsh *x, const unsigned char *sig, unsigned char *seen,
                         void (*fn)(void *ud, size_t i), void *ud);

/* Fills root[0..n) with, for each signature, the smallest number of its
 * cluster (root[i] == i for a signature alone or first of its cluster),
 * joining candidate pairs whose similarity is at least threshold
 * (stet_lsh_cluster_entries over the index's signatures). 0, or -1 on
 * ENOMEM. */
int stet_lsh_clusters(const stet_lsh *x, double threshold, uint32_t *root);

/* Clustering without an index, for signatures kept elsewhere: each
 * signature gives one entry per band (stet_lsh_entries), the entries are
 * sorted by hash at the end, and runs of equal hashes in the same band are
 * the candidates. No table is probed while signatures come, and the same
 * clusters come out as from an index. */
typedef struct stet_lsh_entry {
  uint32_t key;  /* the high half of the XXH3 of the band bytes, seeded by
                  * the band (equal keys are checked byte by byte) */
  uint32_t slot; /* sig * bands + band: 8 bytes an entry, as the sort
                  * at the end is bound by memory */
} stet_lsh_entry;

/* The most signatures whose entries stet_lsh_entries can number. */
#define STET_LSH_MAX_SIGS(bands) (UINT32_MAX / (bands))

/* The bands entries of signature number sig (sig < STET_LSH_MAX_SIGS),
 * whose values (bands * width bytes) are at values, into out[0..bands). */
void stet_lsh_entries(size_t bands, size_t width, const unsigned char *values, uint32_t sig,
                      stet_lsh_entry *out);

/* The values of signature number i. */
typedef const unsigned char *(*stet_lsh_values_fn)(void *ud, uint32_t i);

/* stet_lsh_clusters for the n signatures whose entries are e[0..ne) (in
 * any order; e is sorted in place). 0, or -1 on ENOMEM. */
int stet_lsh_cluster_entries(stet_lsh_entry *e, size_t ne, size_t n, size_t bands, size_t width,
                             stet_lsh_values_fn values, void *ud, double threshold,
                             uint32_t *root);

#endif
