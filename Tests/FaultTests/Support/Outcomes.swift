import Foundation
import Glibc
import MCNDImaging
import MCNDTestSupport
import Testing

/// What the outbox and the state say about every input, read with python3's own `json` and
/// `sqlite3` modules (a parser that shares no code with mcnd).
struct Outcomes {
    /// Lines that are not complete JSON objects, or files not ending in a newline.
    var bad: [String]
    /// Raw name (hex of the bytes, from `file_bytes` when present) → number of prediction lines.
    var predicted: [String: Int]
    /// Raw name (hex) → reasons of `rejected` events.
    var rejected: [String: [String]]
    /// Raw name (hex) → number of `conflict` events.
    var conflicts: [String: Int]
    /// SHA-256 of the examples in the state database (nil: not readable).
    var examples: [String]?
    var exampleSet: Set<String> { Set(examples ?? []) }
    /// Event name → count.
    var events: [String: Int]
    /// `detail` of `error` events.
    var errors: [String]
    /// Every `file`/`file_bytes` pair seen: (file text, hex of file_bytes or nil).
    var namePairs: [[String?]]

    static let script = #"""
        import json, os, sys, sqlite3, collections
        root = sys.argv[1]
        out = {"bad": [], "predicted": {}, "rejected": {}, "conflicts": {}, "examples": None, "events": {}, "errors": [], "namePairs": []}
        def name(o):
            if "file_bytes" in o:
                return o["file_bytes"]
            return o["file"].encode("utf-8").hex()
        folder = os.path.join(root, "outbox")
        for fn in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
            if not fn.endswith(".jsonl"):
                continue
            data = open(os.path.join(folder, fn), "rb").read()
            if not data:
                continue
            if data and not data.endswith(b"\n"):
                out["bad"].append("%s does not end with a newline (torn last line): %r" % (fn, data[-120:]))
            lines = data.split(b"\n")
            if data.endswith(b"\n"):
                lines = lines[:-1]
            for i, line in enumerate(lines):
                try:
                    o = json.loads(line.decode("utf-8"))
                except Exception as e:
                    out["bad"].append("%s line %d: %s: %r" % (fn, i + 1, e, line[:200]))
                    continue
                if not isinstance(o, dict):
                    out["bad"].append("%s line %d is not an object" % (fn, i + 1))
                    continue
                if "file" in o and fn != "losses.jsonl":
                    out["namePairs"].append([o["file"], o.get("file_bytes")])
                if fn == "predictions.jsonl":
                    k = name(o); out["predicted"][k] = out["predicted"].get(k, 0) + 1
                elif fn == "events.jsonl":
                    ev = o.get("event", "?")
                    out["events"][ev] = out["events"].get(ev, 0) + 1
                    if ev == "rejected":
                        out["rejected"].setdefault(name(o), []).append(o.get("reason"))
                    elif ev == "conflict":
                        k = name(o); out["conflicts"][k] = out["conflicts"].get(k, 0) + 1
                    elif ev == "error":
                        out["errors"].append(o.get("detail", ""))
        db = os.path.join(root, "state", "mcnd.sqlite")
        if os.path.exists(db) and len(sys.argv) < 3:
            # A copy (with its WAL), so that reading never touches the root, full disk or not.
            import shutil, tempfile
            tmp = tempfile.mkdtemp()
            try:
                for suffix in ["", "-wal"]:
                    if os.path.exists(db + suffix):
                        shutil.copyfile(db + suffix, os.path.join(tmp, "copy.sqlite" + suffix))
                c = sqlite3.connect(os.path.join(tmp, "copy.sqlite"))
                out["examples"] = [r[0] for r in c.execute("SELECT sha256 FROM examples")]
                c.close()
            except Exception as e:
                out["examples"] = None
                out["bad"].append("state database not readable: %s" % e)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
        print(json.dumps(out))
        """#

    /// Reads `root`. `database: false` leaves the state database alone.
    static func of(_ root: String, database: Bool = true) throws -> Outcomes {
        guard let python = Shell.which(["python3"]) else {
            throw TestFailure("python3 is needed to check the outbox with a real JSON parser")
        }
        let result = try Shell.run([python, "-c", script, root] + (database ? [] : ["nodb"]))
        guard result.status == 0 else { throw TestFailure("python3 outbox check failed: \(result.stderr)") }
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
        return Outcomes(
            bad: object["bad"] as? [String] ?? ["no answer"],
            predicted: object["predicted"] as? [String: Int] ?? [:],
            rejected: object["rejected"] as? [String: [String]] ?? [:],
            conflicts: object["conflicts"] as? [String: Int] ?? [:],
            examples: object["examples"] as? [String],
            events: object["events"] as? [String: Int] ?? [:],
            errors: object["errors"] as? [String] ?? [],
            namePairs: (object["namePairs"] as? [[Any]] ?? []).map { $0.map { $0 as? String } })
    }

    /// How many outcomes `input` has: prediction lines, rejections, conflicts, and (labeled) an example.
    func count(_ input: Input) -> Int { count(input, examples: exampleSet) }

    func count(_ input: Input, examples: Set<String>) -> Int {
        let key = hex(input.relative)
        var n = (predicted[key] ?? 0) + (rejected[key]?.count ?? 0) + (conflicts[key] ?? 0)
        if input.labeled, examples.contains(SHA256.hex(input.content)) { n += 1 }
        return n
    }
}
