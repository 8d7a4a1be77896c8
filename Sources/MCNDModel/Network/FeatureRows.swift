/// Input rows for the network: one row per sample, `width` features each.
/// Pixels are kept as bytes (a quarter of the memory of Float32) and scaled by
/// 1/255 only when a batch is gathered, which is also where the book divides.
public struct FeatureRows: Sendable {
    public enum Storage: Sendable {
        /// Values 0…255, read as `value / 255`.
        case pixels([UInt8])
        /// Values used as they are.
        case values([Float])
    }

    public let count: Int
    public let width: Int
    /// The rows' values; of a `sample`, those of the whole set it was drawn from.
    public let storage: Storage
    /// Row `r` of a `sample` is row `rowMap[r]` of `storage`; nil: row `r`.
    private let rowMap: [Int]?

    public init(pixels: [UInt8], width: Int) {
        precondition(width > 0 && pixels.count % width == 0, "pixel count is not a multiple of the row width")
        self.count = pixels.count / width
        self.width = width
        self.storage = .pixels(pixels)
        rowMap = nil
    }

    public init(values: [Float], width: Int) {
        precondition(width > 0 && values.count % width == 0, "value count is not a multiple of the row width")
        self.count = values.count / width
        self.width = width
        self.storage = .values(values)
        rowMap = nil
    }

    private init(_ base: FeatureRows, rows: [Int]) {
        count = rows.count
        width = base.width
        storage = base.storage
        rowMap = base.rowMap.map { map in rows.map { map[$0] } } ?? rows
    }

    /// The rows at `indices` read in place, without a copy of their values:
    /// a calibration's 60,000 rows of a million examples (47 MB at 28×28) cost
    /// nothing beyond the set they come from. Only the reads of this type
    /// (`copyRows`, `gather`, `subset`) see it; `storage` keeps every row, so
    /// this stays inside the module, with the code that reads rows that way.
    func sample(_ indices: [Int]) -> FeatureRows { FeatureRows(self, rows: indices) }

    /// The rows at `indices`, in that order, as a new set (used for splits).
    public func subset(_ indices: some Sequence<Int>) -> FeatureRows {
        let indices = rowMap.map { map in indices.map { map[$0] } } ?? Array(indices)
        switch storage {
        case .pixels(let p):
            var out: [UInt8] = []
            for i in indices { out.append(contentsOf: p[i * width..<(i + 1) * width]) }
            return FeatureRows(pixels: out, width: width)
        case .values(let v):
            var out: [Float] = []
            for i in indices { out.append(contentsOf: v[i * width..<(i + 1) * width]) }
            return FeatureRows(values: out, width: width)
        }
    }

    /// Writes rows `indices` as Float32 (or bf16 bits) into `destination`, row after row.
    /// The rows come in random order, so the next ones are prefetched while
    /// this one is converted.
    func gather(_ indices: UnsafeBufferPointer<Int>, into destination: UnsafeMutableRawPointer, element: DNNL.Element) {
        let ahead = 4
        let stored = { (i: Int) in self.rowMap?[i] ?? i }
        withRawBytes { base, rowBytes in
            for r in 0..<min(ahead, indices.count) { DNNL.prefetch(base + stored(indices[r]) * rowBytes, bytes: rowBytes) }
        }
        for (r, i) in indices.enumerated() {
            if r + ahead < indices.count {
                withRawBytes { base, rowBytes in DNNL.prefetch(base + stored(indices[r + ahead]) * rowBytes, bytes: rowBytes) }
            }
            copyRows(from: i, count: 1, into: destination, at: r, element: element)
        }
    }

    /// The start of the storage and the bytes of one row.
    private func withRawBytes(_ body: (UnsafeRawPointer, Int) -> Void) {
        switch storage {
        case .pixels(let p): p.withUnsafeBytes { body($0.baseAddress!, width) }
        case .values(let v): v.withUnsafeBytes { body($0.baseAddress!, width * 4) }
        }
    }

    /// Writes the contiguous rows `start..<start+n` as Float32 (or bf16 bits)
    /// into `destination`, starting at its row `at`.
    func copyRows(
        from start: Int, count n: Int, into destination: UnsafeMutableRawPointer, at row: Int = 0,
        element: DNNL.Element = .f32
    ) {
        if let rowMap {
            for r in 0..<n { copyStoredRows(from: rowMap[start + r], count: 1, into: destination, at: row + r, element: element) }
        } else {
            copyStoredRows(from: start, count: n, into: destination, at: row, element: element)
        }
    }

    /// `copyRows` of the rows as `storage` holds them.
    private func copyStoredRows(
        from start: Int, count n: Int, into destination: UnsafeMutableRawPointer, at row: Int, element: DNNL.Element
    ) {
        let w = width, count = n * w
        switch (storage, element) {
        case (.pixels(let p), .f32):
            let d = destination.assumingMemoryBound(to: Float.self) + row * w
            p.withUnsafeBufferPointer { src in
                if VectorKernels.available {
                    VectorKernels.bytesToF32(src.baseAddress! + start * w, count: count, into: d)
                } else {
                    Self.scale(src.baseAddress! + start * w, count: count, into: d)
                }
            }
        case (.pixels(let p), .bf16):
            let d = destination.assumingMemoryBound(to: UInt16.self) + row * w
            p.withUnsafeBufferPointer { src in
                if VectorKernels.available {
                    VectorKernels.bytesToBF16(src.baseAddress! + start * w, count: count, into: d)
                } else {
                    Self.scale(src.baseAddress! + start * w, count: count, into: d)
                }
            }
        case (.values(let v), .f32):
            let d = destination.assumingMemoryBound(to: Float.self) + row * w
            v.withUnsafeBufferPointer { src in d.update(from: src.baseAddress! + start * w, count: count) }
        case (.values(let v), .bf16):
            let d = destination.assumingMemoryBound(to: UInt16.self) + row * w
            v.withUnsafeBufferPointer { src in ForwardKernels.bf16(src.baseAddress! + start * w, count: count, into: d) }
        }
    }

    /// `value / 255` for each byte. Written so the compiler vectorizes it
    /// (`Float(Int32(byte))`, no overflow checks); `FeatureRowsTests` checks it
    /// against the plain formula.
    static func scale(_ s: UnsafePointer<UInt8>, count: Int, into d: UnsafeMutablePointer<Float>) {
        var j = 0
        while j < count {
            d[j] = Float(Int32(s[j])) / 255
            j &+= 1
        }
    }

    /// The same, rounded to bf16 bits (to nearest even, as `DNNL.bf16`).
    static func scale(_ s: UnsafePointer<UInt8>, count: Int, into d: UnsafeMutablePointer<UInt16>) {
        var j = 0
        while j < count {
            let bits = (Float(Int32(s[j])) / 255).bitPattern
            d[j] = UInt16(truncatingIfNeeded: (bits &+ 0x7FFF &+ ((bits &>> 16) & 1)) &>> 16)
            j &+= 1
        }
    }
}
