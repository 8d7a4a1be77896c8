/// Builds one JSON object as a single line, keys in the order they are added.
/// Hand-written because prediction lines are written at >10,000 per second and
/// their key order is part of the documented format. The line is kept as
/// UTF-8 bytes: the outbox and the journal take bytes, and appending to a
/// byte array costs less than growing a String.
public struct JSONLine: Sendable {
    private var text: [UInt8]
    private var first = true

    public init() {
        text = [UInt8(ascii: "{")]
        // A prediction line with its review marks is about 450 bytes: one allocation.
        text.reserveCapacity(512)
    }

    private mutating func key(_ k: String) {
        if !first { text.append(UInt8(ascii: ",")) }
        first = false
        JSONLine.appendQuoted(k, to: &text)
        text.append(UInt8(ascii: ":"))
    }

    public mutating func add(_ k: String, _ value: String) {
        key(k)
        JSONLine.appendQuoted(value, to: &text)
    }
    public mutating func add(_ k: String, _ value: Int) {
        key(k)
        text += String(value).utf8
    }
    public mutating func add(_ k: String, _ value: Int?) {
        key(k)
        text += (value.map(String.init) ?? "null").utf8
    }
    public mutating func add(_ k: String, _ value: Bool) {
        key(k)
        text += (value ? "true" : "false").utf8
    }
    /// Non-finite numbers have no JSON form; they are written as null.
    public mutating func add(_ k: String, _ value: Double?) {
        key(k)
        text += JSONLine.number(value).utf8
    }
    public mutating func add(_ k: String, _ value: Float) {
        key(k)
        JSONLine.append(value, to: &text)
    }
    public mutating func add(_ k: String, strings: [String]) {
        key(k)
        text.append(UInt8(ascii: "["))
        for (i, s) in strings.enumerated() {
            if i > 0 { text.append(UInt8(ascii: ",")) }
            JSONLine.appendQuoted(s, to: &text)
        }
        text.append(UInt8(ascii: "]"))
    }
    /// A nested object from ordered pairs.
    public mutating func add(_ k: String, object pairs: [(String, Float)]) {
        add(k, names: pairs.map(\.0), values: pairs.map(\.1)[...])
    }
    /// A nested object `names[i]: values[i]`, as many pairs as the shorter has
    /// (a prediction's probabilities: no array of pairs built per line).
    public mutating func add(_ k: String, names: [String], values: ArraySlice<Float>) {
        key(k)
        text.append(UInt8(ascii: "{"))
        for (i, (name, value)) in zip(names, values).enumerated() {
            if i > 0 { text.append(UInt8(ascii: ",")) }
            JSONLine.appendQuoted(name, to: &text)
            text.append(UInt8(ascii: ":"))
            JSONLine.append(value, to: &text)
        }
        text.append(UInt8(ascii: "}"))
    }
    /// A nested object already built.
    public mutating func add(_ k: String, _ object: JSONLine) {
        key(k)
        text += object.text
        text.append(UInt8(ascii: "}"))
    }

    /// The finished line, newline included.
    public var line: String { String(decoding: bytes, as: UTF8.self) }

    /// The finished line as UTF-8, newline included.
    public var bytes: [UInt8] {
        var out = text
        out.append(UInt8(ascii: "}"))
        out.append(UInt8(ascii: "\n"))
        return out
    }

    static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "null" }
        return value.description
    }

    static func append(_ value: Float, to out: inout [UInt8]) {
        out += (value.isFinite ? value.description : "null").utf8
    }

    /// RFC 8259 string escaping; everything outside ASCII stays UTF-8.
    static func appendQuoted(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Fast path: printable ASCII without a quote or a backslash needs no escaping (hashes, times, most names and labels).
        let plain = { (b: UInt8) in b >= 0x20 && b < 0x7F && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\") }
        let copied =
            s.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
                guard utf8.allSatisfy(plain) else { return false }
                out.append(contentsOf: utf8)
                return true
            } ?? false
        if copied {
            out.append(UInt8(ascii: "\""))
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\"".utf8
            case "\\": out += "\\\\".utf8
            case "\n": out += "\\n".utf8
            case "\r": out += "\\r".utf8
            case "\t": out += "\\t".utf8
            case _ where scalar.value < 0x20 || scalar.value == 0x7F || (0x2028...0x2029).contains(scalar.value):
                let hex = String(scalar.value, radix: 16)
                out += ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8
            default: out += String(scalar).utf8
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension JSONLine {
    /// `file` as text; when the name is not valid UTF-8, also `file_bytes`
    /// (hex of the raw bytes) so the name is kept without loss.
    public mutating func addFile(_ path: RawPath) {
        add("file", path.display)
        if !path.isValidUTF8 {
            add(
                "file_bytes",
                path.bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined())
        }
    }
}
