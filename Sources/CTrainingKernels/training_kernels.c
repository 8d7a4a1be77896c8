// The kernels are static inline functions in include/training_kernels.h,
// imported into Swift from the header; SwiftPM wants one source file per C target.
#include "training_kernels.h"
