import MCNDImaging
import MCNDModel

/// Everything an operator can set. Keys (as in mcnd.yaml, `MCND_…` variables
/// and `--set key=value`) and defaults are listed in docs/configuration.md; the defaults
/// here are the documented ones.
public struct MCNDConfiguration: Sendable, Equatable {
    /// `archive` moves consumed inputs to archive/; `delete` removes them once their outcome is durable. Key `consumed`.
    public var consumed: Consumed = .archive
    /// A file found by a scan counts once it has not changed for this long. Key `settle_seconds`.
    public var settleSeconds: Double = 2
    /// Images predicted per sgemm call and per outbox fsync. Key `predict_batch`.
    public var predictBatch: Int = 512
    /// Files handled per state transaction during ingest. Key `ingest_batch`.
    public var ingestBatch: Int = 1024
    /// A PNG that decodes as truncated and changed within this long is left for
    /// its writer to finish instead of being rejected. Key `incomplete_grace_seconds`.
    public var incompleteGraceSeconds: Double = 900
    /// How long a command waits for another process's write lock on the state
    /// database before giving up (exit 75). Key `state.busy_timeout_seconds`.
    public var stateBusyTimeoutSeconds: Double = 30

    /// How images become network inputs. Keys `input.*`. Where `inputShape`
    /// leaves a part to the examples, the value here stands in until they chose.
    public var input = NormalizationSpec.standard
    /// Which of width, height and channels the labeled examples choose (`auto`). Keys
    /// `input.width`, `input.height`, `input.channels`, `input.max_features`.
    public var inputShape = InputShapePolicy()
    /// Decode caps. Keys `limits.max_bytes`, `limits.max_pixels`.
    public var limits = DecodeLimits.standard

    /// Hyperparameters of full runs. Keys `train.*` (with `train.precision`, `train.optimizer`,
    /// `train.momentum` and `train.schedule`).
    public var training = TrainingOptions()
    /// How a full run fits the data's size. Keys `train.min_steps`, `train.cross_validation_below`,
    /// `train.folds`, `train.select`, `train.augment`, `train.augment_shift`, `train.augment_flip`.
    public var recipe = TrainingRecipe()
    public var schedule = TrainingSchedule()

    /// The daemon's watching. Keys `watch.*`.
    public var watch = WatchSettings()
    /// Where the serving model is exported. Keys `export.*`.
    public var export = ExportSettings()

    /// The Prometheus textfile. Keys `metrics.*`.
    public var metrics = MetricsSettings()
    /// Doubtful predictions to a person. Keys `review.*`.
    public var review = ReviewSettings()

    public enum Consumed: String, Sendable, CaseIterable { case archive, delete }

    public init() {}

    /// The book's run: `MultiClassNetwork(units=100, batch_size=256)`, lr 0.1, N(0,1), 40 epochs.
    public static var book: MCNDConfiguration {
        var c = MCNDConfiguration()
        c.training = .book
        // The book's 28×28 gray input, whatever the images.
        c.inputShape = .fixed
        // The book's 40 epochs as they are: no step budget, cross-validation, second run on every example or augmentation.
        c.recipe.minSteps = 0
        c.recipe.crossValidationBelow = 0
        c.recipe.refitBelow = 0
        c.recipe.select = false
        c.recipe.augment = .off
        return c
    }
}

/// When and how training runs. Keys `train.*` beside the hyperparameters.
public struct TrainingSchedule: Sendable, Equatable {
    /// Share of examples held out for validation, chosen by content hash. Key `train.validation_fraction`.
    public var validationFraction: Double = 0.2
    /// Epochs of an incremental run (warm start from the serving model). Key `train.incremental_epochs`.
    public var incrementalEpochs: Int = 5
    /// Every Nth run is a full retrain; 0 = only when needed. Key `train.full_every`.
    public var fullEvery: Int = 0
    /// From `train.refit_below` and `train.cross_validation_below` up, a run is full when the
    /// examples grew by this share since the last full run (below them every run is full). Key `train.full_growth`.
    public var fullGrowth: Double = 0.1
    /// Least time between two runs (daemon). Key `train.min_interval_seconds`.
    public var minIntervalSeconds: Double = 600
    /// No labeled example may have arrived for this long before a run starts
    /// (daemon), so that a drop of many files makes one run; prediction
    /// requests do not count. Key `train.quiet_seconds`.
    public var quietSeconds: Double = 5
    /// A due run starts at the latest this long after the first example it
    /// waits for, quiet or not (the minimum interval still holds), so steady
    /// arrivals of examples cannot put training off for good (daemon). Key `train.max_delay_seconds`.
    public var maxDelaySeconds: Double = 60
    /// A new model is promoted unless its validation accuracy is lower than the
    /// serving model's (on the same validation rows) by more than this. Key `train.promote_tolerance`.
    public var promoteTolerance: Double = 0.02
    /// Labels needed before the first run. Key `train.min_labels`.
    public var minLabels: Int = 2

    public init() {}
}

/// How the daemon notices new files. Keys `watch.*`.
public struct WatchSettings: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable { case auto, inotify, poll }
    /// `auto` uses inotify except on network filesystems (NFS, CIFS, …), where it polls. Key `watch.mode`.
    public var mode: Mode = .auto
    /// Poll interval in `poll` mode. Key `watch.poll_seconds`.
    public var pollSeconds: Double = 2
    /// A full rescan this often even with inotify, as a safety net. Key `watch.rescan_seconds`.
    public var rescanSeconds: Double = 60

    public init() {}
}
