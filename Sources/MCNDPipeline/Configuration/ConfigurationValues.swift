import Configuration

/// The values a configuration gives, read as the keys' types, with every
/// problem collected so that one start reports them all.
final class ConfigurationValues {
    private let reader: ConfigReader
    private(set) var problems: [String] = []

    init(_ reader: ConfigReader) { self.reader = reader }

    func report(_ problem: String) { problems.append(problem) }

    private static func key(_ name: String) -> ConfigKey { ConfigKey(name.split(separator: ".").map(String.init)) }

    /// A string as given, or nil when the key is not set (a YAML number reads as nil here).
    func raw(_ name: String) -> String? { reader.string(forKey: Self.key(name))?.trimmingSpaces() }

    /// Whether the key is set at all, as a string or as a number.
    func isSet(_ name: String) -> Bool { raw(name) != nil || reader.double(forKey: Self.key(name)) != nil }

    func number(_ name: String, _ fallback: Double) -> Double {
        guard let s = raw(name) else { return reader.double(forKey: Self.key(name)) ?? fallback }
        guard let v = Double(s) else {
            report("\(name) must be a number (got \(s))")
            return fallback
        }
        return v
    }

    func integer(_ name: String, _ fallback: Int) -> Int {
        let v = number(name, Double(fallback))
        guard v == v.rounded(), abs(v) < 1e15 else {
            report("\(name) must be a whole number (got \(v))")
            return fallback
        }
        return Int(v)
    }

    func text(_ name: String, _ fallback: String) -> String { raw(name) ?? fallback }

    func flag(_ name: String, _ fallback: Bool) -> Bool {
        switch text(name, fallback ? "true" : "false").lowercased() {
        case "true", "yes", "1", "on": return true
        case "false", "no", "0", "off": return false
        case let other:
            report("\(name) must be true or false (got \(other))")
            return fallback
        }
    }

    func choice<E: RawRepresentable & CaseIterable>(_ name: String, _ fallback: E) -> E where E.RawValue == String {
        let s = text(name, fallback.rawValue)
        guard let v = E(rawValue: s) else {
            report("\(name) must be one of \(E.allCases.map(\.rawValue).joined(separator: ", ")) (got \(s))")
            return fallback
        }
        return v
    }
}

extension String {
    func trimmingSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
