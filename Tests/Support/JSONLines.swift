import Foundation
import Testing

/// The outbox's JSON lines (predictions, events, losses, …), read the way a
/// consumer would: a torn last line or a line that is not one JSON object is a
/// finding, not something to skip.
public enum JSONLines {
    /// The lines of `path` (empty when the file does not exist). Records an
    /// issue for a file that does not end in a newline (a torn last line) and
    /// for any line that is not one JSON object.
    public static func lines(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) -> [Data] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        if let last = data.last {
            #expect(last == UInt8(ascii: "\n"), "\(path) does not end with a newline: a torn last line", sourceLocation: sourceLocation)
        }
        var parts = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if parts.last?.isEmpty == true { parts.removeLast() }
        var out: [Data] = []
        for (n, line) in parts.enumerated() {
            let object = try? JSONSerialization.jsonObject(with: Data(line))
            #expect(
                object is [String: Any], "\(path) line \(n + 1) is not a JSON object: \(String(decoding: line, as: UTF8.self))",
                sourceLocation: sourceLocation)
            out.append(Data(line))
        }
        return out
    }

    /// The lines of `path` decoded as `T` (snake_case keys); lines that do not decode are issues.
    public static func decode<T: Decodable>(_ type: T.Type, _ path: String, sourceLocation: SourceLocation = #_sourceLocation) -> [T] {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return lines(path, sourceLocation: sourceLocation).compactMap { line in
            do { return try decoder.decode(T.self, from: line) } catch {
                Issue.record(
                    "\(path): cannot decode \(String(decoding: line, as: UTF8.self)) as \(T.self): \(error)",
                    sourceLocation: sourceLocation)
                return nil
            }
        }
    }

    /// Every line as an object, in order; throws on a torn last line or a line that is not a JSON object.
    public static func objects(_ path: String) throws -> [[String: Any]] {
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else { return [] }
        guard data.last == UInt8(ascii: "\n") else { throw TestFailure("\(path) does not end with a newline (a torn last line)") }
        var out: [[String: Any]] = []
        for (n, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast().enumerated() {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                throw TestFailure("\(path) line \(n + 1) is not a JSON object: \(String(decoding: line, as: UTF8.self))")
            }
            out.append(object)
        }
        return out
    }

    /// Like `objects`, for a file being appended to, which may end mid-line: only complete lines count.
    public static func completeObjects(_ path: String) -> [[String: Any]] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let end = data.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? data.startIndex
        return data[..<end].split(separator: UInt8(ascii: "\n")).compactMap {
            try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any]
        }
    }
}
