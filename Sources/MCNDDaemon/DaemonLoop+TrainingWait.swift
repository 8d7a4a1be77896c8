import MCNDPipeline

extension DaemonLoop {
    /// Why a due run may not start now, the loop's own reasons first; nil when it may.
    func waitReason() -> TrainingWait.Reason? {
        if stateBusy { return .busyDatabase }
        switch scheduler.hold() {
        case .interval: return .interval
        case .quiet: return .quiet
        case nil: break
        }
        // Checked here rather than left to the run, which would end at once and start the minimum interval.
        let labels = (try? pipeline.store.labelsWithExamples()) ?? 0
        return labels < pipeline.configuration.schedule.minLabels ? .tooFewLabels : nil
    }

    /// Publishes the reason (TrainingWait) when it changed, so that `since` is when it began.
    mutating func noteWait(_ reason: TrainingWait.Reason?) {
        guard reason != wait?.reason else { return }
        wait = reason.map { TrainingWait(reason: $0, since: Timestamp.format(wall: clock.wall())) }
        do { try TrainingWait.publish(wait, in: pipeline.root) } catch {
            logger.warning("cannot write \(RootLayout.Name.trainingWait.display): \(error)")
        }
    }
}
