import MCNDPipeline

/// How the review page is served. Built from the configuration (`review.listen`,
/// `limits.max_bytes`, `metrics.textfile`); the other fields have fixed
/// defaults documented in docs/review-page.md.
public struct ReviewPageSettings: Sendable {
    /// Where it listens (`review.listen`, or `mcnd review serve --listen`).
    public var address: ListenAddress
    /// The default when neither the key nor `--listen` gives one: loopback only.
    public static let defaultAddress = ListenAddress(host: "127.0.0.1", port: 8470)
    /// Request bodies larger than this are refused (413): an action's body is a label.
    public var maxBodyBytes = 4096
    /// Items per page of the queue, and the most a client may ask for.
    public var pageSize = 60
    public var maxPageSize = 500
    /// Thumbnails larger than this are not served (`limits.max_bytes`).
    public var maxImageBytes: Int
    /// The Prometheus textfile served at /metrics, relative to the root (nil: none, or outside the root).
    public var metricsFile: String?
    /// How long a read waits for the state's lock (`state.busy_timeout_seconds`).
    public var busyTimeout: Double

    public init(configuration: MCNDConfiguration, address: ListenAddress? = nil) {
        self.address = address ?? ListenAddress(configuration.review.listen) ?? Self.defaultAddress
        maxImageBytes = configuration.limits.maxInputBytes
        let textfile = configuration.metrics.textfile
        // Nothing is served from outside the root: an absolute textfile is for node_exporter only.
        metricsFile = textfile.isEmpty || textfile.hasPrefix("/") ? nil : textfile
        busyTimeout = configuration.stateBusyTimeoutSeconds
    }
}
