#include <zlib.h>

// inflateInit2 is a function-like macro and does not import into Swift.
static inline int mcnd_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}
