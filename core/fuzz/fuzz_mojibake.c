/* core/fuzz/fuzz_mojibake.c: libFuzzer harness for stet_mojibake_repair on
 * its own. Checked: return 0 writes nothing and counts nothing; return 1
 * counts at least one repair and shortens the text (each repair turns two
 * to four characters of two bytes or more into one character of as many
 * bytes as it had characters); the number of ill-formed UTF-8 sequences is
 * unchanged (a repair writes a complete character starting with a lead
 * byte), also when the output is repaired once more. */
#include <string.h>

#include "fuzz.h"
#include "normalize.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = fuzz_copy(data, size);
  stet_buf out = STET_BUF_INIT;
  size_t fixed = 0, where;
  int rc = stet_mojibake_repair(text, size, &out, &fixed);
  FUZZ_CHECK(rc == 0 || rc == 1, "stet_mojibake_repair returned an error");
  size_t bad_in = stet_utf8_validate((const unsigned char *)text, size, &where);
  if (rc == 0) {
    FUZZ_CHECK(out.len == 0, "return 0 but output written");
    FUZZ_CHECK(fixed == 0, "return 0 but repairs counted");
  } else {
    FUZZ_CHECK(fixed > 0, "return 1 without a repair counted");
    FUZZ_CHECK(out.len < size, "a repair did not shorten the text");
    size_t bad_out = stet_utf8_validate((const unsigned char *)out.data, out.len, &where);
    FUZZ_CHECK(bad_out == bad_in, "repair changed the number of ill-formed sequences");
    /* a second repair of the output must work too (it may change more) */
    char *copy = fuzz_copy(out.data, out.len);
    stet_buf again = STET_BUF_INIT;
    size_t fixed2 = 0;
    int rc2 = stet_mojibake_repair(copy, out.len, &again, &fixed2);
    FUZZ_CHECK(rc2 == 0 || rc2 == 1, "second repair returned an error");
    if (rc2 == 1)
      FUZZ_CHECK(stet_utf8_validate((const unsigned char *)again.data, again.len, &where) ==
                     bad_in, "second repair changed the ill-formed count");
    stet_buf_free(&again);
    free(copy);
  }
  stet_buf_free(&out);
  free(text);
  return 0;
}
