import Foundation
import GRDB
import MCNDFileSystem

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

/// Paths are BLOBs in the state (names need not be UTF-8).
extension RawPath: DatabaseValueConvertible, Codable {
    public var databaseValue: DatabaseValue { Data(bytes).databaseValue }
    public static func fromDatabaseValue(_ value: DatabaseValue) -> RawPath? {
        Data.fromDatabaseValue(value).map { RawPath([UInt8]($0)) }
    }

    public init(from decoder: any Decoder) throws { self.init(try decoder.singleValueContainer().decode([UInt8].self)) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(bytes)
    }
}

/// An identity is TEXT in the state: `device:inode:size:modified`.
extension FileIdentity: DatabaseValueConvertible, Codable {
    public var databaseValue: DatabaseValue { text.databaseValue }
    public static func fromDatabaseValue(_ value: DatabaseValue) -> FileIdentity? {
        String.fromDatabaseValue(value).flatMap(FileIdentity.init(text:))
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let identity = FileIdentity(text: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not device:inode:size:modified: \(text)"))
        }
        self = identity
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
