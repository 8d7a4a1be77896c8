import Foundation
import MCNDImaging

/// The shared PNG corpus and small helpers the tests share.
enum Corpus {
    /// The package root, found from this file's path (tests also run from
    /// other working directories).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared/testdata/png` beside the package.
    static let pngRoot: URL = packageRoot.deletingLastPathComponent()
        .appendingPathComponent("shared/testdata/png")

    static var available: Bool { FileManager.default.fileExists(atPath: pngRoot.path) }

    /// Every `.png` below `folder` (relative to `pngRoot`), sorted, as paths
    /// relative to `pngRoot`.
    static func files(in folder: String, excluding excluded: Set<String> = []) -> [String] {
        let base = pngRoot.appendingPathComponent(folder)
        guard let walker = FileManager.default.enumerator(atPath: base.path) else { return [] }
        var out: [String] = []
        while let item = walker.nextObject() as? String {
            let relative = folder + "/" + item
            if excluded.contains(where: { relative.hasPrefix($0 + "/") }) { continue }
            if item.hasSuffix(".png") { out.append(relative) }
        }
        return out.sorted()
    }

    /// The decodable corpus: pngsuite and libpng-testpngs without crashers/.
    static var parityFiles: [String] {
        files(in: "pngsuite") + files(in: "libpng-testpngs", excluding: ["libpng-testpngs/crashers"])
    }

    static func bytes(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: pngRoot.appendingPathComponent(relative)))
    }
}

/// CRC-32 as PNG chunks use it, for building test files by hand.
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func of(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}

/// Builds PNG streams chunk by chunk.
struct PNGBuilder {
    var bytes: [UInt8] = PNGChunks.signature

    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

    mutating func chunk(_ type: String, _ data: [UInt8]) {
        let typeBytes = Array(type.utf8)
        bytes += Self.be32(UInt32(data.count)) + typeBytes + data + Self.be32(CRC32.of(typeBytes + data))
    }

    mutating func ihdr(width: UInt32, height: UInt32, bitDepth: UInt8 = 8, colorType: UInt8 = 0, interlace: UInt8 = 0) {
        chunk("IHDR", Self.be32(width) + Self.be32(height) + [bitDepth, colorType, 0, 0, interlace])
    }

    /// The chunks of `png` (a whole PNG) after its signature.
    static func chunks(of png: [UInt8]) -> [(type: String, data: [UInt8])] {
        var out: [(String, [UInt8])] = []
        var p = 8
        while p + 12 <= png.count {
            let n = Int(png[p]) << 24 | Int(png[p + 1]) << 16 | Int(png[p + 2]) << 8 | Int(png[p + 3])
            let type = String(decoding: png[p + 4..<p + 8], as: UTF8.self)
            out.append((type, Array(png[p + 8..<p + 8 + n])))
            p += 12 + n
        }
        return out
    }
}

/// Runs `python3` with `arguments`, feeding `input`; returns the exit status
/// and stderr, or nil when python3 cannot be started.
func runPython(_ arguments: [String], input: String = "") -> (status: Int32, stderr: String)? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3"] + arguments
    let stdin = Pipe(), stderr = Pipe()
    process.standardInput = stdin
    process.standardError = stderr
    process.standardOutput = FileHandle.nullDevice
    do { try process.run() } catch { return nil }
    stdin.fileHandleForWriting.write(Data(input.utf8))
    try? stdin.fileHandleForWriting.close()
    let errors = stderr.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: errors, as: UTF8.self))
}

/// Whether `python3 -c "import PIL"` works.
let pillowAvailable: Bool = runPython(["-c", "import PIL"])?.status == 0
