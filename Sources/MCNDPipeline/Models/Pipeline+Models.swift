import MCNDModel

extension Pipeline {
    /// What `mcnd models pin|unpin|rollback` recorded in the state, applied by
    /// the process that holds the root: the serving model is swapped whole
    /// (`ServingModel`, behind its mutex) when the state names another
    /// one, and each recorded change becomes its event line. The daemon calls
    /// this on every tick (250 ms); opening a pipeline calls it once.
    /// Returns true when the serving model changed.
    @discardableResult
    public func applyModelChanges() throws(PipelineError) -> Bool {
        var swapped = false
        let version = try store.servingVersion()
        if version != serving.current?.version {
            // A promotion also lands here when the tick runs between the commit and the training thread's swap: same model.
            let model = try store.servingModel()
            serving.replace(with: model)
            swapped = true
            if let model { logger.info("serving model \(model.version)") }
        }
        let changes = try store.pendingModelChanges()
        // A pin made while no daemon ran is already in `serving` (read at open), but not exported yet.
        if swapped || changes.contains(where: { $0.event != .unpinned }), let model = serving.current {
            ServingExport(layout: layout, settings: configuration.export, outbox: outbox, logger: logger).write(model)
        }
        for change in changes {
            outbox.emit(change.event) { line in
                line.add("model_version", change.version)
                line.add("previous_version", change.previous)
                line.add("recorded", change.time)
            }
        }
        // Written first, then marked: a crash in between repeats an event line rather than losing it.
        try store.markEmitted(changes)
        return swapped
    }
}
