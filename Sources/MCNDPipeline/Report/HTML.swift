/// Text made safe for HTML and SVG (element content and quoted attributes).
enum HTML {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    static func number(_ value: Double?, _ decimals: Int = 4) -> String {
        guard let value, value.isFinite else { return "–" }
        return NiceTicks.format(value, decimals: decimals)
    }
}
