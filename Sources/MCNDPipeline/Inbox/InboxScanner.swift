import Foundation
import MCNDFileSystem
import MCNDThreads

/// Lists the complete files in inbox/: hidden (`.`/`_`) names are skipped,
/// symlinks are never followed (they are reported, to be moved aside), and
/// files changed within the settle time are left for a later pass. The walk
/// holds a descriptor of each folder it lists and opens each subfolder
/// beneath it, so a folder swapped for a symlink is never entered.
public struct InboxScanner: Sendable {
    public let root: Directory
    /// The folder scanned, beneath the root: inbox/ (or archive/labeled/ for `mcnd rebuild`).
    public let folder: RawPath
    public let settleSeconds: Double

    public init(root: Directory, folder: RawPath = RootLayout.Folder.inbox.name, settleSeconds: Double) {
        self.root = root
        self.folder = folder
        self.settleSeconds = settleSeconds
    }

    public struct Scan: Sendable {
        public var entries: [InboxEntry] = []
        /// Files seen but not settled yet.
        public var unsettled = 0
        /// Folders that could not be listed, with the reason.
        public var unreadable: [(path: String, errno: Errno)] = []
    }

    /// `complete` lists files known to be whole (closed after writing or
    /// renamed in, as inotify reports); they skip the settle time.
    public func scan(now: Double = Timestamp.seconds(), complete: Set<RawPath> = []) -> Scan {
        var scan = Scan()
        do {
            let inbox = try root.openDirectory(folder)
            walk(inbox, RawPath([]), label: nil, depth: 0, now: now, complete: complete, into: &scan)
        } catch {
            scan.unreadable.append((error.path, error.errno))
        }
        scan.entries.sort { $0.relative.bytes.lexicographicallyPrecedes($1.relative.bytes) }
        return scan
    }

    private func walk(
        _ folder: Directory, _ relative: RawPath, label: String?, depth: Int, now: Double,
        complete: Set<RawPath>, into scan: inout Scan
    ) {
        let names: [RawPath]
        do { names = try folder.entries() } catch {
            scan.unreadable.append((error.path, error.errno))
            return
        }
        let visible = names.filter { name in
            guard let first = name.bytes.first else { return false }
            return first != UInt8(ascii: ".") && first != UInt8(ascii: "_")
        }
        // The stats of a large folder on every core: one by one, they would be the pass's one long serial step.
        let statuses = ParallelParts.map(visible, workers: visible.count < 512 ? 1 : InputPreparation.defaultWorkers) { name in
            (try? folder.status(name)) ?? nil
        }
        for (name, status) in zip(visible, statuses) {
            let child = relative + name
            guard let st = status else { continue }
            if st.kind == .directory {
                // Depth is bounded so a pathological tree cannot exhaust the stack.
                guard depth < 64 else { continue }
                let sub: Directory
                do { sub = try folder.openDirectory(name) } catch {
                    // Swapped for a symlink since it was listed: moved aside as the link it now is.
                    if error.errno == .tooManySymbolicLinks || error.errno == .notDirectory {
                        scan.entries.append(Self.entry(child, label: nil, labeled: depth > 0, kind: .symbolicLink))
                    } else if error.errno != .noSuchFile {
                        scan.unreadable.append((error.path, error.errno))
                    }
                    continue
                }
                walk(
                    sub, child, label: depth == 0 ? Self.labelName(name.bytes) : label, depth: depth + 1, now: now,
                    complete: complete, into: &scan)
                continue
            }
            var entry = Self.entry(child, label: depth == 0 ? nil : label, labeled: depth > 0, kind: st.kind)
            entry.seen = st
            if entry.problem == nil, now - st.lastChange < settleSeconds, !complete.contains(child) {
                scan.unsettled += 1
                continue
            }
            scan.entries.append(entry)
        }
    }

    /// The entries for `paths` (relative to inbox/, known to be complete)
    /// without listing the inbox: what the daemon does when inotify named the
    /// files. Paths that vanished, folders and hidden names are skipped.
    public func entries(for paths: Set<RawPath>) -> Scan {
        var scan = Scan()
        for path in paths {
            let parts = path.components
            guard !parts.isEmpty, parts.allSatisfy({ $0.first != UInt8(ascii: ".") && $0.first != UInt8(ascii: "_") }),
                let st = (try? root.status(folder + path)) ?? nil, st.kind != .directory
            else { continue }
            let labeled = parts.count > 1
            var entry = Self.entry(path, label: labeled ? Self.labelName(parts[0]) : nil, labeled: labeled, kind: st.kind)
            entry.seen = st
            scan.entries.append(entry)
        }
        scan.entries.sort { $0.relative.bytes.lexicographicallyPrecedes($1.relative.bytes) }
        return scan
    }

    /// An entry and, when its kind alone makes it unusable, the reason.
    static func entry(_ relative: RawPath, label: String?, labeled: Bool, kind: FileStatus.Kind) -> InboxEntry {
        var entry = InboxEntry(relative: relative, label: label)
        if labeled && label == nil {
            entry.problem = .init(reason: .badLabel, detail: "the label folder name is not valid UTF-8")
        }
        if kind == .symbolicLink {
            entry.problem = .init(reason: .symlink, detail: "symbolic links are not followed")
        } else if kind != .regular {
            entry.problem = .init(reason: .unsupported, detail: "not a regular file")
        }
        return entry
    }

    /// The label of a folder: its name, which must be valid UTF-8, in NFC.
    static func labelName(_ bytes: [UInt8]) -> String? {
        guard let s = String(validating: bytes, as: UTF8.self) else { return nil }
        return s.precomposedStringWithCanonicalMapping
    }
}
