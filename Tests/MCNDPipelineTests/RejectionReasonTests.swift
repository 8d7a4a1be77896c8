import MCNDImaging
import MCNDPipeline
import Testing

/// The `reason` of a rejected event is a stable string: the typed reason must
/// write what libpng's classification wrote before it was typed.
@Suite("Rejection reasons") struct RejectionReasonTests {
    @Test("each image rejection maps to the reason with the same code")
    func imageRejectionsKeepTheirCodes() {
        let all: [ImageRejection] = [.empty, .notPNG("x"), .truncated("x"), .corrupt("x"), .tooLarge("x"), .unsupported("x")]
        for rejection in all {
            #expect(RejectionReason(rejection).rawValue == rejection.code)
        }
        #expect(Set(all.map { RejectionReason($0).rawValue }) == Set(ImageRejection.codes))
    }

    @Test("the reasons are the documented ones, each once")
    func documentedReasons() {
        let raw = RejectionReason.allCases.map(\.rawValue)
        #expect(raw == ["empty", "not_png", "truncated", "corrupt", "too_large", "unsupported", "bad_label", "symlink"])
        #expect(Set(raw).count == raw.count)
    }
}
