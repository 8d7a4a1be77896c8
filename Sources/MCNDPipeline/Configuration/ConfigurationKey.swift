/// One configuration key, declared once: its name, what it means, how a value
/// is read into MCNDConfiguration (and checked), and its default as written in
/// YAML, read off `MCNDConfiguration()`. `ConfigurationKey.all` is the table:
/// the loader, the unknown-key check, `mcnd init`'s template and
/// `mcnd config keys` (the reference in docs/configuration.md) come from it.
public struct ConfigurationKey: Sendable {
    /// The dotted name: `train.batch_size` (`MCND_TRAIN_BATCH_SIZE` in the environment).
    public let name: String
    /// What it does, in the reference's words (Markdown).
    public let meaning: String
    let shown: @Sendable (MCNDConfiguration) -> String
    let read: @Sendable (inout MCNDConfiguration, ConfigurationValues) -> Void

    /// The default, as it is written in YAML (quoted where YAML would read it otherwise).
    public var defaultValue: String { Self.scalar(shown(MCNDConfiguration())) }

    /// `text` as a YAML scalar: quoted when empty or when `#` or `: ` would end or split it.
    static func scalar(_ text: String) -> String {
        text.isEmpty || text.hasPrefix("#") || text.contains(" #") || text.contains(": ") ? "\"\(text)\"" : text
    }

    /// A check of a value: the problem, or nil when it is fine.
    typealias Check<T> = @Sendable (T) -> String?

    static func number(
        _ name: String, _ path: WritableKeyPath<MCNDConfiguration, Double> & Sendable, _ meaning: String,
        check: Check<Double>? = nil
    ) -> ConfigurationKey {
        ConfigurationKey(name: name, meaning: meaning, shown: { Self.written($0[keyPath: path]) }) { c, values in
            let v = values.number(name, c[keyPath: path])
            if let problem = check?(v) { values.report("\(name) \(problem) (got \(Self.written(v)))") } else { c[keyPath: path] = v }
        }
    }

    static func integer(
        _ name: String, _ path: WritableKeyPath<MCNDConfiguration, Int> & Sendable, _ meaning: String, check: Check<Int>? = nil
    ) -> ConfigurationKey {
        ConfigurationKey(name: name, meaning: meaning, shown: { String($0[keyPath: path]) }) { c, values in
            let v = values.integer(name, c[keyPath: path])
            if let problem = check?(v) { values.report("\(name) \(problem) (got \(v))") } else { c[keyPath: path] = v }
        }
    }

    static func real(_ name: String, _ path: WritableKeyPath<MCNDConfiguration, Float> & Sendable, _ meaning: String) -> ConfigurationKey {
        ConfigurationKey(name: name, meaning: meaning, shown: { Self.written($0[keyPath: path]) }) { c, values in
            c[keyPath: path] = Float(values.number(name, Double(c[keyPath: path])))
        }
    }

    static func flag(_ name: String, _ path: WritableKeyPath<MCNDConfiguration, Bool> & Sendable, _ meaning: String) -> ConfigurationKey {
        ConfigurationKey(name: name, meaning: meaning, shown: { String($0[keyPath: path]) }) { c, values in
            c[keyPath: path] = values.flag(name, c[keyPath: path])
        }
    }

    static func text(_ name: String, _ path: WritableKeyPath<MCNDConfiguration, String> & Sendable, _ meaning: String) -> ConfigurationKey {
        ConfigurationKey(name: name, meaning: meaning, shown: { $0[keyPath: path] }) { c, values in
            c[keyPath: path] = values.text(name, c[keyPath: path])
        }
    }

    static func choice<E: RawRepresentable & CaseIterable & Sendable>(
        _ name: String, _ path: WritableKeyPath<MCNDConfiguration, E> & Sendable, _ meaning: String
    ) -> ConfigurationKey where E.RawValue == String {
        ConfigurationKey(name: name, meaning: meaning, shown: { $0[keyPath: path].rawValue }) { c, values in
            c[keyPath: path] = values.choice(name, c[keyPath: path])
        }
    }

    /// A whole number written without a fraction, as YAML and the reference show it.
    static func written(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v) }
    static func written(_ v: Float) -> String { String(v) }

    /// Checks shared by several keys.
    static let notNegative: Check<Double> = { $0 < 0 ? "must not be negative" : nil }
    static func atLeast(_ least: Int) -> Check<Int> { { $0 < least ? "must be at least \(least)" : nil } }
}
