/// The commented mcnd.yaml `mcnd init` writes and the reference table of
/// docs/configuration.md, both from ConfigurationKey's table: every key with
/// its meaning and default.
public enum ConfigurationTemplate {
    /// Its name in the root.
    public static let fileName = "mcnd.yaml"

    public static let yaml: String = {
        var text = """
            # mcnd configuration. Every key is optional; the values shown are the defaults.
            # Precedence: --set key=value flags, then MCND_* environment variables
            # (train.batch_size -> MCND_TRAIN_BATCH_SIZE), then this file, then the defaults.

            """
        var section: Substring?, first = true
        for key in ConfigurationKey.all {
            let parts = key.name.split(separator: ".", maxSplits: 1)
            let (part, leaf) = parts.count == 2 ? (parts[0], parts[1]) : (nil, parts[0])
            if part != section || first {
                text += "\n" + (part.map { "\($0):\n" } ?? "")
                (section, first) = (part, false)
            }
            let indent = part == nil ? "" : "  "
            for line in wrapped(plain(key.meaning), width: 78 - indent.count) { text += indent + "# " + line + "\n" }
            text += indent + leaf + ": " + key.defaultValue + "\n"
        }
        return text
    }()

    /// The reference table (Markdown) of docs/configuration.md.
    public static let reference: String = {
        var text = "| key | default | meaning |\n|---|---|---|\n"
        for key in ConfigurationKey.all { text += "| `\(key.name)` | `\(key.defaultValue)` | \(key.meaning) |\n" }
        return text
    }()

    /// The meaning without Markdown: `code` and [links](to) as plain words.
    public static func plain(_ markdown: String) -> String {
        var out = "", link = false
        var rest = Substring(markdown)
        while let c = rest.first {
            rest = rest.dropFirst()
            switch c {
            case "`": continue
            case "[": link = true
            case "]" where link:
                link = false
                if rest.first == "(" { rest = rest.drop { $0 != ")" }.dropFirst() }
            default: out.append(c)
            }
        }
        return out
    }

    /// Words in lines of at most `width` characters.
    static func wrapped(_ text: String, width: Int) -> [String] {
        var lines: [String] = [], line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}
