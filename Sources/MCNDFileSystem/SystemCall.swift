import Glibc

/// Every raw call of the layer goes through here: `errno` is captured at once
/// into a typed error, and `EINTR` is retried.
enum SystemCall {
    @inline(__always)
    static func run<T: BinaryInteger>(
        _ operation: FileSystemError.Operation, _ path: @autoclosure () -> String,
        destination: @autoclosure () -> String? = nil,
        _ call: () -> T
    ) throws(FileSystemError) -> T {
        while true {
            let result = call()
            if result >= 0 { return result }
            let code = Errno.current
            if code == .interrupted { continue }
            throw FileSystemError(operation, path(), code, destination: destination())
        }
    }
}
