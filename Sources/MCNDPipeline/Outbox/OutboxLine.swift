import Foundation
import GRDB

/// A complete outbox line as the journal keeps it: its exact bytes (a BLOB),
/// compared byte for byte with what the file holds after a crash.
public struct OutboxLine: Sendable, Equatable, Codable, DatabaseValueConvertible {
    public var bytes: [UInt8]

    public init(_ text: String) { bytes = Array(text.utf8) }
    public init(bytes: [UInt8]) { self.bytes = bytes }

    public var text: String { String(decoding: bytes, as: UTF8.self) }

    public var databaseValue: DatabaseValue { Data(bytes).databaseValue }
    public static func fromDatabaseValue(_ value: DatabaseValue) -> OutboxLine? {
        Data.fromDatabaseValue(value).map { OutboxLine(bytes: [UInt8]($0)) }
    }

    public init(from decoder: any Decoder) throws { self.init(try decoder.singleValueContainer().decode(String.self)) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
