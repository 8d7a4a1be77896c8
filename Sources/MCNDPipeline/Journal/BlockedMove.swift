import Foundation
import MCNDFileSystem

/// Why a decided input could not be moved (or deleted) out of its folder, in
/// terms an operator can act on. The input keeps its durable outcome and stays
/// where it is until the folder lets mcnd move it.
enum BlockedMove: Sendable, Equatable, CustomStringConvertible {
    /// The folder (relative to the root) lacks write permission for mcnd's user.
    case notWritable(folder: String, user: String)
    /// The folder is on a file system mounted read-only.
    case readOnly(folder: String)
    /// The folder forbids it otherwise (sticky bit with files of another owner, immutable attribute).
    case notPermitted(folder: String, user: String)

    /// The reason for a failed rename/unlink/mkdir with `code`, or nil when it is
    /// not about permissions (disk full, I/O: the pass fails and is retried).
    /// `source` and `destination` are relative to `root`.
    init?(errno code: Errno, root: Directory, source: RawPath, destination: RawPath?) {
        guard code == .permissionDenied || code == .notPermitted || code == .readOnlyFileSystem else { return nil }
        // rename needs write and execute (x) permission on both folders: name the one that lacks it.
        var folder = source.parent
        if root.canChange(folder), let destination {
            var target = destination.parent
            while !root.exists(target) && target.components.count > 1 { target = target.parent }
            if !root.canChange(target) { folder = target }
        }
        let user = ProcessInfo.processInfo.userName
        switch code {
        case .readOnlyFileSystem: self = .readOnly(folder: folder.display)
        case .permissionDenied: self = .notWritable(folder: folder.display, user: user)
        default:
            self =
                root.canChange(folder)
                ? .notPermitted(folder: folder.display, user: user)
                : .notWritable(folder: folder.display, user: user)
        }
    }

    var folder: String {
        switch self {
        case .notWritable(let folder, _), .readOnly(let folder), .notPermitted(let folder, _): folder
        }
    }

    var description: String {
        switch self {
        case .notWritable(let folder, let user):
            let advice =
                folder.hasPrefix(RootLayout.Folder.inbox.rawValue + "/")
                ? "(`chmod -R g+w`), or create label folders with `mkdir -m 2775` before copying" : "(`chmod g+w`)"
            return
                "\(folder) is not writable by user \(user): make it group-writable \(advice); its inputs are done and wait there to be moved"
        case .readOnly(let folder):
            return "\(folder) is on a read-only file system: remount it read-write; its inputs are done and wait there to be moved"
        case .notPermitted(let folder, let user):
            return "\(folder) does not let user \(user) move files out of it (sticky bit or immutable attribute): "
                + "clear it (`chmod -t`, `chattr -i`); its inputs are done and wait there to be moved"
        }
    }
}
