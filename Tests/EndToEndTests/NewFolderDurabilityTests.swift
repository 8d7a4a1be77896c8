import Foundation
import MCNDTestSupport
import Testing

extension EndToEnd {
    /// A file moved into a folder mcnd has just made (archive/labeled/<new label>/,
    /// review/<label>/) must not be lost by a power cut: the fsync of the new
    /// folder makes the rename durable, so the folder's own entry must be
    /// durable first. The power-loss test lost `review/Coat/q-004.png` once this
    /// way (kill between the two fsyncs, then the cut); here strace stops mcnd at
    /// exactly the first fsync of the new folder's parent, on the power-cut disk.
    @Suite("A new folder across a power cut") struct NewFolderDurabilityTests {
        static let strace = SyscallBudgetTests.strace

        @Test(
            "killed at the parent's fsync, then cut: the input is in the inbox or in its new folder, and ends archived once",
            .enabled(if: strace != nil, "strace is missing (scripts/setup installs it)"),
            .enabled(if: PowerCutDisk.unavailable == nil, "needs a FUSE mount (/dev/fuse, root, python3-fusepy)"))
        func inputSurvivesNewFolder() throws {
            let scratch = try Scratch("new-folder")
            let disk = scratch.appending("disk").path, root = scratch.appending("root").path
            try MCND.succeed(["init", disk], scratch: scratch.url)
            let train = try Fashion.trainSplit()
            let i = train.stratified(perClass: 1, classes: [0])[0]
            let png = try train.png(i)
            try Files.drop(png, into: disk + "/inbox", as: "Zebra/z.png")
            let fs = try PowerCutDisk(backing: disk, mountpoint: root)
            try fs.mount()
            // archive/labeled/Zebra does not exist yet: this pass makes it, then moves z.png into it.
            let traced = try Shell.run([
                Self.strace!, "-f", "-qq", "-o", scratch.appending("strace.txt").path, "-P", root + "/archive/labeled",
                "-e", "trace=fsync", "-e", "inject=fsync:signal=KILL:when=1", try MCND.path(), "--root", root, "--once",
                "--set", "settle_seconds=0", "--set", "train.min_labels=1000",
            ])
            #expect(traced.status != 0, "mcnd was not stopped: \(traced.stdout) \(traced.stderr)")
            try fs.cut()
            let places = ["inbox/Zebra/z.png", "archive/labeled/Zebra/z.png"].filter { Files.exists(disk + "/" + $0) }
            #expect(places.count == 1, "after the cut z.png is in \(places), expected exactly one place")

            try fs.mount()
            try MCND.succeed(
                ["--root", root, "--once", "--set", "settle_seconds=0", "--set", "train.min_labels=1000"], scratch: scratch.url)
            try fs.cut()
            #expect(try Files.read(disk + "/archive/labeled/Zebra/z.png") == png)
            #expect(!Files.exists(disk + "/inbox/Zebra/z.png"))
        }
    }
}
