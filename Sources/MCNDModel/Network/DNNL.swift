import CDNNL
import Glibc
import Synchronization

/// The only door to oneDNN (`dnnl.h`). Every matrix product mcnd does is a
/// oneDNN `matmul` primitive, created once per shape and reused: creation
/// costs ~0.1–1 ms, execution a few microseconds. mcnd splits its work over
/// its own threads, so each call runs oneDNN single-threaded; results are
/// bit-identical run to run for the same shapes and ISA.
enum DNNL {
    /// How one operand of a product is stored.
    enum Element: Hashable, Sendable {
        case f32
        /// bfloat16 as raw `UInt16` bits; products accumulate in f32.
        case bf16
    }

    /// What the primitive does to `A·B` before writing it.
    enum Epilogue: Hashable, Sendable {
        case none
        /// `sigmoid(A·B + bias)`, bias one value per column.
        case biasSigmoid
    }

    /// One product `C (m×n, f32) = op(A) (m×k) · op(B) (k×n)`, row-major with
    /// leading dimensions; `transposeA` means A is stored k×m (and likewise B).
    struct Shape: Hashable, Sendable {
        var m: Int, n: Int, k: Int
        var transposeA = false, transposeB = false
        var lda: Int, ldb: Int, ldc: Int
        var element: Element = .f32
        var epilogue: Epilogue = .none
    }

    /// `C = op(A)·op(B)` (with the epilogue). `a`/`b` point at Float or bf16
    /// bits as `shape.element` says; `bias` is needed by `.biasSigmoid`.
    static func product(
        _ shape: Shape, a: UnsafeRawPointer, b: UnsafeRawPointer,
        c: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>? = nil
    ) throws(DNNLError) {
        // oneDNN's OpenMP runtime reads the calling thread's limit: keep it at one.
        omp_set_num_threads(1)
        let kernel = try idleMatmul(shape)
        defer { pool.withLock { $0.put(kernel, for: shape) } }
        try kernel.run(a: a, b: b, c: c, bias: bias)
    }

    /// `product` for callers that have no one to hand an error to (prediction,
    /// calibration): a failure stops the process with the error's advice.
    static func multiply(
        _ shape: Shape, a: UnsafeRawPointer, b: UnsafeRawPointer,
        c: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>? = nil
    ) {
        orStop { () throws(DNNLError) in try product(shape, a: a, b: b, c: c, bias: bias) }
    }

    /// `body()`, stopping the process with the advice of a DNNLError it throws.
    static func orStop<T>(_ body: () throws(DNNLError) -> T) -> T {
        do { return try body() } catch { fatalError(error.description) }
    }

    /// The instruction set oneDNN dispatches to on this CPU.
    static let isa: String = {
        switch dnnl_get_effective_cpu_isa() {
        case dnnl_cpu_isa_avx512_core_amx: "avx512_core_amx"
        case dnnl_cpu_isa_avx512_core_bf16: "avx512_core_bf16"
        case dnnl_cpu_isa_avx512_core_vnni: "avx512_core_vnni"
        case dnnl_cpu_isa_avx512_core: "avx512_core"
        case dnnl_cpu_isa_avx2_vnni: "avx2_vnni"
        case dnnl_cpu_isa_avx2: "avx2"
        case dnnl_cpu_isa_avx: "avx"
        default: "sse41"
        }
    }()

    /// True when the CPU multiplies bf16 natively (AVX512-BF16 or AMX); elsewhere
    /// oneDNN would emulate bf16, slower than f32.
    static let hasNativeBF16: Bool = {
        let isa = dnnl_get_effective_cpu_isa()
        return isa == dnnl_cpu_isa_avx512_core_bf16 || isa == dnnl_cpu_isa_avx512_core_amx
    }()

    /// oneDNN's name for the kernel it picked for `shape`, e.g. `brg:avx512_core_bf16`.
    static func implementation(of shape: Shape) throws(DNNLError) -> String {
        omp_set_num_threads(1)
        let kernel = try idleMatmul(shape)
        defer { pool.withLock { $0.put(kernel, for: shape) } }
        return kernel.implementation
    }

    /// The nearest bf16 (round to nearest even) of `value`, as raw bits.
    @inline(__always)
    static func bf16(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        return UInt16(truncatingIfNeeded: (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16)
    }

    /// Starts loading the `bytes` at `address` into the cache (a hint; never faults).
    @inline(__always)
    static func prefetch(_ address: UnsafeRawPointer, bytes: Int) {
        var offset = 0
        while offset < bytes {
            mcnd_prefetch(address + offset)
            offset &+= 64
        }
    }

    /// Idle primitives by shape. A primitive holds its memory objects and
    /// scratchpad, so one call uses it at a time; concurrent callers of the
    /// same shape each get their own, created on first need. Bounded: a
    /// training step needs about a dozen, a prediction pass two.
    private static let pool = Mutex(IdlePool<Shape, Matmul>(capacity: primitiveCapacity))
    static let primitiveCapacity = 64

    /// Idle primitives held now (for the bound's test).
    static var idlePrimitives: Int { pool.withLock { $0.count } }

    /// Creates primitives until the pool holds one idle per entry of `shapes`
    /// (a shape listed twice gets two, for two threads).
    static func prepare(_ shapes: [Shape]) throws(DNNLError) {
        omp_set_num_threads(1)
        var wanted: [Shape: Int] = [:]
        for shape in shapes { wanted[shape, default: 0] += 1 }
        for (shape, count) in wanted {
            while pool.withLock({ $0.idleCount(shape) }) < count {
                let kernel = try Matmul(shape)
                pool.withLock { $0.put(kernel, for: shape) }
            }
        }
    }

    /// An idle primitive for `shape` from the pool, or a new one.
    private static func idleMatmul(_ shape: Shape) throws(DNNLError) -> Matmul {
        if let idle = pool.withLock({ $0.take(shape) }) { return idle }
        return try Matmul(shape)
    }

    /// oneDNN's CPU engine: created once, immutable, safe to share between threads.
    private struct Engine: @unchecked Sendable { let handle: OpaquePointer }
    private static let cpu: Result<Engine, DNNLError> = {
        var engine: OpaquePointer?
        let status = dnnl_engine_create(&engine, dnnl_cpu, 0)
        guard status == dnnl_success, let engine else { return .failure(.noEngine(status: Int(status.rawValue))) }
        return .success(Engine(handle: engine))
    }()

    /// Throws `failure(status)` unless `status` is success.
    fileprivate static func check(_ status: dnnl_status_t, _ failure: (Int) -> DNNLError) throws(DNNLError) {
        guard status == dnnl_success else { throw failure(Int(status.rawValue)) }
    }

    /// A matmul primitive for one shape with its memory objects, stream and
    /// scratchpad (user-managed, so it may run on any thread).
    private final class Matmul: @unchecked Sendable {
        let primitive: OpaquePointer
        let stream: OpaquePointer
        let a, b, c, bias, scratch: OpaquePointer?
        let scratchBuffer: UnsafeMutableRawPointer?
        let implementation: String
        let hasBias: Bool
        /// The product in words, for errors.
        let what: String

        init(_ s: Shape) throws(DNNLError) {
            let engine = try DNNL.cpu.get().handle
            what = "matmul \(s.m)×\(s.k)·\(s.k)×\(s.n) \(s.element)"
            let what = self.what
            func check(_ status: dnnl_status_t) throws(DNNLError) {
                try DNNL.check(status) { .cannotCreate(what: what, status: $0) }
            }
            func desc(
                _ rows: Int, _ cols: Int, _ transposed: Bool, _ ld: Int, _ type: dnnl_data_type_t
            ) throws(DNNLError) -> dnnl_memory_desc_t {
                var md = dnnl_memory_desc_t()
                var dims: [Int64] = [Int64(rows), Int64(cols)]
                var strides: [Int64] = transposed ? [1, Int64(ld)] : [Int64(ld), 1]
                try check(dnnl_memory_desc_init_by_strides(&md, 2, &dims, type, &strides))
                return md
            }
            let type = s.element == .bf16 ? dnnl_bf16 : dnnl_f32
            var aDesc = try desc(s.m, s.k, s.transposeA, s.lda, type)
            var bDesc = try desc(s.k, s.n, s.transposeB, s.ldb, type)
            var cDesc = try desc(s.m, s.n, false, s.ldc, dnnl_f32)
            var biasDesc = try desc(1, s.n, false, s.n, dnnl_f32)
            let withBias = s.epilogue == .biasSigmoid
            hasBias = withBias

            var attr: OpaquePointer?
            try check(dnnl_primitive_attr_create(&attr))
            defer { dnnl_primitive_attr_destroy(attr) }
            try check(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user))
            if s.epilogue == .biasSigmoid {
                var ops: OpaquePointer?
                try check(dnnl_post_ops_create(&ops))
                defer { dnnl_post_ops_destroy(ops) }
                try check(dnnl_post_ops_append_eltwise(ops, 1, dnnl_eltwise_logistic, 0, 0))
                try check(dnnl_primitive_attr_set_post_ops(attr, ops))
            }
            var op = dnnl_matmul_desc_t()
            try check(
                withUnsafePointer(to: &biasDesc) { bias in
                    dnnl_matmul_desc_init(&op, &aDesc, &bDesc, withBias ? bias : nil, &cDesc)
                })
            var pd: OpaquePointer?
            try check(
                withUnsafeMutablePointer(to: &op) { op in
                    dnnl_primitive_desc_create(
                        &pd, UnsafeRawPointer(op).assumingMemoryBound(to: dnnl_op_desc_t.self),
                        attr, engine, nil)
                })
            defer { dnnl_primitive_desc_destroy(pd) }
            var info: UnsafePointer<CChar>?
            dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &info)
            implementation = info.map { String(cString: $0) } ?? "unknown"

            var primitive: OpaquePointer?
            try check(dnnl_primitive_create(&primitive, pd))
            self.primitive = primitive!
            var stream: OpaquePointer?
            try check(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue))
            self.stream = stream!

            func memory(_ md: UnsafePointer<dnnl_memory_desc_t>, _ handle: UnsafeMutableRawPointer?) throws(DNNLError) -> OpaquePointer? {
                var memory: OpaquePointer?
                try check(dnnl_memory_create(&memory, md, engine, handle))
                return memory
            }
            let none = UnsafeMutableRawPointer(bitPattern: 0)
            a = try memory(&aDesc, none)
            b = try memory(&bDesc, none)
            c = try memory(&cDesc, none)
            bias = withBias ? try memory(&biasDesc, none) : nil
            let scratchDesc = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0)!
            let bytes = dnnl_memory_desc_get_size(scratchDesc)
            if bytes > 0 {
                scratchBuffer = .allocate(byteCount: bytes, alignment: 64)
                scratch = try memory(scratchDesc, scratchBuffer)
            } else {
                scratchBuffer = nil
                scratch = nil
            }
        }

        deinit {
            for m in [a, b, c, bias, scratch] where m != nil { dnnl_memory_destroy(m) }
            scratchBuffer?.deallocate()
            dnnl_stream_destroy(stream)
            dnnl_primitive_destroy(primitive)
        }

        func run(
            a aData: UnsafeRawPointer, b bData: UnsafeRawPointer, c cData: UnsafeMutablePointer<Float>,
            bias biasData: UnsafePointer<Float>?
        ) throws(DNNLError) {
            dnnl_memory_set_data_handle(a, UnsafeMutableRawPointer(mutating: aData))
            dnnl_memory_set_data_handle(b, UnsafeMutableRawPointer(mutating: bData))
            dnnl_memory_set_data_handle(c, cData)
            var args = [
                dnnl_exec_arg_t(arg: DNNL_ARG_SRC, memory: a),
                dnnl_exec_arg_t(arg: DNNL_ARG_WEIGHTS, memory: b),
                dnnl_exec_arg_t(arg: DNNL_ARG_DST, memory: c),
            ]
            if hasBias {
                precondition(biasData != nil, "a bias+sigmoid product needs its bias")
                dnnl_memory_set_data_handle(bias, UnsafeMutableRawPointer(mutating: biasData!))
                args.append(dnnl_exec_arg_t(arg: DNNL_ARG_BIAS, memory: bias))
            }
            if let scratch { args.append(dnnl_exec_arg_t(arg: DNNL_ARG_SCRATCHPAD, memory: scratch)) }
            try DNNL.check(dnnl_primitive_execute(primitive, stream, Int32(args.count), &args)) {
                .cannotRun(what: what, status: $0)
            }
        }
    }
}

/// mcnd parallelizes its work itself and runs oneDNN single-threaded inside
/// each part; processes that predict while they train (the daemon) call this
/// once at start. Kept for callers: every oneDNN call already pins its
/// calling thread to one OpenMP thread.
public enum BLASThreads {
    public static func useOne() { omp_set_num_threads(1) }
}
