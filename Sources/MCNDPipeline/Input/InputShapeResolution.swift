import Logging
import MCNDFileSystem

/// `input.*: auto` made concrete for a pass: the shape stored in the state;
/// for a state from before, the shape its examples were stored at; otherwise
/// the one the labeled files about to be ingested choose (then stored). With
/// none of these (no labeled file yet) the configured values stand in: there
/// is nothing to train on, and predictions follow the model's own spec.
enum InputShapeResolution {
    /// The shape, found or chosen now; nil while it is undecided (or nothing is `auto`).
    static func shape(
        for c: MCNDConfiguration, store: StateStore, root: Directory, folder: RawPath, entries: [InboxEntry], logger: Logger
    ) throws(PipelineError) -> InputShape? {
        guard c.inputShape.isAuto else { return nil }
        var shape = try store.inputShape()
        if shape == nil, let stored = try store.storedExampleShape() {
            try store.setInputShape(stored)
            shape = stored
        }
        if shape == nil, entries.contains(where: { $0.isLabeled && $0.problem == nil }) {
            let looks = InputShapeSurvey(root: root, folder: folder, background: c.input.background, limits: c.limits).looks(at: entries)
            if let chosen = InputShape.choose(from: looks, policy: c.inputShape, configured: c.input) {
                try store.setInputShape(chosen)
                logger.info(
                    "input shape \(chosen.description), chosen from \(chosen.examples) labeled files (\(chosen.sources); \(chosen.colourful) in colour)"
                )
                shape = chosen
            }
        }
        return shape
    }

    /// `c` with its automatic parts taken from `shape`.
    static func applying(_ shape: InputShape?, to c: MCNDConfiguration) -> MCNDConfiguration {
        guard let shape, c.inputShape.isAuto else { return c }
        var out = c
        out.input = c.inputShape.applying(shape, to: c.input)
        return out
    }
}
