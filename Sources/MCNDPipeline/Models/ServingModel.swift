import MCNDModel
import Synchronization

/// The model that answers predictions, shared by the pass that predicts and
/// the daemon's training thread that promotes: replaced whole, under one
/// `Mutex`, so a reader gets the old model or the new one, never a mix.
public final class ServingModel: Sendable {
    private let model: Mutex<ModelFile?>

    public init(_ model: ModelFile?) { self.model = Mutex(model) }

    /// The model serving now (nil before the first promotion).
    public var current: ModelFile? { model.withLock { $0 } }

    /// Swaps in `new` (a promotion, a pin, a rollback).
    public func replace(with new: ModelFile?) { model.withLock { $0 = new } }
}
