/// Validation membership by content: the first 32 bits of the SHA-256 as a
/// fraction of 2³², so a file's split never changes as the dataset grows.
public enum ValidationSplit {
    public static func isValidation(sha256: String, fraction: Double) -> Bool {
        guard fraction > 0, let head = UInt32(sha256.prefix(8), radix: 16) else { return false }
        return Double(head) / 4_294_967_296 < fraction
    }
}
