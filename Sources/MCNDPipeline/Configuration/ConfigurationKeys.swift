import Yams

/// The keys mcnd reads, by name (ConfigurationKey's table). A key a person gives that
/// is not one of them (`--set train.epoch=5`, `learning_rte:` in mcnd.yaml)
/// would change nothing and say nothing, so it is refused, with the nearest
/// known key suggested.
public enum ConfigurationKeys {
    public static let all = Set(ConfigurationKey.all.map(\.name))

    /// Variables the command line reads itself, beside the keys' `MCND_*` forms.
    public static let commandVariables: Set<String> = ["MCND_ROOT", "MCND_CONFIG", "MCND_INSTANCES_DIR", "MCND_INSTANCE_CONFIG_DIR"]

    /// "unknown key train.epoch (in --set) — did you mean train.epochs?" for each unknown key.
    public static func problems(_ keys: some Sequence<String>, in origin: String) -> [String] {
        keys.filter { !all.contains($0) }.map { key in
            "unknown key \(key) (\(origin))" + (nearest(key).map { " — did you mean \($0)?" } ?? "")
        }
    }

    /// The dotted paths of a YAML document's values (`train: {epochs: 5}` → `train.epochs`).
    public static func keys(inYAML text: String) throws -> [String] {
        guard let node = try Yams.compose(yaml: text) else { return [] }
        var out: [String] = []
        func walk(_ node: Node, _ path: [String]) {
            guard let mapping = node.mapping else {
                if !path.isEmpty { out.append(path.joined(separator: ".")) }
                return
            }
            for (key, value) in mapping { walk(value, path + [key.string ?? "\(key)"]) }
        }
        walk(node, [])
        return out
    }

    /// `MCND_*` variables shaped like a key of a known section (`MCND_TRAIN_EPOCH`) that
    /// name none: a warning, not an error — scripts keep variables of their own under the prefix.
    public static func unknownVariables(_ environment: [String: String]) -> [String] {
        let known = Set(all.map(variable)).union(commandVariables)
        let sections = Set(all.filter { $0.contains(".") }.map { $0.prefix { $0 != "." }.uppercased() })
        return environment.keys.filter { name in
            guard name.hasPrefix("MCND_"), !known.contains(name) else { return false }
            let rest = name.dropFirst(5)
            return sections.contains { rest.hasPrefix($0 + "_") }
        }.sorted()
    }

    /// The `MCND_*` variable of a key: `train.batch_size` → `MCND_TRAIN_BATCH_SIZE`.
    public static func variable(_ key: String) -> String { "MCND_" + key.uppercased().replacingOccurrences(of: ".", with: "_") }

    /// The known key fewest edits away, when it is near enough to be the one meant.
    static func nearest(_ key: String) -> String? {
        let scored = all.map { ($0, distance(key, $0)) }.min { ($0.1, $0.0) < ($1.1, $1.0) }
        guard let (best, edits) = scored, edits <= max(2, key.count / 4) else { return nil }
        return best
    }

    /// Levenshtein distance.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)  // distances from a's first i characters to each prefix of b
        for (i, x) in a.enumerated() {
            var diagonal = row[0]
            row[0] = i + 1
            for (j, y) in b.enumerated() {
                let above = row[j + 1]
                row[j + 1] = min(above + 1, row[j] + 1, diagonal + (x == y ? 0 : 1))
                diagonal = above
            }
        }
        return row[b.count]
    }
}
