/* core/fuzz/fuzz_doc.c: libFuzzer harness for the document of the cleaning
 * passes (core/doc.h).
 *
 * Input: one option byte (bit 0: a paragraph per line; the other bits pick
 * paragraphs to label), then the text. Checked on every input: each
 * paragraph's fingerprint is stet_fingerprint of its text; after a first
 * line is split off and a text replaced, still so; the body fingerprint
 * from the stored keys equals stet_body_fingerprint of the body; a dump
 * loads back to the same paragraphs, labels and fingerprints, and dumps
 * again to the same bytes. The whole input is also loaded as if it were a
 * dump: an error or a document, never a crash, and a document that loads
 * dumps back to the same bytes. */
#include <string.h>

#include "doc.h"
#include "fuzz.h"

/* Checks every paragraph's fingerprint against stet_fingerprint. */
static void check_fps(const stet_doc *d, stet_fp_ctx *fp) {
  for (size_t i = 0; i < d->n; i++) {
    uint64_t want;
    FUZZ_CHECK(stet_fingerprint(fp, d->text.data + d->p[i].off, d->p[i].len, &want) == 0, "oom");
    FUZZ_CHECK(want == d->p[i].fp, "paragraph fingerprint differs from stet_fingerprint");
  }
}

/* Dumps d, loads the bytes into e, and checks they hold the same document. */
static void check_round_trip(const stet_doc *d, stet_doc *e) {
  stet_buf a = STET_BUF_INIT, b = STET_BUF_INIT;
  FUZZ_CHECK(stet_doc_dump(d, &a) == 0, "oom");
  FUZZ_CHECK(stet_doc_load(e, a.data, a.len) == 0, "a dump does not load");
  FUZZ_CHECK(e->n == d->n, "paragraph count changed");
  for (size_t i = 0; i < d->n; i++) {
    const stet_para *p = &d->p[i], *q = &e->p[i];
    FUZZ_CHECK(p->len == q->len && memcmp(d->text.data + p->off, e->text.data + q->off, p->len) == 0,
               "paragraph text changed");
    FUZZ_CHECK(p->fp == q->fp && p->count == q->count, "fingerprint or count changed");
    size_t l1, l2;
    const char *s1 = stet_doc_label_name(d, p->label, &l1), *s2 = stet_doc_label_name(e, q->label, &l2);
    FUZZ_CHECK(l1 == l2 && memcmp(s1, s2, l1) == 0 && !p->label == !q->label, "label changed");
  }
  FUZZ_CHECK(stet_doc_dump(e, &b) == 0, "oom");
  FUZZ_CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0, "a loaded dump dumps differently");
  stet_buf_free(&a);
  stet_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_in in = {data, size};
  unsigned opt = fuzz_byte(&in);
  size_t n;
  const uint8_t *t = fuzz_bytes(&in, in.n, &n);
  char *text = fuzz_copy(t, n);
  stet_fp_ctx fp = STET_FP_CTX_INIT;
  stet_doc d = STET_DOC_INIT, e = STET_DOC_INIT;
  stet_buf scratch = STET_BUF_INIT, body = STET_BUF_INIT;

  FUZZ_CHECK(stet_doc_split(&d, &fp, text, n, (int)(opt & 1)) == 0, "oom");
  check_fps(&d, &fp);
  if (d.n > 0) {
    FUZZ_CHECK(stet_doc_split_line(&d, &fp, 0) >= 0, "oom");
    FUZZ_CHECK(stet_doc_set_text(&d, &fp, d.n - 1, d.text.data + d.p[0].off, d.p[0].len) == 0, "oom");
    check_fps(&d, &fp);
  }
  for (size_t i = 0; i < d.n; i++) {
    if (opt >> (1 + i % 7) & 1) {
      int id = stet_doc_label(&d, i % 2 ? "odd" : "even", i % 2 ? 3 : 4);
      FUZZ_CHECK(id > 0, "label");
      d.p[i].label = (uint16_t)id;
    }
  }
  uint64_t got, want;
  FUZZ_CHECK(stet_doc_body_fp(&d, &fp, &scratch, &got) == 0, "oom");
  FUZZ_CHECK(stet_doc_body(&d, &body, "\n\n", 2) >= 0, "oom");
  FUZZ_CHECK(stet_doc_body_len(&d) == body.len, "body length");
  FUZZ_CHECK(stet_body_fingerprint(&fp, body.data ? body.data : "", body.len, &want) == 0, "oom");
  FUZZ_CHECK(got == want, "body fingerprint from keys differs from stet_body_fingerprint");
  check_round_trip(&d, &e);

  /* the raw input as a dump */
  char *raw = fuzz_copy(data, size);
  int rc = stet_doc_load(&e, raw, size);
  FUZZ_CHECK(rc == 0 || rc == -2, "load of arbitrary bytes");
  if (rc == 0) {
    stet_buf a = STET_BUF_INIT;
    FUZZ_CHECK(stet_doc_dump(&e, &a) == 0, "oom");
    FUZZ_CHECK(a.len == size && memcmp(a.data, raw, size) == 0, "a loaded document dumps differently");
    stet_buf_free(&a);
  }
  free(raw);
  stet_doc_free(&d);
  stet_doc_free(&e);
  stet_buf_free(&scratch);
  stet_buf_free(&body);
  stet_fp_ctx_free(&fp);
  free(text);
  return 0;
}
