import MCNDFileSystem

/// Whether the file at an input's path is still the input whose outcome was
/// decided. Writers set a file's time (and mode, owner, xattrs) after closing
/// it — `rsync`, `cp -p`, `curl -R`, `wget -N`, `tar x` — so a changed
/// modification time alone does not make a new input: the same device and
/// inode with the same content (hashed again) is the same input; other content,
/// another size or another file is a new one. A disk can come back from a power
/// loss or reboot with another device number (FUSE, NFS, btrfs, device-mapper
/// renumber): then the inode is not compared, the size and content decide.
public enum InputMatch: Sendable {
    /// The decided input (`identity`: what is there now, for the next comparison).
    case same(identity: FileIdentity)
    /// Another input (renamed over it, rewritten) or nothing: left for the next scan.
    case other

    /// `path` is relative to `root`; `decided` is the file the
    /// outcome was decided on (nil: unknown, take what is there), `sha256` the
    /// content's hash then (nil: the outcome did not depend on the content — a
    /// symlink, a special file, a bad label name, a file too large to read — so
    /// the same file and size suffice).
    public static func check(_ path: RawPath, in root: Directory, decided: FileIdentity?, sha256: String?) -> InputMatch {
        check(path, in: OpenFolders(root: root), decided: decided, sha256: sha256)
    }

    /// The same, with the batch's folders opened once (`folders`).
    public static func check(_ path: RawPath, in folders: OpenFolders, decided: FileIdentity?, sha256: String?) -> InputMatch {
        let root = folders.root
        guard let status = (try? folders.status(path)) ?? nil else { return .other }
        let now = FileIdentity(status)
        guard let then = decided, then != now else { return .same(identity: now) }
        // Without a hash (the outcome did not read the content) only the same device and inode tell.
        let remounted = then.device != now.device && sha256 != nil
        guard remounted || (then.device == now.device && then.inode == now.inode), then.size == now.size else {
            return .other
        }
        guard let sha256 else { return .same(identity: now) }
        // A second change while hashing (a client's second utime) makes the read
        // report "changing": hash again rather than call it a new input.
        for _ in 0..<3 {
            do {
                let read = try InputReader(root: root).read(path, limit: Int(then.size))
                // Still the file stat'ed above (not replaced meanwhile).
                guard read.identity.device == now.device, read.identity.inode == now.inode else { return .other }
                return ContentHash.hex(read.bytes) == sha256 ? .same(identity: read.identity) : .other
            } catch {
                guard error == .changing else { return .other }
            }
        }
        return .other
    }

    public var isSame: Bool { if case .same = self { true } else { false } }
}

extension FileIdentity {
    /// Parses `text` (`device:inode:size:modified`).
    init?(text: String) {
        let parts = text.split(separator: ":")
        guard parts.count == 4, let device = UInt64(parts[0]), let inode = UInt64(parts[1]),
            let size = Int64(parts[2]), let modified = Int64(parts[3])
        else { return nil }
        self.init(device: device, inode: inode, size: size, modified: modified)
    }
}
