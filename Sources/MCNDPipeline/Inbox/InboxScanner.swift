import Foundation
import Glibc

/// Lists the complete files in inbox/: hidden (`.`/`_`) names are skipped,
/// symlinks are never followed (they are reported, to be moved aside), and
/// files changed within the settle time are left for a later pass.
public struct InboxScanner: Sendable {
    public let inbox: RawPath
    public let settleSeconds: Double

    public init(inbox: String, settleSeconds: Double) {
        self.inbox = RawPath(inbox)
        self.settleSeconds = settleSeconds
    }

    public struct Scan: Sendable {
        public var entries: [InboxEntry] = []
        /// Files seen but not settled yet.
        public var unsettled = 0
        /// Folders that could not be listed, with the reason.
        public var unreadable: [(path: String, errno: Int32)] = []
    }

    /// `complete` lists files known to be whole (closed after writing or
    /// renamed in, as inotify reports); they skip the settle time.
    public func scan(now: Double = Timestamp.seconds(), complete: Set<RawPath> = []) -> Scan {
        var scan = Scan()
        walk(RawPath([]), label: nil, depth: 0, now: now, complete: complete, into: &scan)
        scan.entries.sort { $0.relative.bytes.lexicographicallyPrecedes($1.relative.bytes) }
        return scan
    }

    private func walk(_ relative: RawPath, label: String?, depth: Int, now: Double, complete: Set<RawPath>, into scan: inout Scan) {
        let directory = relative.bytes.isEmpty ? inbox : inbox + relative
        guard let dir = directory.withCString({ opendir($0) }) else {
            scan.unreadable.append((directory.display, errno))
            return
        }
        defer { closedir(dir) }
        while let item = readdir(dir) {
            let name: [UInt8] = withUnsafeBytes(of: item.pointee.d_name) { raw in
                Array(raw.prefix { $0 != 0 })
            }
            guard let first = name.first, first != UInt8(ascii: "."), first != UInt8(ascii: "_") else { continue }
            let child = relative.bytes.isEmpty ? RawPath(name) : relative + RawPath(name)
            guard let st = (inbox + child).status() else { continue }
            let type = st.st_mode & S_IFMT
            if type == S_IFDIR {
                // Depth is bounded so a pathological tree cannot exhaust the stack.
                guard depth < 64 else { continue }
                if depth == 0 {
                    walk(child, label: Self.labelName(name), depth: 1, now: now, complete: complete, into: &scan)
                } else {
                    walk(child, label: label, depth: depth + 1, now: now, complete: complete, into: &scan)
                }
                continue
            }
            let entry = Self.entry(child, label: depth == 0 ? nil : label, labeled: depth > 0, type: type)
            if entry.problem == nil {
                let changed = max(Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9,
                                  Double(st.st_ctim.tv_sec) + Double(st.st_ctim.tv_nsec) / 1e9)
                if now - changed < settleSeconds && !complete.contains(child) {
                    scan.unsettled += 1
                    continue
                }
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
                  let st = (inbox + path).status() else { continue }
            let type = st.st_mode & S_IFMT
            guard type != S_IFDIR else { continue }
            let labeled = parts.count > 1
            scan.entries.append(Self.entry(path, label: labeled ? Self.labelName(parts[0]) : nil, labeled: labeled, type: type))
        }
        scan.entries.sort { $0.relative.bytes.lexicographicallyPrecedes($1.relative.bytes) }
        return scan
    }

    /// An entry and, when its kind alone makes it unusable, the reason.
    static func entry(_ relative: RawPath, label: String?, labeled: Bool, type: mode_t) -> InboxEntry {
        var entry = InboxEntry(relative: relative, label: label)
        if labeled && label == nil {
            entry.problem = .init(reason: "bad_label", detail: "the label folder name is not valid UTF-8")
        }
        if type == S_IFLNK {
            entry.problem = .init(reason: "symlink", detail: "symbolic links are not followed")
        } else if type != S_IFREG {
            entry.problem = .init(reason: "unsupported", detail: "not a regular file")
        }
        return entry
    }

    /// The label of a folder: its name, which must be valid UTF-8, in NFC.
    static func labelName(_ bytes: [UInt8]) -> String? {
        guard let s = String(validating: bytes, as: UTF8.self) else { return nil }
        return s.precomposedStringWithCanonicalMapping
    }
}
