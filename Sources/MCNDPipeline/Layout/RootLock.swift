import Foundation
import MCNDFileSystem

/// The root's lock: `flock` on state/lock, holding the owner's pid, so a
/// second mcnd (cron's `--once` while the daemon runs) leaves without touching
/// anything. The kernel drops it when the process dies, `kill -9` included.
public final class RootLock: Sendable {
    private let file: OpenFile

    public init(layout: RootLayout, root: Directory) throws(PipelineError) {
        do {
            let file = try root.openFile(RootLayout.Name.lock, .readWrite, create: 0o644)
            guard try file.tryLockExclusive() else {
                let held = (try? file.read(count: 31, at: 0)) ?? []
                let pid = Int32(String(decoding: held, as: UTF8.self).split(separator: "\n").first ?? "")
                throw PipelineError.rootBusy(root: layout.root, pid: pid)
            }
            try file.truncate(to: 0)
            try file.writeAll(Array("\(ProcessInfo.processInfo.processIdentifier)\n".utf8), at: 0)
            self.file = file
        } catch let error as PipelineError {
            throw error
        } catch let error as FileSystemError {
            throw PipelineError(error)
        } catch {
            throw .badLayout("\(error)")
        }
    }

    deinit { try? file.truncate(to: 0) }
}
