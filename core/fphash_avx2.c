/* core/fphash_avx2.c: XXH3 built for AVX2, for the fingerprints of long
 * keys (stet_fp_hash in core/fingerprint.c calls it on CPUs that have
 * AVX2). XXH3 gives the same hash whatever vector code computes it; from
 * 241 bytes on it goes through the key in 64-byte stripes, which AVX2 does
 * in half the instructions of the SSE2 that the rest of the build may use.
 * Under GCC the whole file is built for AVX2, so nothing here may run on a
 * CPU without it; under other compilers it is plain XXH3. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(STET_SCALAR)
#pragma GCC target("avx2")
#endif
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "fingerprint.h"

uint64_t stet_xxh3_avx2(const void *p, size_t n, uint64_t seed) {
  return XXH3_64bits_withSeed(p, n, seed);
}
