/// The review loop. Keys `review.*`.
public struct ReviewSettings: Sendable, Equatable {
    /// Per-class thresholds are chosen at promotion so that predictions above
    /// them are right this often (on the validation rows); 0 turns review off.
    /// Key `review.target_precision`.
    public var targetPrecision: Double = 0.95
    /// Share of confident predictions also sent to review (hash-chosen), to
    /// estimate the accuracy of auto-accepted answers. Key `review.audit_fraction`.
    public var auditFraction: Double = 0.02
    /// A class with fewer validation rows uses the threshold (and the
    /// familiarity cutoff) over all classes. Key `review.min_support`.
    public var minimumSupport: Int = 50
    /// A request whose source format (size, colour kind) the serving model's
    /// examples did not have is unfamiliar. Key `review.format_check`.
    public var formatCheck = true
    /// Where the review page listens, `host:port` (e.g. `127.0.0.1:8470`);
    /// "" serves no page from the daemon. Key `review.listen`.
    public var listen = ""

    public init() {}

    public var isOn: Bool { targetPrecision > 0 }

    var problems: [String] {
        var out: [String] = []
        if !(0...1).contains(targetPrecision) { out.append("review.target_precision must be in [0, 1] (0 turns review off)") }
        if !(0...1).contains(auditFraction) { out.append("review.audit_fraction must be in [0, 1]") }
        if minimumSupport < 1 { out.append("review.min_support must be at least 1") }
        if !listen.isEmpty && ListenAddress(listen) == nil {
            out.append("review.listen must be host:port, e.g. 127.0.0.1:8470 or [::1]:8470 (\"\" = no review page), got \"\(listen)\"")
        }
        return out
    }
}
