import Foundation
import MCNDTestSupport

extension MCND {
    /// `mcnd --root R --once` with settle 0 and a short first run. Truncated files the tests write are
    /// cut off for good, so they are rejected at once (no incomplete_grace_seconds).
    static func once(_ root: String, scratch: URL, asUser: Bool = false, _ settings: [String] = []) throws -> Child {
        try run(
            [
                "--root", root, "--once", "--set", "settle_seconds=0", "--set", "incomplete_grace_seconds=0",
                "--set", "train.epochs=2", "--set", "train.min_steps=0", "--set", "train.cross_validation_below=0", "--set",
                "train.refit_below=0", "--set",
                "train.units=16",
            ]
                + settings.flatMap { ["--set", $0] }, scratch: scratch, asUser: asUser, timeout: 180)
    }
}
