// oneDNN's C API. Debian builds it on the OpenMP runtime; libgomp's omp.h is
// not on clang's include path, so the one call mcnd needs is declared here.
#include <oneapi/dnnl/dnnl.h>

void omp_set_num_threads(int count);
