/// One row of `mcnd models list`.
public struct ModelRecord: Sendable, Codable, Equatable {
    public var version: Int
    public var run: Int64?
    public var created: String
    /// When it first became the serving one, if it ever did.
    public var promoted: String?
    public var valAccuracy: Double?
    public var labels: [String]
    public var serving: Bool
    public var pinned: Bool
}
