/// Rows of hidden activations `a1` (`units` values each), visited a block at
/// a time in row order: read from an array, or computed by a forward pass per
/// block, so that a fit over a million training rows never holds their `a1`
/// (400 bytes a row at 100 units, half of what the pixels take).
public struct HiddenRows {
    public let count: Int
    public let units: Int
    private let visit: ((Int, UnsafeBufferPointer<Float>) -> Void) -> Void

    /// `hidden`: `count × units` values, row-major, as one block.
    public init(_ hidden: [Float], units: Int) {
        count = hidden.count / max(units, 1)
        self.units = units
        visit = { body in hidden.withUnsafeBufferPointer { body(0, $0) } }
    }

    /// `a1` of `rows`, computed `MultiClassNetwork.blockRows` rows at a time on each visit.
    public init(network: MultiClassNetwork, rows: FeatureRows) {
        count = rows.count
        units = network.weights.units
        visit = { body in
            network.forEachActivationBlock(rows) { start, a in a.hidden.withUnsafeBufferPointer { body(start, $0) } }
        }
    }

    /// `body(firstRow, values)` for each block in row order; a block holds `values.count / units` rows.
    public func forEachBlock(_ body: (Int, UnsafeBufferPointer<Float>) -> Void) { visit(body) }
}
