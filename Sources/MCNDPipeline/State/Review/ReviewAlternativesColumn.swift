import Foundation

/// The review table's `alternatives` column: the next labels as a JSON array
/// of `{"label":…,"confidence":…}`. Public for the tests that read it back.
public enum ReviewAlternativesColumn {
    /// Written by hand: a prediction batch queues hundreds of items, and a
    /// JSONEncoder per item cost more than the row's insert. nil for none, or
    /// for a confidence JSON has no number for (as JSONEncoder refused it).
    public static func encode(_ alternatives: [ReviewItem.Alternative]) -> String? {
        guard !alternatives.isEmpty, alternatives.allSatisfy(\.confidence.isFinite) else { return nil }
        var out: [UInt8] = [UInt8(ascii: "[")]
        for (i, alternative) in alternatives.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            var object = JSONLine()
            object.add(ReviewItem.Alternative.CodingKeys.label.rawValue, alternative.label)
            object.add(ReviewItem.Alternative.CodingKeys.confidence.rawValue, alternative.confidence)
            out += object.bytes.dropLast()
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Rows queued before the column existed (or a database not migrated yet, read by `status`) have none.
    public static func decode(_ text: String?) -> [ReviewItem.Alternative] {
        guard let text, let decoded = try? JSONDecoder().decode([ReviewItem.Alternative].self, from: Data(text.utf8)) else { return [] }
        return decoded
    }
}
