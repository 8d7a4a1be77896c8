import MCNDModel

extension ConfigurationKey {
    /// The network, the recipe and the schedule of runs.
    static let training: [ConfigurationKey] = [
        .integer("train.units", \.training.units, "hidden sigmoid units"),
        .integer(
            "train.batch_size", \.training.batchSize,
            "the largest minibatch (the book: 256); a full run on fewer than 8 × `batch_size` examples trains in batches of about 1/8 of them (at least 32, a multiple of 8): a small set gets as many steps per epoch as a large one would in a few"
        ),
        .real("train.learning_rate", \.training.learningRate, "the step (the book: 0.1); with `one_cycle`, the peak"),
        .choice(
            "train.schedule", \.training.schedule,
            "`constant`; `decay` (epoch e uses `learning_rate · learning_rate_decay^(e−1)`); `one_cycle` (PyTorch's OneCycleLR: from `learning_rate`/25 up to `learning_rate` over the first 30% of the steps, cosine down to `learning_rate`/250,000 at the last; the momentum swings 0.05 the other way)"
        ),
        .real("train.learning_rate_decay", \.training.learningRateDecay, "the factor of `schedule: decay`"),
        .choice(
            "train.optimizer", \.training.optimizer,
            "`sgd` (the book) or `nesterov` (PyTorch's rule: `v = μv + g; w −= lr·(g + μv)`)"),
        .real("train.momentum", \.training.momentum, "Nesterov's μ"),
        .choice(
            "train.precision", \.training.precision,
            "`f32`; `bf16` (bf16 products, f32 accumulation, f32 weights and update; only where the CPU has native bf16 instructions, else f32); `auto` = bf16 where native. Same seed, data, threads and precision → bit-identical weights"
        ),
        .real("train.l1", \.training.l1, "L1 penalty on W1 and W2"),
        .real(
            "train.l2", \.training.l2,
            "L2 penalty on W1 and W2 (a cross-validated run with `train.select` compares it, unless 0, with 0.01, 0.03 and 0.1)"),
        .integer("train.epochs", \.training.epochs, "epochs of a full run, raised where `train.min_steps` needs more"),
        .integer(
            "train.min_steps", \.recipe.minSteps,
            "a full run takes at least this many optimizer steps (300 examples: 100 epochs of 10 steps for the served model; each cross-validation fold, 240 of them, runs the same 100 epochs of 8); 0 = `train.epochs` as given"
        ),
        .integer(
            "train.cross_validation_below", \.recipe.crossValidationBelow,
            "below this many examples a full run is cross-validated (`train.folds` folds by content hash); the model then trains on every example; 0 = always the hold-out"
        ),
        .integer(
            "train.refit_below", \.recipe.refitBelow,
            "from `train.cross_validation_below` up to this many examples a full run is judged on the hold-out (early stopping, calibration, promotion), then the same recipe trains the served model on every example; 0 = never"
        ),
        .integer("train.folds", \.recipe.folds, "folds of the cross-validation"),
        .flag(
            "train.select", \.recipe.select,
            "a cross-validated run compares `train.l2` (unless 0) with 0.01, 0.03 and 0.1 (each shifted, with `augment: auto`), then the best of them unshifted and (with `augment_flip: auto`) with the mirror-symmetric labels mirrored, which must gain more than 1 % to be chosen; keeps the best out-of-fold accuracy"
        ),
        .augment(
            "train.augment", \.recipe.augment,
            "random shifts of 30 % of the training images, anew each epoch and seeded: `auto` (on in a cross-validated run, which also tries the best penalty without; off above `train.cross_validation_below`), `on`, `off`"
        ),
        .integer("train.augment_shift", \.recipe.augmentShift, "the largest shift, in pixels, in x and in y (0–8)"),
        .augment(
            "train.augment_flip", \.recipe.augmentFlip,
            "mirror half the images left to right: `auto` (cross-validation tries it for the labels whose average image is its own mirror image: tops and bags, not shoes, most digits or letters), `on` (every label), `off`"
        ),
        .choice("train.init", \.training.initialization, "`xavier` (Glorot uniform) or `normal` (the book's N(0,1))"),
        .integer(
            "train.early_stopping_patience", \.training.earlyStoppingPatience,
            "a hold-out run keeps the weights of its most accurate epoch on the validation rows (the lower `val_loss` on a tie) and stops after N epochs without a better one; a `one_cycle` run judges only the epochs after the rate's peak (its loss rises on purpose before); 0 = off (the last epoch's weights)"
        ),
        ConfigurationKey(
            name: "train.seed", meaning: "weight initialization and shuffling; same seed and data → bit-identical weights",
            shown: { String($0.training.seed) }
        ) { c, values in
            c.training.seed = UInt64(max(0, values.integer("train.seed", Int(c.training.seed))))
        },
        .integer(
            "train.threads", \.training.threads,
            "threads a training step is split over (oneDNN runs single-threaded inside each); same seed, data, threads and precision → bit-identical weights"
        ),
        .number(
            "train.validation_fraction", \.schedule.validationFraction,
            "share of examples held out, chosen by SHA-256 (stable as the dataset grows)",
            check: { (0...0.9).contains($0) ? nil : "must be in [0, 0.9]" }),
        .integer(
            "train.incremental_epochs", \.schedule.incrementalEpochs,
            "epochs of an incremental run (warm start from the serving model)", check: atLeast(1)),
        .integer("train.full_every", \.schedule.fullEvery, "every Nth run is a full retrain; 0 = only when needed"),
        .number(
            "train.full_growth", \.schedule.fullGrowth,
            "with `train.refit_below` (and `train.cross_validation_below`) examples or more, a run is full when the examples grew by this share since the last full run (below them, every run is full)",
            check: { $0 >= 0 ? nil : "must be 0 or more" }),
        .number(
            "train.min_interval_seconds", \.schedule.minIntervalSeconds,
            "daemon: least time between runs (the first may start at once)"),
        .number(
            "train.quiet_seconds", \.schedule.quietSeconds,
            "daemon: no labeled example may have arrived for this long before a run starts (prediction requests do not count)"),
        .number(
            "train.max_delay_seconds", \.schedule.maxDelaySeconds,
            "daemon: a due run starts at the latest this long after the first example it waits for, quiet or not (`train.min_interval_seconds` still holds)"
        ),
        .number(
            "train.promote_tolerance", \.schedule.promoteTolerance,
            "a new model is promoted unless its validation accuracy is below the serving model's (measured on the same rows) by more than this"
        ),
        .integer("train.min_labels", \.schedule.minLabels, "labels needed before the first run"),
    ]

    /// An `auto | on | off` key; YAML 1.1 reads a bare on/off as true/false.
    static func augment(
        _ name: String, _ path: WritableKeyPath<MCNDConfiguration, TrainingRecipe.Augment> & Sendable, _ meaning: String
    ) -> ConfigurationKey {
        ConfigurationKey(name: name, meaning: meaning, shown: { $0[keyPath: path].rawValue }) { c, values in
            switch values.text(name, c[keyPath: path].rawValue).lowercased() {
            case "true", "yes": c[keyPath: path] = .on
            case "false", "no": c[keyPath: path] = .off
            default: c[keyPath: path] = values.choice(name, c[keyPath: path])
            }
        }
    }
}
