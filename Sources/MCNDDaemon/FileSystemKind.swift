import Foundation

/// Whether a folder lives on a network file system, where inotify sees only
/// local changes: then `watch.mode: auto` polls. Read from /proc/self/mounts
/// (the mount whose point is the longest prefix of the folder's real path).
enum FileSystemKind {
    static let networkTypes: Set<String> = ["nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "ceph", "afs", "lustre", "glusterfs", "davfs"]

    static func isNetwork(_ path: String) -> Bool {
        guard let type = type(of: path) else { return false }
        return networkTypes.contains(type) || type.hasPrefix("fuse.sshfs")
    }

    static func type(of path: String) -> String? {
        let real = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard let mounts = try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8) else { return nil }
        var best: (point: String, type: String)?
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3 else { continue }
            let point = String(fields[1]).replacingOccurrences(of: "\\040", with: " ")
            let inside = point == "/" || real == point || real.hasPrefix(point + "/")
            if inside, point.count >= (best?.point.count ?? -1) { best = (point, String(fields[2])) }
        }
        return best?.type
    }
}
