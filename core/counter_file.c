/* core/counter_file.c: saving and loading counting tables (counter.h).
 *
 * File format, version 1, every integer little-endian:
 *   "STETTBL1"                     8 bytes, the magic
 *   u32 version (1), u32 flags (0)
 *   u64 entries, u32 sites, u64 samples
 *   sites:   u32 length, the name bytes                  (x sites)
 *   entries: u64 fingerprint, u32 site id, u32 count     (x entries)
 *   samples: u64 fingerprint, u32 site id, u8 length, the bytes (x samples)
 *   u64 checksum: XXH3-64 (seed 0) of every byte before it
 * Entries are written in table order (sorted by their order hash), which
 * makes loading a sequence of appends. A table is written to PATH.tmp and
 * renamed to PATH once complete, so PATH never holds half a table; where
 * PATH is a link, a device or a pipe, core/outfile.h says what is written
 * instead. */
#include "counter.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "le.h"
#include "outfile.h"

#define MAGIC "STETTBL1"
#define VERSION 1
#define HEADER_BYTES 36
#define IO_BUF (1 << 16)

static void set_err(char *err, size_t errlen, const char *path, const char *fmt, ...) {
  int k = snprintf(err, errlen, "%s: ", path);
  if (k < 0 || (size_t)k >= errlen) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err + k, errlen - (size_t)k, fmt, ap);
  va_end(ap);
}

/* A buffered writer that hashes what it writes. */
typedef struct writer {
  FILE *f;
  XXH3_state_t *hs;
  unsigned char buf[IO_BUF];
  size_t len;
  int failed; /* the errno of the first failed write, or EIO */
} writer;

static void w_flush(writer *w) {
  if (w->len && !w->failed) {
    XXH3_64bits_update(w->hs, w->buf, w->len);
    if (fwrite(w->buf, 1, w->len, w->f) != w->len) w->failed = errno ? errno : EIO;
  }
  w->len = 0;
}

static void w_bytes(writer *w, const void *p, size_t n) {
  const unsigned char *s = p;
  while (n) {
    if (w->len == IO_BUF) w_flush(w);
    size_t k = IO_BUF - w->len < n ? IO_BUF - w->len : n;
    memcpy(w->buf + w->len, s, k);
    w->len += k;
    s += k;
    n -= k;
  }
}

static void w_u32(writer *w, uint32_t v) {
  unsigned char b[4];
  stet_put_le32(b, v);
  w_bytes(w, b, 4);
}
static void w_u64(writer *w, uint64_t v) {
  unsigned char b[8];
  stet_put_le64(b, v);
  w_bytes(w, b, 8);
}

int stet_counter_save(const stet_counter *c, const char *path, char *err, size_t errlen) {
  char *target = NULL, *tmp = NULL;
  writer *w = malloc(sizeof *w);
  XXH3_state_t *hs = XXH3_createState();
  int rc = -1;
  int std = stet_outfile_std(path);
  if (!w || !hs || (std < 0 && stet_outfile_target(path, &target))) {
    set_err(err, errlen, path, "not enough memory");
    goto done;
  }
  int direct = target == NULL; /* written straight (outfile.h), or through std */
  if (!direct) {
    size_t tlen = strlen(target);
    if (!(tmp = malloc(tlen + 5))) {
      set_err(err, errlen, path, "not enough memory");
      goto done;
    }
    memcpy(tmp, target, tlen);
    memcpy(tmp + tlen, ".tmp", 5);
  }
  errno = 0;
  if (std >= 0) { /* through the descriptor itself */
    int fd = dup(std);
    w->f = fd < 0 ? NULL : fdopen(fd, "wb");
    if (!w->f && fd >= 0) close(fd);
  } else {
    w->f = fopen(direct ? path : tmp, direct ? "ab" : "wb"); /* as the descriptor says */
  }
  if (!w->f) {
    set_err(err, errlen, path, "cannot write %s: %s", direct ? path : tmp, strerror(errno));
    goto done;
  }
  w->hs = hs;
  w->len = 0;
  w->failed = 0;
  XXH3_64bits_reset(hs);
  w_bytes(w, MAGIC, 8);
  w_u32(w, VERSION);
  w_u32(w, 0);
  w_u64(w, c->size);
  w_u32(w, c->nsites);
  w_u64(w, c->samples_n);
  for (uint32_t id = 0; id < c->nsites; id++) {
    size_t l;
    const char *s = stet_counter_site_name(c, id, &l);
    w_u32(w, (uint32_t)l);
    w_bytes(w, s, l);
  }
  for (size_t i = 0; i < c->alloc; i++) { /* straight into the buffer */
    const stet_count_entry *e = &c->slots[i];
    if (w->len + 16 > IO_BUF) w_flush(w);
    unsigned char *b = w->buf + w->len;
    stet_put_le64(b, e->fp);
    stet_put_le32(b + 8, e->site);
    stet_put_le32(b + 12, e->count);
    /* a free slot is written over by the next entry: no branch to
     * mispredict on the third of the slots that are free */
    w->len += e->fp ? 16 : 0;
  }
  enum { AHEAD = 16 }; /* samples lie in the order they were taken */
  for (size_t i = 0; i < c->samples_cap; i++) {
    const stet_sample_slot *s = &c->samples[i];
    if (i + AHEAD < c->samples_cap && c->samples[i + AHEAD].fp)
      __builtin_prefetch(c->sample_text.data + c->samples[i + AHEAD].off);
    if (!s->fp) continue;
    const unsigned char *p = (const unsigned char *)c->sample_text.data + s->off;
    size_t k = 1 + (size_t)p[0];
    if (w->len + 12 + k > IO_BUF) w_flush(w);
    unsigned char *b = w->buf + w->len;
    stet_put_le64(b, s->fp);
    stet_put_le32(b + 8, s->site);
    memcpy(b + 12, p, k);
    w->len += 12 + k;
  }
  w_flush(w);
  unsigned char sum[8];
  stet_put_le64(sum, XXH3_64bits_digest(hs));
  if (!w->failed && fwrite(sum, 1, 8, w->f) != 8) w->failed = errno ? errno : EIO;
  if (fclose(w->f) != 0 && !w->failed) w->failed = errno ? errno : EIO;
  if (w->failed) {
    set_err(err, errlen, path, "cannot write %s: %s", direct ? path : tmp, strerror(w->failed));
    if (!direct) remove(tmp);
    goto done;
  }
  if (!direct && rename(tmp, target) != 0) {
    set_err(err, errlen, path, "cannot rename %s: %s", tmp, strerror(errno));
    remove(tmp);
    goto done;
  }
  rc = 0;
done:
  free(tmp);
  free(target);
  free(w);
  XXH3_freeState(hs);
  return rc;
}

/* A buffered reader that hashes what it consumes (r_sync hashes up to the
 * read position, so the checksum itself stays out of the hash). */
typedef struct reader {
  FILE *f;
  XXH3_state_t *hs;
  unsigned char buf[IO_BUF];
  size_t pos, len, hashed;
} reader;

static void r_sync(reader *r) {
  XXH3_64bits_update(r->hs, r->buf + r->hashed, r->pos - r->hashed);
  r->hashed = r->pos;
}

/* Copies n bytes into out; -1 when the file ends first. */
static int r_bytes(reader *r, void *out, size_t n) {
  unsigned char *o = out;
  while (n) {
    if (r->pos == r->len) {
      r_sync(r);
      r->len = fread(r->buf, 1, IO_BUF, r->f);
      r->pos = r->hashed = 0;
      if (r->len == 0) return -1;
    }
    size_t k = r->len - r->pos < n ? r->len - r->pos : n;
    memcpy(o, r->buf + r->pos, k);
    r->pos += k;
    o += k;
    n -= k;
  }
  return 0;
}

stet_counter *stet_counter_load(const char *path, char *err, size_t errlen) {
  stet_counter *c = NULL;
  reader *r = malloc(sizeof *r);
  XXH3_state_t *hs = XXH3_createState();
  char *name = malloc(1u << 16);
  FILE *f = NULL;
  const char *why = NULL;
  if (!r || !hs || !name) { why = "not enough memory"; goto fail; }
  f = fopen(path, "rb");
  if (!f) {
    set_err(err, errlen, path, "%s", strerror(errno));
    goto out;
  }
  struct stat sb;
  if (fstat(fileno(f), &sb) != 0) { why = "cannot stat"; goto fail; }
  uint64_t fsize = (uint64_t)sb.st_size;
  r->f = f;
  r->hs = hs;
  r->pos = r->len = r->hashed = 0;
  XXH3_64bits_reset(hs);
  unsigned char h[HEADER_BYTES];
  if (fsize < 8 || r_bytes(r, h, 8) || memcmp(h, MAGIC, 8) != 0) {
    why = "not a stet counting table (bad magic)";
    goto fail;
  }
  if (r_bytes(r, h + 8, HEADER_BYTES - 8)) { why = "truncated (header)"; goto fail; }
  uint32_t version = stet_get_le32(h + 8);
  if (version != VERSION) {
    set_err(err, errlen, path, "unsupported table version %u (this stet reads %u)",
            (unsigned)version, VERSION);
    goto out;
  }
  uint64_t nentries = stet_get_le64(h + 16);
  uint32_t nsites = stet_get_le32(h + 24);
  uint64_t nsamples = stet_get_le64(h + 28);
  if (nentries > fsize / 16 || nsites > fsize / 4 || nsamples > fsize / 13) {
    why = "truncated or corrupted (counts larger than the file)";
    goto fail;
  }
  c = stet_counter_new();
  if (!c) { why = "not enough memory"; goto fail; }
  for (uint32_t id = 0; id < nsites; id++) {
    unsigned char b[4];
    if (r_bytes(r, b, 4)) { why = "truncated (sites)"; goto fail; }
    uint32_t l = stet_get_le32(b);
    if (l > (1u << 16)) { why = "corrupted (site name too long)"; goto fail; }
    if (r_bytes(r, name, l)) { why = "truncated (sites)"; goto fail; }
    uint32_t got;
    if (stet_counter_site(c, name, l, &got)) { why = "not enough memory"; goto fail; }
    if (got != id) { why = "corrupted (duplicate site name)"; goto fail; }
  }
  for (uint64_t i = 0; i < nentries; i++) {
    unsigned char b[16];
    if (r_bytes(r, b, 16)) { why = "truncated (entries)"; goto fail; }
    uint64_t fp = stet_get_le64(b);
    uint32_t site = stet_get_le32(b + 8), count = stet_get_le32(b + 12);
    if (!fp || !count || site >= nsites) { why = "corrupted (bad entry)"; goto fail; }
    if (stet_counter_add_count(c, fp, site, count)) { why = "not enough memory"; goto fail; }
  }
  for (uint64_t i = 0; i < nsamples; i++) {
    unsigned char b[13];
    if (r_bytes(r, b, 13) || r_bytes(r, name, b[12])) { why = "truncated (samples)"; goto fail; }
    uint64_t fp = stet_get_le64(b);
    uint32_t site = stet_get_le32(b + 8);
    if (!fp || site >= nsites || b[12] > STET_SAMPLE_MAX) { why = "corrupted (bad sample)"; goto fail; }
    if (stet_counter_set_sample(c, fp, site, name, b[12])) { why = "not enough memory"; goto fail; }
  }
  r_sync(r);
  uint64_t want = XXH3_64bits_digest(hs);
  unsigned char b[8];
  if (r_bytes(r, b, 8)) { why = "truncated (checksum)"; goto fail; }
  if (stet_get_le64(b) != want) { why = "corrupted (checksum mismatch)"; goto fail; }
  if (r_bytes(r, b, 1) == 0) { why = "corrupted (data after the checksum)"; goto fail; }
  fclose(f);
  free(r);
  free(name);
  XXH3_freeState(hs);
  return c;
fail:
  if (why) set_err(err, errlen, path, "%s", why);
out:
  stet_counter_free(c);
  c = NULL;
  if (f) fclose(f);
  free(r);
  free(name);
  XXH3_freeState(hs);
  return c;
}
