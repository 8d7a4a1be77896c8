import MCNDFileSystem
import MCNDModel

/// `mcnd check`: the operator's full check of a root's state, on demand —
/// what the open runs only when something suggests damage (StateCheck), and
/// more: `PRAGMA integrity_check`, the rows' references, the models' CRCs in
/// the state and in state/models/. Read-only (as `mcnd status`), so it runs
/// beside the daemon; it then sees the state as committed when its read began.
public struct RootCheck: Sendable {
    public internal(set) var findings: [RootCheckFinding] = []
    /// What was read: nil when the database could not be read at all.
    public internal(set) var examples: Int?
    public internal(set) var storedModels = 0
    public internal(set) var servingVersion: Int?
    /// The model files under state/models/ read (and found whole or not).
    public internal(set) var modelFiles = 0

    public var passed: Bool { findings.isEmpty }

    public static func run(layout: RootLayout, busyTimeout: Double) throws(PipelineError) -> RootCheck {
        let root = try layout.openExisting()
        var check = RootCheck()
        do throws(PipelineError) {
            let store = try StateStore(readingOnly: layout, root: root, busyTimeout: busyTimeout)
            try store.checkContents(into: &check)
        } catch {
            // Damage the open or a read ran into is the finding; anything else (permissions, busy) is the error.
            guard case .corruptState(let path, let reason) = error else { throw error }
            check.findings.append(.database(path: path, problems: [reason]))
        }
        try check.checkModelFiles(root, layout)
        return check
    }

    /// Every `model-N.npz` under state/models/ decodes (its entries' CRCs
    /// included) and holds model N; the serving model has one.
    mutating func checkModelFiles(_ root: Directory, _ layout: RootLayout) throws(PipelineError) {
        var names: [RawPath] = []
        do {
            names = try root.openDirectory(RootLayout.Name.models).entries()
        } catch {
            // No folder yet (no model promoted): nothing to read; the serving check below still applies.
            if error.errno != .noSuchFile { throw PipelineError(error) }
        }
        var versions: Set<Int> = []
        for version in names.compactMap({ RootLayout.Name.modelVersion(fileName: $0.display) }) {
            versions.insert(version)
            modelFiles += 1
            let relative = RootLayout.Name.model(version)
            let bytes: [UInt8]
            do { bytes = try root.readFile(relative) } catch { throw PipelineError(error) }
            let reason: String?
            do {
                let model = try ModelFile(decoding: bytes)
                reason = model.version == version ? nil : "it holds model \(model.version)"
            } catch {
                reason = "\(error)"
            }
            if let reason { findings.append(.modelFile(path: layout.path(relative), version: version, reason: reason)) }
        }
        if let serving = servingVersion, !versions.contains(serving) {
            findings.append(.servingModelFileMissing(path: layout.path(RootLayout.Name.model(serving)), version: serving))
        }
    }
}
