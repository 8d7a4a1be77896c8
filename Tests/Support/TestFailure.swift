import Glibc

/// A test helper's failure, with the system's reason in words.
public struct TestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The text of an errno value (the current one by default).
public func errnoText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }
