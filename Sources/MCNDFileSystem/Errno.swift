import Glibc

/// An `errno` value, captured right after the call that set it.
public struct Errno: Error, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The calling thread's `errno` now; read it before anything else can change it.
    static var current: Errno { Errno(rawValue: errno) }

    public static let noSuchFile = Errno(rawValue: ENOENT)
    public static let fileExists = Errno(rawValue: EEXIST)
    public static let interrupted = Errno(rawValue: EINTR)
    public static let permissionDenied = Errno(rawValue: EACCES)
    public static let notPermitted = Errno(rawValue: EPERM)
    public static let readOnlyFileSystem = Errno(rawValue: EROFS)
    public static let noSpace = Errno(rawValue: ENOSPC)
    public static let tooManySymbolicLinks = Errno(rawValue: ELOOP)
    public static let notDirectory = Errno(rawValue: ENOTDIR)
    public static let isDirectory = Errno(rawValue: EISDIR)
    public static let crossDevice = Errno(rawValue: EXDEV)
    public static let wouldBlock = Errno(rawValue: EWOULDBLOCK)
    public static let noSystemCall = Errno(rawValue: ENOSYS)
    public static let ioError = Errno(rawValue: EIO)
    public static let invalidArgument = Errno(rawValue: EINVAL)
    public static let nameTooLong = Errno(rawValue: ENAMETOOLONG)
    public static let notEmpty = Errno(rawValue: ENOTEMPTY)

    public var description: String { String(cString: strerror(rawValue)) }
}
