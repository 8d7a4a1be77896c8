// oneDNN's C API. Debian builds it on the OpenMP runtime; libgomp's omp.h is
// not on clang's include path, so the one call mcnd needs is declared here.
#include <oneapi/dnnl/dnnl.h>

void omp_set_num_threads(int count);

// A hint to start loading the cache line at `address`; the training gather
// visits rows in random order and would otherwise wait on memory for each.
static inline void mcnd_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }
