import CBLAS

/// mcnd parallelizes training steps itself and runs OpenBLAS single-threaded
/// inside each part; processes that predict while they train (the daemon)
/// call this once at start so no OpenBLAS worker pool ever competes.
public enum BLASThreads {
    public static func useOne() { BLAS.setThreadCount(1) }
}

/// The only door to OpenBLAS. Callers pass pointers they hold inside their own
/// `withUnsafe…` scopes; matrices are row-major.
enum BLAS {
    /// Fixes OpenBLAS's thread count. Results are bit-identical run to run only
    /// for a fixed count, because the count decides how sgemm splits its work.
    static func setThreadCount(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
    }

    /// `C = alpha · op(A) · op(B) + beta · C`, with `op(A)` of shape m×k and
    /// `op(B)` of shape k×n; the transpose flags spare us materialized transposes.
    static func gemm(
        transposeA: Bool, transposeB: Bool,
        m: Int, n: Int, k: Int,
        alpha: Float,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor,
            transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k),
            alpha, a, blasint(lda), b, blasint(ldb),
            beta, c, blasint(ldc))
    }
}
