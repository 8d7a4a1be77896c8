import Foundation
import MCNDPipeline
import Testing

/// The review table's `alternatives` column, now written without JSONEncoder:
/// what it writes reads back the same, and what JSONEncoder wrote before still reads.
@Suite("Review alternatives column") struct ReviewAlternativesColumnTests {
    static let samples: [[ReviewItem.Alternative]] = [
        [.init(label: "Coat", confidence: 0.123_456_789_012_345_6), .init(label: "Shirt", confidence: 1e-7)],
        [.init(label: "T-shirt/top", confidence: 0), .init(label: "a \"quoted\" \\ label\n", confidence: 1)],
        [.init(label: "Größe ✓ \u{2028}", confidence: 0.5)],
    ]

    @Test("written by hand, read back unchanged")
    func roundTrip() {
        for alternatives in Self.samples {
            let text = ReviewAlternativesColumn.encode(alternatives)
            #expect(text != nil)
            #expect(ReviewAlternativesColumn.decode(text) == alternatives, "\(text ?? "nil")")
        }
    }

    @Test("the same values as JSONEncoder's text, which older rows hold")
    func sameAsEncoder() throws {
        for alternatives in Self.samples {
            let old = String(decoding: try JSONEncoder().encode(alternatives), as: UTF8.self)
            #expect(ReviewAlternativesColumn.decode(old) == ReviewAlternativesColumn.decode(ReviewAlternativesColumn.encode(alternatives)))
        }
    }

    @Test("none, or a confidence with no JSON number, is no text")
    func nothing() {
        #expect(ReviewAlternativesColumn.encode([]) == nil)
        #expect(ReviewAlternativesColumn.encode([.init(label: "x", confidence: .nan)]) == nil)
        #expect(ReviewAlternativesColumn.decode(nil).isEmpty)
    }
}
