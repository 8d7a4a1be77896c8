/// Where the Prometheus textfile goes. Key `metrics.textfile`.
public struct MetricsSettings: Sendable, Equatable {
    public static let defaultTextfile = RootLayout.Name.metrics.display
    /// Relative to the root, or an absolute path (e.g. into node_exporter's
    /// `--collector.textfile.directory`); empty = no textfile.
    public var textfile: String = MetricsSettings.defaultTextfile

    public init() {}

    var problem: String? {
        if textfile.isEmpty { return nil }
        if !textfile.hasSuffix(".prom") { return "metrics.textfile must end in .prom (node_exporter reads only those), got \(textfile)" }
        if textfile.hasSuffix("/") || textfile.split(separator: "/").contains("..") {
            return "metrics.textfile must name a file without `..`, got \(textfile)"
        }
        return nil
    }
}
