/// The number format of training's large products (`train.precision`).
public enum TrainingPrecision: String, Sendable, Codable, CaseIterable {
    /// Float32 products.
    case f32
    /// bfloat16 products with f32 accumulation; the weights and their update
    /// stay f32. Only where the CPU has native bf16 instructions: emulated, it
    /// would be slower than f32, so elsewhere it means f32.
    case bf16
    /// bf16 where the CPU multiplies bf16 natively, else f32.
    case auto

    /// What this setting means on this CPU (never `.auto`).
    public var resolved: TrainingPrecision {
        switch self {
        case .f32: .f32
        case .bf16, .auto: DNNL.hasNativeBF16 ? .bf16 : .f32
        }
    }

    var element: DNNL.Element { resolved == .bf16 ? .bf16 : .f32 }

    /// oneDNN's instruction set on this CPU and whether it has native bf16, for logs.
    public static var cpuDescription: String {
        "oneDNN ISA \(DNNL.isa), native bf16 \(DNNL.hasNativeBF16 ? "yes" : "no")"
    }
}

extension TrainingPrecision {
    /// The oneDNN kernels a training step of this precision uses for its two
    /// large products, e.g. `x·W1 brg:avx512_core_bf16, xᵀ·δ1 brg:avx512_core_bf16`
    /// (or why oneDNN could not create them).
    public func kernels(inputs n: Int, units h: Int, batchRows m: Int, parts p: Int) -> String {
        let element = self.element, rows = m / max(1, p)
        let forward = DNNL.Shape(m: rows, n: h, k: n, lda: n, ldb: h, ldc: h, element: element, epilogue: .biasSigmoid)
        let gradient = DNNL.Shape(m: n, n: h, k: rows, transposeA: true, lda: n, ldb: h, ldc: h, element: element)
        do {
            return "x·W1 \(try DNNL.implementation(of: forward)), xᵀ·δ1 \(try DNNL.implementation(of: gradient))"
        } catch {
            return "unavailable: \(error)"
        }
    }
}
