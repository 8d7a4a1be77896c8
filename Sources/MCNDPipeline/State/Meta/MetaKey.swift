/// Keys of the state's `meta` table that more than one stage reads or writes.
enum MetaKey: String {
    /// Set when the `waiting_for_model` event was written; cleared by a promotion.
    case waitingForModel = "waiting_for_model"
    /// The input shape the labeled examples chose (`InputShape`, JSON), for `input.*: auto`.
    case inputShape = "input_shape"
    /// Written by the holder of the root as it stops cleanly, deleted when it opens the state (StateStore+CleanStop.swift).
    case cleanStop = "clean_stop"
}
