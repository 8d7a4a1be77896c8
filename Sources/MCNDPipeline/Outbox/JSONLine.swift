/// Builds one JSON object as a single line, keys in the order they are added.
/// Hand-written because prediction lines are written at >10,000 per second and
/// their key order is part of the documented format.
public struct JSONLine: Sendable {
    private var text = "{"
    private var first = true

    public init() {}

    private mutating func key(_ k: String) {
        if !first { text += "," }
        first = false
        JSONLine.appendQuoted(k, to: &text)
        text += ":"
    }

    public mutating func add(_ k: String, _ value: String) {
        key(k)
        JSONLine.appendQuoted(value, to: &text)
    }
    public mutating func add(_ k: String, _ value: Int) {
        key(k)
        text += String(value)
    }
    public mutating func add(_ k: String, _ value: Int?) {
        key(k)
        text += value.map(String.init) ?? "null"
    }
    public mutating func add(_ k: String, _ value: Bool) {
        key(k)
        text += value ? "true" : "false"
    }
    /// Non-finite numbers have no JSON form; they are written as null.
    public mutating func add(_ k: String, _ value: Double?) {
        key(k)
        text += JSONLine.number(value)
    }
    public mutating func add(_ k: String, _ value: Float) {
        key(k)
        text += value.isFinite ? value.description : "null"
    }
    public mutating func add(_ k: String, strings: [String]) {
        key(k)
        text += "["
        for (i, s) in strings.enumerated() {
            if i > 0 { text += "," }
            JSONLine.appendQuoted(s, to: &text)
        }
        text += "]"
    }
    /// A nested object from ordered pairs.
    public mutating func add(_ k: String, object pairs: [(String, Float)]) {
        key(k)
        text += "{"
        for (i, (name, value)) in pairs.enumerated() {
            if i > 0 { text += "," }
            JSONLine.appendQuoted(name, to: &text)
            text += ":" + (value.isFinite ? value.description : "null")
        }
        text += "}"
    }
    /// A nested object already built.
    public mutating func add(_ k: String, _ object: JSONLine) {
        key(k)
        text += object.text + "}"
    }

    /// The finished line, newline included.
    public var line: String { text + "}\n" }

    static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "null" }
        return value.description
    }

    /// RFC 8259 string escaping; everything outside ASCII stays UTF-8.
    static func appendQuoted(_ s: String, to out: inout String) {
        out += "\""
        // Fast path: printable ASCII without a quote or a backslash needs no escaping (hashes, times, most names and labels).
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            out += s
            out += "\""
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F || (0x2028...0x2029).contains(scalar.value):
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
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
