import Glibc

/// RFC 3339 UTC timestamps with milliseconds, e.g. `2026-11-29T03:04:05.678Z`.
public enum Timestamp {
    public static func now() -> String {
        var t = timespec()
        clock_gettime(CLOCK_REALTIME, &t)
        return format(seconds: t.tv_sec, milliseconds: Int(t.tv_nsec / 1_000_000))
    }

    /// `wall`: seconds since the epoch, as a DaemonClock reads them.
    public static func format(wall: Double) -> String {
        let whole = wall.rounded(.down)
        return format(seconds: Int(whole), milliseconds: min(999, Int((wall - whole) * 1000)))
    }

    public static func format(seconds: Int, milliseconds: Int) -> String {
        var s = time_t(seconds)
        var tm = Glibc.tm()
        gmtime_r(&s, &tm)
        func pad(_ v: Int32, _ width: Int) -> String {
            let d = String(v)
            return String(repeating: "0", count: max(0, width - d.count)) + d
        }
        return "\(pad(tm.tm_year + 1900, 4))-\(pad(tm.tm_mon + 1, 2))-\(pad(tm.tm_mday, 2))T"
            + "\(pad(tm.tm_hour, 2)):\(pad(tm.tm_min, 2)):\(pad(tm.tm_sec, 2)).\(pad(Int32(milliseconds), 3))Z"
    }

    /// Seconds since the epoch, for schedule arithmetic.
    public static func seconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_REALTIME, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
