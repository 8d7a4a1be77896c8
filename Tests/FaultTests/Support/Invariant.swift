import Foundation
import Glibc
import MCNDImaging
import MCNDTestSupport
import Testing

/// One file put into the inbox by a test.
struct Input {
    var relative: [UInt8]
    var content: [UInt8]
    var labeled: Bool { relative.contains(47) }
    var display: String { String(decoding: relative, as: UTF8.self) }
}

/// The invariant of the README's "Exactly once": every input is still in the inbox, or has exactly
/// one outcome; never two, and nothing moved away without one. `final` also requires that
/// nothing is left in the inbox.
func checkInvariant(_ inputs: [Input], root: String, final: Bool, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let outcomes = try Outcomes.of(root)
    #expect(outcomes.bad.isEmpty, "torn or invalid outbox lines: \(outcomes.bad)", sourceLocation: sourceLocation)
    var problems: [String] = []
    let examples = outcomes.exampleSet
    for input in inputs {
        let inInbox = Files.exists(Files.bytes(root + "/inbox/") + input.relative)
        let n = outcomes.count(input, examples: examples)
        if n > 1 { problems.append("\(input.display.debugDescription): \(n) outcomes") }
        if !inInbox && n == 0 { problems.append("\(input.display.debugDescription): gone from the inbox without an outcome") }
        if final && inInbox { problems.append("\(input.display.debugDescription): still in the inbox") }
        if final && n != 1 { problems.append("\(input.display.debugDescription): \(n) outcomes") }
    }
    #expect(problems.isEmpty, "\(problems.count) inputs break the invariant: \(problems.prefix(20))", sourceLocation: sourceLocation)
}

/// A root made with `mcnd init`, and the inputs a test dropped into it.
final class Root {
    let path: String
    let scratch: Scratch
    var inputs: [Input] = []
    private var seed: UInt64 = 1

    init(_ scratch: Scratch, name: String = "root") throws {
        self.scratch = scratch
        path = scratch.path + "/" + name
        let made = try MCND.run(["init", path], scratch: scratch.url)
        guard made.succeeded else { throw TestFailure("mcnd init failed: \(made.transcript)") }
    }

    var inbox: String { path + "/inbox" }
    var outbox: String { path + "/outbox" }

    func nextImage() -> [UInt8] {
        seed += 1
        return Images.png(seed &+ UInt64(UInt(bitPattern: path.hashValue)))
    }

    /// Drops `content` (a new image by default) at `relative` (raw bytes below inbox/), making folders.
    @discardableResult
    func drop(_ relative: [UInt8], _ content: [UInt8]? = nil, record: Bool = true) throws -> Input {
        let parts = relative.split(separator: 47, omittingEmptySubsequences: false)
        var folder = Files.bytes(inbox)
        for part in parts.dropLast() {
            folder += [47] + part
            try Files.makeFolder(folder)
        }
        let input = Input(relative: relative, content: content ?? nextImage())
        try Files.drop(input.content, into: folder, as: Array(parts.last!))
        if record { inputs.append(input) }
        return input
    }

    @discardableResult
    func drop(_ relative: String, _ content: [UInt8]? = nil, record: Bool = true) throws -> Input {
        try drop(Files.bytes(relative), content, record: record)
    }

    /// `perLabel` new images under each label, and `requests` prediction requests.
    func dropBatch(labels: [String], perLabel: Int, requests: Int, tag: String) throws {
        for label in labels { for i in 0..<perLabel { try drop("\(label)/\(tag)-\(i).png") } }
        for i in 0..<requests { try drop("\(tag)-q\(i).png") }
    }

    /// A first `--once` on two labels, so a model exists and requests get predicted.
    func train(asUser: Bool = false) throws {
        try dropBatch(labels: ["alpha", "beta"], perLabel: 10, requests: 0, tag: "seed")
        if asUser { try Shell.run(["/bin/chown", "-R", "65534:65534", path]) }
        let run = try MCND.once(path, scratch: scratch.url, asUser: asUser)
        guard run.succeeded else { throw TestFailure("the first run failed: \(run.transcript)") }
    }
}
