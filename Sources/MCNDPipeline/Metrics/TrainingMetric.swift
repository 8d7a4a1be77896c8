/// The metrics about runs that wait (docs/metrics.md names each).
public enum TrainingMetric: String, Sendable, CaseIterable {
    /// Examples no run has taken yet.
    case waitingExamples = "mcnd_training_waiting_examples"
    /// Seconds since the oldest of them was ingested; 0 when none waits.
    case oldestWaitingSeconds = "mcnd_training_oldest_waiting_seconds"
    /// 1, labelled with the reason a due run waits (TrainingWait.Reason); absent when none waits.
    case wait = "mcnd_training_wait"
}
