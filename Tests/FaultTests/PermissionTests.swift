import Foundation
import Glibc
import MCNDTestSupport
import Testing

extension Faults {
    /// Scenario 2, run as an unprivileged user (root ignores permissions) on a root it owns.
    @Suite("Permissions", .enabled(if: Unprivileged.cannotRun == nil, "skipped: \(Unprivileged.cannotRun ?? "")"))
    struct Permissions {
        /// A root owned by uid/gid 65534 with a model trained as that user.
        func unprivilegedRoot(_ scratch: Scratch) throws -> Root {
            let root = try Root(scratch)
            try Shell.run(["/bin/chown", "-R", "65534:65534", root.path])
            try root.train(asUser: true)
            return root
        }

        func chownToUser(_ root: Root) throws { try Shell.run(["/bin/chown", "-R", "65534:65534", root.path]) }

        @Test("read-only outbox: exit 1 naming the file, nothing moved; writable again → every input once")
        func readOnlyOutbox() throws {
            let scratch = try Scratch("ro-outbox")
            let root = try unprivilegedRoot(scratch)
            try root.dropBatch(labels: ["alpha", "gamma"], perLabel: 5, requests: 10, tag: "ro")
            try root.drop("junk.png", Array("not a png".utf8))
            try chownToUser(root)
            let before = Files.entries(under: root.inbox)
            for name in Files.names(in: Files.bytes(root.outbox)) {
                chmod(root.outbox + "/" + String(decoding: name, as: UTF8.self), 0o444)
            }
            chmod(root.outbox, 0o555)

            let failed = try MCND.once(root.path, scratch: scratch.url, asUser: true)
            #expect(failed.exit?.signaled == false && failed.exit?.status == 1, "\(failed.transcript)")
            #expect(failed.reasonLines.count == 1, "\(failed.transcript)")
            let reason = failed.reasonLines.first ?? ""
            #expect(reason.contains(root.outbox + "/") && reason.contains("Permission denied"), "\(failed.transcript)")
            #expect(Files.entries(under: root.inbox) == before, "nothing was moved")
            try checkInvariant(root.inputs, root: root.path, final: false)

            chmod(root.outbox, 0o755)
            for name in Files.names(in: Files.bytes(root.outbox)) {
                chmod(root.outbox + "/" + String(decoding: name, as: UTF8.self), 0o644)
            }
            let again = try MCND.once(root.path, scratch: scratch.url, asUser: true)
            #expect(again.succeeded, "\(again.transcript)")
            try checkInvariant(root.inputs, root: root.path, final: true)
        }

        @Test("missing inbox: recreated when the root is writable; otherwise exit 1 naming it")
        func missingInbox() throws {
            let scratch = try Scratch("no-inbox")
            let root = try unprivilegedRoot(scratch)
            try Shell.run(["/bin/rm", "-rf", root.inbox])

            chmod(root.path, 0o555)
            let refused = try MCND.once(root.path, scratch: scratch.url, asUser: true)
            #expect(refused.exit?.status == 1 && refused.exit?.signaled == false, "\(refused.transcript)")
            #expect(
                refused.reasonLines.count == 1 && (refused.reasonLines.first ?? "").contains(root.inbox)
                    && (refused.reasonLines.first ?? "").contains("Permission denied"), "\(refused.transcript)")
            #expect(!Files.exists(root.inbox))

            chmod(root.path, 0o755)
            let recreated = try MCND.once(root.path, scratch: scratch.url, asUser: true)
            #expect(recreated.succeeded, "\(recreated.transcript)")
            let st = Files.status(Files.bytes(root.inbox))
            #expect(st.map { $0.st_mode & S_IFMT == S_IFDIR && $0.st_uid == 65534 } == true, "mcnd recreates inbox/")
            try root.drop("after.png")
            #expect(try MCND.once(root.path, scratch: scratch.url, asUser: true).succeeded)
            try checkInvariant(root.inputs, root: root.path, final: true)
        }

        @Test("an unreadable file: logged with its path, left in place, the others carry on; readable again → handled")
        func unreadableFile() throws {
            let scratch = try Scratch("unreadable")
            let root = try unprivilegedRoot(scratch)
            try root.dropBatch(labels: ["alpha"], perLabel: 5, requests: 5, tag: "ok")
            let request = try root.drop("locked.png")
            let labeled = try root.drop("beta/locked.png")
            try chownToUser(root)
            for input in [request, labeled] { chmod(root.inbox + "/" + input.display, 0o000) }

            let run = try MCND.once(root.path, scratch: scratch.url, asUser: true)
            #expect(run.succeeded, "\(run.transcript)")
            for input in [request, labeled] {
                #expect(run.stderr.contains("cannot read \(root.inbox)/\(input.display): Permission denied"), "\(run.transcript)")
                #expect(Files.exists(root.inbox + "/" + input.display), "\(input.display) stays in the inbox")
            }
            let outcomes = try Outcomes.of(root.path)
            #expect(outcomes.count(request) == 0 && outcomes.count(labeled) == 0)
            let others = root.inputs.filter { $0.relative != request.relative && $0.relative != labeled.relative }
            try checkInvariant(others, root: root.path, final: true)

            for input in [request, labeled] { chmod(root.inbox + "/" + input.display, 0o644) }
            #expect(try MCND.once(root.path, scratch: scratch.url, asUser: true).succeeded)
            try checkInvariant(root.inputs, root: root.path, final: true)
        }
    }
}
