import Foundation
import MCNDTestSupport
import Testing

extension EndToEnd {
    /// `--instance NAME` (root $MCND_INSTANCES_DIR/NAME, configuration
    /// $MCND_INSTANCE_CONFIG_DIR/NAME.yaml when it exists; /var/lib/mcnd and
    /// /etc/mcnd without them), `status --all`, and the one version that
    /// `--version`, report.json and the metrics all give.
    @Suite("Instances") struct InstanceTests {
        struct Machine {
            let scratch: Scratch
            var instances: URL { scratch.appending("var-lib-mcnd") }
            var configs: URL { scratch.appending("etc-mcnd") }
            var environment: [String: String] { ["MCND_INSTANCES_DIR": instances.path, "MCND_INSTANCE_CONFIG_DIR": configs.path] }

            func run(_ arguments: [String]) throws -> Child {
                let child = try MCND.start(arguments, scratch: scratch.url, environment: environment)
                _ = try child.wait(timeout: MCND.hung)
                return child
            }
            func root(_ name: String) -> String { instances.appendingPathComponent(name).path }
        }

        static let quick = [
            "--set", "settle_seconds=0", "--set", "train.epochs=2", "--set", "train.min_steps=0", "--set", "train.cross_validation_below=0",
            "--set", "train.refit_below=0",
            "--set", "review.target_precision=0",
        ]

        @Test func twoInstancesKeepToTheirRootsAndStatusAllListsBoth() throws {
            let m = Machine(scratch: try Scratch("instances"))
            try FileManager.default.createDirectory(at: m.configs, withIntermediateDirectories: true)
            // photos has a configuration file (its metrics under another name); scans has none.
            try "metrics:\n  textfile: outbox/photos.prom\n".write(
                to: m.configs.appendingPathComponent("photos.yaml"), atomically: true, encoding: .utf8)
            let train = try Fashion.trainSplit()
            let test = try Fashion.testSplit()
            for (name, classes) in [("photos", [0, 1]), ("scans", [2, 3])] {
                let created = try m.run(["init", "--instance", name])
                #expect(created.succeeded && created.stdout.contains(m.root(name)), "\(created)")
                for i in train.stratified(perClass: 5, classes: classes) {
                    try Files.drop(try train.png(i), into: m.root(name) + "/inbox", as: "\(Fashion.name(train.label(i)))/\(i).png")
                }
                try Files.drop(try test.png(classes[0]), into: m.root(name) + "/inbox", as: "\(name)-query.png")
                let once = try m.run(["--instance", name, "--once"] + Self.quick)
                #expect(once.succeeded, "\(once)")
            }
            #expect(Files.exists(m.root("photos") + "/outbox/photos.prom") && !Files.exists(m.root("photos") + "/outbox/mcnd.prom"))
            #expect(Files.exists(m.root("scans") + "/outbox/mcnd.prom"))
            for (name, other) in [("photos", "scans"), ("scans", "photos")] {
                let predictions = (try? String(contentsOfFile: m.root(name) + "/outbox/predictions.jsonl", encoding: .utf8)) ?? ""
                #expect(predictions.contains("\"file\":\"\(name)-query.png\""), "\(name): \(predictions)")
                #expect(!predictions.contains(other), "\(name) saw \(other)'s file: \(predictions)")
                #expect(Files.regularFiles(under: URL(fileURLWithPath: m.root(name))).allSatisfy { !$0.contains(other) })
            }

            let all = try m.run(["status", "--all"])
            #expect(all.succeeded, "\(all)")
            #expect(all.stdout == "instance\tmodel\texamples\tpending\nphotos\tv1\t10\t0\nscans\tv1\t10\t0\n", "\(all)")
            let one = try m.run(["status", "--instance", "scans", "--json"])
            let status = try JSONSerialization.jsonObject(with: Data(one.stdout.utf8)) as? [String: Any]
            #expect(status?["root"] as? String == m.root("scans"), "\(one)")
            // A dropped file is pending until a pass takes it; status --json for --all gives the same figures.
            try Files.drop(try test.png(9), into: m.root("photos") + "/inbox", as: "later.png")
            let json = try m.run(["status", "--all", "--json"])
            let lines = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]], "\(json)")
            #expect(lines.map { $0["instance"] as? String } == ["photos", "scans"])
            #expect(lines.map { $0["pending"] as? Int } == [1, 0] && lines.map { $0["examples"] as? Int } == [10, 10], "\(json)")

            // One version: mcnd --version, the report's mcnd_version and the metrics' mcnd_build_info.
            let version = try m.run(["--version"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(!version.isEmpty)
            let report = try String(contentsOfFile: m.root("scans") + "/outbox/report.json", encoding: .utf8)
            #expect(report.contains("\"mcnd_version\":\"\(version)\""), "report.json: \(report.prefix(200))")
            let metrics = try String(contentsOfFile: m.root("scans") + "/outbox/mcnd.prom", encoding: .utf8)
            #expect(metrics.contains("mcnd_build_info{version=\"\(version)\"} 1"), "\(metrics)")
        }

        @Test func instanceNamesAreOneFolderNotOneOfTheRootsOwn() throws {
            let m = Machine(scratch: try Scratch("instance-names"))
            for bad in ["", "a/b", ".hidden", "_x", "inbox", "state", "mcnd.yaml"] {
                let status = try m.run(["status", "--instance", bad])
                #expect(!status.succeeded && status.stderr.contains("instance"), "\(bad): \(status)")
            }
            let both = try m.run(["status", "--instance", "x", "--root", m.scratch.url.path])
            #expect(!both.succeeded && both.stderr.contains("not both"), "\(both)")
            let allAndOne = try m.run(["status", "--all", "--instance", "x"])
            #expect(!allAndOne.succeeded && allAndOne.stderr.contains("not both"), "\(allAndOne)")
            let none = try m.run(["status", "--all"])
            #expect(none.succeeded && none.stdout.hasPrefix("no instances under \(m.instances.path)"), "\(none)")
        }

        /// Downgrading the package: a state a newer mcnd migrated is refused with a clear message, untouched.
        @Test func aStateANewerMCNDWroteIsRefused() throws {
            let m = Machine(scratch: try Scratch("newer-state"))
            #expect(try m.run(["init", "--instance", "old"]).succeeded)
            #expect(try m.run(["--instance", "old", "--once"] + Self.quick).succeeded)
            guard let python = Shell.which(["python3"]) else { throw TestFailure("python3 is needed") }
            let database = m.root("old") + "/state/mcnd.sqlite"
            let migrations = {
                try Shell.run([
                    python, "-c",
                    "import sqlite3, sys; print([r[0] for r in sqlite3.connect(sys.argv[1]).execute('SELECT identifier FROM grdb_migrations')])",
                    database,
                ]).stdout
            }
            let future = try Shell.run([
                python, "-c",
                "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
                    + "c.execute(\"INSERT INTO grdb_migrations VALUES ('from-the-future')\"); c.commit()",
                database,
            ])
            #expect(future.status == 0, "\(future.stderr)")
            let before = try migrations()
            #expect(before.contains("from-the-future"))
            let once = try m.run(["--instance", "old", "--once"] + Self.quick)
            #expect(!once.succeeded, "\(once)")
            #expect(once.stderr.contains("was written by a newer mcnd (state migrations from-the-future are unknown to mcnd "), "\(once)")
            #expect(try migrations() == before)
        }
    }
}
