/// Axis ticks at 1-2-5 steps (…, 0.1, 0.2, 0.5, 1, 2, 5, …) covering a range,
/// so labels read 0.2, 0.4, 0.6 instead of 0.937, 1.874.
public struct NiceTicks: Sendable, Equatable {
    public var low: Double
    public var high: Double
    public var step: Double

    public init(low: Double, high: Double, target: Int = 5) {
        var low = low, high = high
        if !(low.isFinite && high.isFinite) {
            low = 0
            high = 1
        }
        if high <= low { high = low + (low == 0 ? 1 : abs(low) * 0.1) }
        let raw = (high - low) / Double(max(target, 1))
        var magnitude = 1.0
        while magnitude * 10 <= raw { magnitude *= 10 }
        while magnitude > raw { magnitude /= 10 }
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? magnitude * 10
        self.step = step
        self.low = (low / step).rounded(.down) * step
        self.high = (high / step).rounded(.up) * step
    }

    public var values: [Double] {
        let n = Int(((high - low) / step).rounded())
        return (0...n).map { low + Double($0) * step }
    }

    /// A tick value as text with as many decimals as the step needs (0.2, 1, 0.05).
    public func label(_ value: Double) -> String {
        var decimals = 0, s = step
        while decimals < 6 && abs(s - s.rounded()) > 1e-9 {
            s *= 10
            decimals += 1
        }
        return Self.format(value, decimals: decimals)
    }

    static func format(_ value: Double, decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (value * scale).rounded()
        let negative = scaled < 0
        let digits = String(Int(abs(scaled)))
        guard decimals > 0 else { return (negative ? "-" : "") + digits }
        let padded = String(repeating: "0", count: max(0, decimals + 1 - digits.count)) + digits
        return (negative ? "-" : "") + padded.dropLast(decimals) + "." + padded.suffix(decimals)
    }
}
