/* core/lsh.c: the banded LSH index of lsh.h. */
#include "lsh.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define NIL UINT32_MAX
#define FREE_BAND UINT32_MAX

stet_lsh *stet_lsh_new(size_t bands, size_t width) {
  stet_lsh *x = calloc(1, sizeof *x);
  if (!x) return NULL;
  x->bands = bands;
  x->width = width;
  x->nslots = 1024;
  x->slots = malloc(x->nslots * sizeof *x->slots);
  if (!x->slots) {
    free(x);
    return NULL;
  }
  for (size_t i = 0; i < x->nslots; i++) x->slots[i].band = FREE_BAND;
  return x;
}

void stet_lsh_free(stet_lsh *x) {
  if (!x) return;
  free(x->sigs);
  free(x->next);
  free(x->slots);
  free(x);
}

static inline const unsigned char *sig_at(const stet_lsh *x, size_t i) {
  return x->sigs + i * x->bands * x->width;
}

/* The slot of (band, hash): the one holding it, or the free one where it
 * would go. */
static size_t slot_of(const stet_lsh_slot *slots, size_t nslots, uint32_t band, uint64_t h) {
  size_t mask = nslots - 1, i = (size_t)(h ^ (h >> 29)) & mask;
  while (slots[i].band != FREE_BAND && (slots[i].band != band || slots[i].hash != h))
    i = (i + 1) & mask;
  return i;
}

/* Doubles the slot table. 0, or -1 on ENOMEM. */
static int grow_slots(stet_lsh *x) {
  size_t ns = x->nslots * 2;
  stet_lsh_slot *s = malloc(ns * sizeof *s);
  if (!s) return -1;
  for (size_t i = 0; i < ns; i++) s[i].band = FREE_BAND;
  for (size_t i = 0; i < x->nslots; i++)
    if (x->slots[i].band != FREE_BAND)
      s[slot_of(s, ns, x->slots[i].band, x->slots[i].hash)] = x->slots[i];
  free(x->slots);
  x->slots = s;
  x->nslots = ns;
  return 0;
}

static inline uint64_t band_hash(const stet_lsh *x, const unsigned char *sig, size_t b) {
  return XXH3_64bits_withSeed(sig + b * x->width, x->width, (uint64_t)b);
}

/* Room for cap signatures in the signature and chain arrays. 0, or -1 on
 * ENOMEM. */
static int set_cap(stet_lsh *x, size_t cap) {
  unsigned char *s = realloc(x->sigs, cap * x->bands * x->width);
  if (!s) return -1;
  x->sigs = s;
  uint32_t *nx = realloc(x->next, cap * x->bands * sizeof *nx);
  if (!nx) return -1;
  x->next = nx;
  x->cap = cap;
  return 0;
}

int stet_lsh_reserve(stet_lsh *x, size_t n) {
  if (n > NIL / 2) return -1;
  while ((n * x->bands) * 4 > x->nslots * 3)
    if (grow_slots(x)) return -1;
  return n > x->cap ? set_cap(x, n) : 0;
}

int stet_lsh_add(stet_lsh *x, const unsigned char *sig) {
  size_t sb = x->bands * x->width;
  if (x->n >= NIL - 1) return -1;
  if (x->n == x->cap && set_cap(x, x->cap ? x->cap * 2 : 256)) return -1;
  while ((x->used + x->bands) * 4 > x->nslots * 3)
    if (grow_slots(x)) return -1;
  size_t i = x->n;
  memcpy(x->sigs + i * sb, sig, sb);
  /* the band hashes first, their slots fetched ahead: the slot table is
   * large and each band lands in a random place */
  uint64_t hs[64];
  size_t ahead = x->bands < 64 ? x->bands : 64;
  for (size_t b = 0; b < ahead; b++) {
    hs[b] = band_hash(x, sig, b);
    __builtin_prefetch(&x->slots[(size_t)(hs[b] ^ (hs[b] >> 29)) & (x->nslots - 1)]);
  }
  for (size_t b = 0; b < x->bands; b++) {
    uint64_t h = b < ahead ? hs[b] : band_hash(x, sig, b);
    stet_lsh_slot *s = &x->slots[slot_of(x->slots, x->nslots, (uint32_t)b, h)];
    if (s->band == FREE_BAND) {
      s->band = (uint32_t)b;
      s->hash = h;
      s->head = NIL;
      x->used++;
    }
    x->next[i * x->bands + b] = s->head;
    s->head = (uint32_t)i;
  }
  x->n++;
  return 0;
}

void stet_lsh_candidates(const stet_lsh *x, const unsigned char *sig, unsigned char *seen,
                         void (*fn)(void *ud, size_t i), void *ud) {
  size_t found = 0;
  for (int pass = 0; pass < 2; pass++) { /* report, then clear seen */
    for (size_t b = 0; b < x->bands; b++) {
      uint64_t h = band_hash(x, sig, b);
      const stet_lsh_slot *s = &x->slots[slot_of(x->slots, x->nslots, (uint32_t)b, h)];
      if (s->band == FREE_BAND) continue;
      for (uint32_t i = s->head; i != NIL; i = x->next[(size_t)i * x->bands + b]) {
        if (memcmp(sig_at(x, i) + b * x->width, sig + b * x->width, x->width) != 0) continue;
        if (pass == 1) {
          seen[i] = 0;
        } else if (!seen[i]) {
          seen[i] = 1;
          found++;
          fn(ud, i);
        }
      }
    }
    if (!found) break;
  }
}

static uint32_t find_root(uint32_t *root, uint32_t i) {
  uint32_t r = i;
  while (root[r] != r) r = root[r];
  while (root[i] != r) {
    uint32_t up = root[i];
    root[i] = r;
    i = up;
  }
  return r;
}

/* Equal 4-byte values of the nv values at a and c. */
static size_t same_values(size_t nv, const unsigned char *a, const unsigned char *c) {
  size_t same = 0;
  for (size_t v = 0; v < nv; v++) same += memcmp(a + 4 * v, c + 4 * v, 4) == 0;
  return same;
}

void stet_lsh_entries(size_t bands, size_t width, const unsigned char *values, uint32_t sig,
                      stet_lsh_entry *out) {
  for (size_t b = 0; b < bands; b++) {
    out[b].key = (uint32_t)(XXH3_64bits_withSeed(values + b * width, width, (uint64_t)b) >> 32);
    out[b].slot = sig * (uint32_t)bands + (uint32_t)b;
  }
}

/* Sorts e[0..n) by the high SORT_BITS bits of their keys, which is
 * enough to bring equal keys together in short runs: least significant
 * digit first, 11 bits a pass (2,048 places written to at a time stay in
 * the caches), with tmp as scratch. */
#define SORT_BITS 22
static void sort_entries(stet_lsh_entry *e, stet_lsh_entry *tmp, size_t n) {
  size_t count[2049];
  for (int shift = 32 - SORT_BITS; shift < 32; shift += 11) {
    memset(count, 0, sizeof count);
    for (size_t i = 0; i < n; i++) count[((e[i].key >> shift) & 0x7FF) + 1]++;
    for (size_t d = 0; d < 2048; d++) count[d + 1] += count[d];
    for (size_t i = 0; i < n; i++) tmp[count[(e[i].key >> shift) & 0x7FF]++] = e[i];
    stet_lsh_entry *t = e;
    e = tmp;
    tmp = t;
  }
  /* two passes: the sorted entries are back in the first array */
}

int stet_lsh_cluster_entries(stet_lsh_entry *e, size_t ne, size_t n, size_t bands, size_t width,
                             stet_lsh_values_fn values, void *ud, double threshold,
                             uint32_t *root) {
  for (size_t i = 0; i < n; i++) root[i] = (uint32_t)i;
  stet_lsh_entry *tmp = malloc((ne ? ne : 1) * sizeof *tmp);
  if (!tmp) return -1;
  sort_entries(e, tmp, ne);
  free(tmp);
  size_t nv = bands * width / 4;
  for (size_t lo = 0, hi; lo < ne; lo = hi) {
    for (hi = lo + 1; hi < ne && (e[hi].key >> (32 - SORT_BITS)) == (e[lo].key >> (32 - SORT_BITS));)
      hi++;
    /* a run of equal high key bits: its pairs of equal keys in the same
     * band are the candidates, checked byte by byte (a collision of keys
     * joins nothing) */
    for (size_t a = lo; a + 1 < hi; a++) {
      /* most runs are keys that share their high bits by chance: a's
       * signature and band are worked out at its first equal key, and its
       * values (a few cache misses away) fetched at its first candidate */
      int known = 0;
      uint32_t siga = 0, banda = 0;
      const unsigned char *sa = NULL;
      for (size_t c = a + 1; c < hi; c++) {
        if (e[c].key != e[a].key) continue;
        if (!known) {
          siga = e[a].slot / (uint32_t)bands;
          banda = e[a].slot % (uint32_t)bands;
          known = 1;
        }
        if (e[c].slot % (uint32_t)bands != banda) continue;
        uint32_t sigc = e[c].slot / (uint32_t)bands;
        uint32_t ra = find_root(root, siga), rc = find_root(root, sigc);
        if (ra == rc) continue;
        if (!sa) sa = values(ud, siga);
        size_t off = banda * width;
        const unsigned char *sc = values(ud, sigc);
        if (memcmp(sa + off, sc + off, width) != 0) continue;
        if ((double)same_values(nv, sa, sc) / (double)nv < threshold) continue;
        if (ra < rc) root[rc] = ra;
        else root[ra] = rc;
      }
    }
  }
  for (size_t i = 0; i < n; i++) root[i] = find_root(root, (uint32_t)i);
  return 0;
}

static const unsigned char *index_values(void *ud, uint32_t i) {
  return sig_at((const stet_lsh *)ud, i);
}

int stet_lsh_clusters(const stet_lsh *x, double threshold, uint32_t *root) {
  if (x->n > STET_LSH_MAX_SIGS(x->bands)) return -1;
  size_t ne = x->n * x->bands;
  stet_lsh_entry *e = malloc((ne ? ne : 1) * sizeof *e);
  if (!e) return -1;
  for (size_t i = 0; i < x->n; i++)
    stet_lsh_entries(x->bands, x->width, sig_at(x, i), (uint32_t)i, e + i * x->bands);
  int rc = stet_lsh_cluster_entries(e, ne, x->n, x->bands, x->width, index_values, (void *)x,
                                    threshold, root);
  free(e);
  return rc;
}
