import Foundation
import MCNDTestSupport
import Testing

extension EndToEnd {
    /// Listing a folder reads each name from its `dirent` record only: copying
    /// the whole `struct dirent` (280 bytes) read past the end of a short record
    /// at the end of libc's buffer, and crashed (SIGSEGV) `mcnd status` and
    /// `--once` on an inbox of 12,000 imported images, about 2 runs in 5.
    @Suite("Listing large folders") struct ListingTests {
        @Test func statusOverTwelveThousandFilesNeverCrashes() throws {
            let scratch = try Scratch("listing")
            let root = scratch.appending("root").path
            try MCND.succeed(["init", root], scratch: scratch.url)
            // The state first (status reads it), then the files.
            try MCND.succeed(["--root", root, "--once"], scratch: scratch.url)
            let train = try Fashion.trainSplit()
            let idx = try train.writeIDX(Array(0..<12_000), to: scratch.url, name: "many")
            try MCND.succeed(
                ["import-idx", "--images", idx.images, "--labels", idx.labels, "--out", root + "/inbox"], scratch: scratch.url)
            var crashed: [String] = []
            for _ in 0..<20 {
                let result = try MCND.run(["status", "--root", root], scratch: scratch.url)
                if !result.succeeded { crashed.append("\(result)".prefix(300).description) }
            }
            #expect(crashed.isEmpty, "\(crashed.count) of 20 `mcnd status` runs failed: \(crashed.first ?? "")")
        }
    }
}
