import ArgumentParser
import Foundation
import MCNDPipeline

/// `mcnd status --all`: one line per instance under /var/lib/mcnd (and the plain
/// root of mcnd.service, named `-`, when it has state).
extension StatusCommand {
    struct InstanceLine: Codable {
        var instance: String
        var root: String
        var modelVersion: Int?
        var examples: Int?
        var pending: Int?
        /// Why the instance has no figures (no state yet, or it could not be read).
        var problem: String?
    }

    func runAll() async throws {
        let instances = Instances(environment: ProcessInfo.processInfo.environment)
        var lines: [InstanceLine] = []
        if (try? RootLayout(root: instances.directory).openExisting()) != nil {
            var plain = options
            plain.root = instances.directory
            lines.append(await Self.line("-", plain))
        }
        for name in instances.names() {
            var one = options
            one.instance = name
            lines.append(await Self.line(name, one))
        }
        if json {
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(lines), as: UTF8.self))
            return
        }
        if lines.isEmpty {
            print("no instances under \(instances.directory) (`systemctl enable --now mcnd@NAME` makes one)")
            return
        }
        print(["instance", "model", "examples", "pending"].joined(separator: "\t"))
        for l in lines {
            if let problem = l.problem {
                print([l.instance, "-", "-", "-", problem].joined(separator: "\t"))
            } else {
                let model = l.modelVersion.map { "v\($0)" } ?? "none"
                print([l.instance, model, "\(l.examples ?? 0)", "\(l.pending ?? 0)"].joined(separator: "\t"))
            }
        }
    }

    static func line(_ name: String, _ options: RootOptions) async -> InstanceLine {
        let root = options.resolvedRoot
        guard (try? RootLayout(root: root).openExisting()) != nil else {
            let problem = "no state yet (or not readable by this user; the daemon makes it when it starts)"
            return InstanceLine(instance: name, root: root, problem: problem)
        }
        do {
            let r = try await report(options)
            return InstanceLine(
                instance: name, root: root, modelVersion: r.status.model?.version, examples: r.status.examples,
                pending: r.pending + r.pendingLabeled)
        } catch {
            return InstanceLine(instance: name, root: root, problem: "\(error)")
        }
    }
}
