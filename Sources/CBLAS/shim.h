// OpenBLAS's CBLAS header; nothing here needs wrapping for Swift.
#include <cblas.h>
