import Foundation
import GRDB
import MCNDFileSystem

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
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not device:inode:size:modified: \(text)"))
        }
        self = identity
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
