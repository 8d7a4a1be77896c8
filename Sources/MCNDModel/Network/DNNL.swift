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

    /// Why oneDNN could not be used; each one means the install is broken.
    enum Failure: Error, CustomStringConvertible {
        case call(String, Int)
        var description: String {
            switch self {
            case .call(let name, let status):
                "oneDNN: \(name) failed with status \(status); reinstall libdnnl-dev (scripts/setup)"
            }
        }
    }

    /// `C = op(A)·op(B)` (with the epilogue). `a`/`b` point at Float or bf16
    /// bits as `shape.element` says; `bias` is needed by `.biasSigmoid`.
    static func multiply(_ shape: Shape, a: UnsafeRawPointer, b: UnsafeRawPointer,
                         c: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>? = nil) {
        // oneDNN's OpenMP runtime reads the calling thread's limit: keep it at one.
        omp_set_num_threads(1)
        let kernel = pool.withLock { $0[shape]?.popLast() } ?? Matmul(shape)
        kernel.run(a: a, b: b, c: c, bias: bias)
        pool.withLock { $0[shape, default: []].append(kernel) }
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
    static func implementation(of shape: Shape) -> String {
        omp_set_num_threads(1)
        let kernel = pool.withLock { $0[shape]?.popLast() } ?? Matmul(shape)
        defer { pool.withLock { $0[shape, default: []].append(kernel) } }
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
        while offset < bytes { mcnd_prefetch(address + offset); offset &+= 64 }
    }

    /// Idle primitives by shape. A primitive holds its memory objects and
    /// scratchpad, so one call uses it at a time; concurrent callers of the
    /// same shape each get their own, created on first need.
    private static let pool = Mutex<[Shape: [Matmul]]>([:])

    /// oneDNN's CPU engine: created once, immutable, safe to share between threads.
    private struct Engine: @unchecked Sendable { let handle: OpaquePointer }
    private static let cpu: Engine = {
        var engine: OpaquePointer?
        check(dnnl_engine_create(&engine, dnnl_cpu, 0), "dnnl_engine_create")
        return Engine(handle: engine!)
    }()
    private static var engine: OpaquePointer { cpu.handle }

    fileprivate static func check(_ status: dnnl_status_t, _ name: String) {
        guard status == dnnl_success else { fatalError(Failure.call(name, Int(status.rawValue)).description) }
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

        init(_ s: Shape) {
            func desc(_ rows: Int, _ cols: Int, _ transposed: Bool, _ ld: Int, _ type: dnnl_data_type_t) -> dnnl_memory_desc_t {
                var md = dnnl_memory_desc_t()
                var dims: [Int64] = [Int64(rows), Int64(cols)]
                var strides: [Int64] = transposed ? [1, Int64(ld)] : [Int64(ld), 1]
                check(dnnl_memory_desc_init_by_strides(&md, 2, &dims, type, &strides), "dnnl_memory_desc_init_by_strides")
                return md
            }
            let type = s.element == .bf16 ? dnnl_bf16 : dnnl_f32
            var aDesc = desc(s.m, s.k, s.transposeA, s.lda, type)
            var bDesc = desc(s.k, s.n, s.transposeB, s.ldb, type)
            var cDesc = desc(s.m, s.n, false, s.ldc, dnnl_f32)
            var biasDesc = desc(1, s.n, false, s.n, dnnl_f32)
            let withBias = s.epilogue == .biasSigmoid
            hasBias = withBias

            var attr: OpaquePointer?
            check(dnnl_primitive_attr_create(&attr), "dnnl_primitive_attr_create")
            defer { dnnl_primitive_attr_destroy(attr) }
            check(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user), "set_scratchpad_mode")
            if s.epilogue == .biasSigmoid {
                var ops: OpaquePointer?
                check(dnnl_post_ops_create(&ops), "dnnl_post_ops_create")
                defer { dnnl_post_ops_destroy(ops) }
                check(dnnl_post_ops_append_eltwise(ops, 1, dnnl_eltwise_logistic, 0, 0), "append_eltwise")
                check(dnnl_primitive_attr_set_post_ops(attr, ops), "set_post_ops")
            }
            var op = dnnl_matmul_desc_t()
            check(withUnsafePointer(to: &biasDesc) { bias in
                dnnl_matmul_desc_init(&op, &aDesc, &bDesc, withBias ? bias : nil, &cDesc)
            }, "dnnl_matmul_desc_init")
            var pd: OpaquePointer?
            check(withUnsafeMutablePointer(to: &op) { op in
                dnnl_primitive_desc_create(&pd, UnsafeRawPointer(op).assumingMemoryBound(to: dnnl_op_desc_t.self),
                                           attr, DNNL.engine, nil)
            }, "dnnl_primitive_desc_create (matmul \(s))")
            defer { dnnl_primitive_desc_destroy(pd) }
            var info: UnsafePointer<CChar>?
            dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &info)
            implementation = info.map { String(cString: $0) } ?? "unknown"

            var primitive: OpaquePointer?
            check(dnnl_primitive_create(&primitive, pd), "dnnl_primitive_create")
            self.primitive = primitive!
            var stream: OpaquePointer?
            check(dnnl_stream_create(&stream, DNNL.engine, dnnl_stream_default_flags.rawValue), "dnnl_stream_create")
            self.stream = stream!

            func memory(_ md: UnsafePointer<dnnl_memory_desc_t>, _ handle: UnsafeMutableRawPointer?) -> OpaquePointer? {
                var memory: OpaquePointer?
                check(dnnl_memory_create(&memory, md, DNNL.engine, handle), "dnnl_memory_create")
                return memory
            }
            let none = UnsafeMutableRawPointer(bitPattern: 0)
            a = memory(&aDesc, none); b = memory(&bDesc, none); c = memory(&cDesc, none)
            bias = withBias ? memory(&biasDesc, none) : nil
            let scratchDesc = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0)!
            let bytes = dnnl_memory_desc_get_size(scratchDesc)
            if bytes > 0 {
                scratchBuffer = .allocate(byteCount: bytes, alignment: 64)
                scratch = memory(scratchDesc, scratchBuffer)
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

        func run(a aData: UnsafeRawPointer, b bData: UnsafeRawPointer, c cData: UnsafeMutablePointer<Float>,
                 bias biasData: UnsafePointer<Float>?) {
            dnnl_memory_set_data_handle(a, UnsafeMutableRawPointer(mutating: aData))
            dnnl_memory_set_data_handle(b, UnsafeMutableRawPointer(mutating: bData))
            dnnl_memory_set_data_handle(c, cData)
            var args = [dnnl_exec_arg_t(arg: DNNL_ARG_SRC, memory: a),
                        dnnl_exec_arg_t(arg: DNNL_ARG_WEIGHTS, memory: b),
                        dnnl_exec_arg_t(arg: DNNL_ARG_DST, memory: c)]
            if hasBias {
                precondition(biasData != nil, "a bias+sigmoid product needs its bias")
                dnnl_memory_set_data_handle(bias, UnsafeMutableRawPointer(mutating: biasData!))
                args.append(dnnl_exec_arg_t(arg: DNNL_ARG_BIAS, memory: bias))
            }
            if let scratch { args.append(dnnl_exec_arg_t(arg: DNNL_ARG_SCRATCHPAD, memory: scratch)) }
            check(dnnl_primitive_execute(primitive, stream, Int32(args.count), &args), "dnnl_primitive_execute")
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
