import MCNDImaging
import MCNDModel

extension ConfigurationKey {
    /// Every key mcnd reads, in the order `mcnd init` writes them.
    public static let all: [ConfigurationKey] = general + training + outputs

    /// The root's own keys, the state's, the input's and the decoder's limits.
    static let general: [ConfigurationKey] = [
        .choice(
            "consumed", \.consumed,
            "`archive` moves consumed inputs to `archive/`; `delete` removes them once their outcome is durable"),
        .number("settle_seconds", \.settleSeconds, "a file found by a scan counts once unchanged this long", check: notNegative),
        .integer(
            "predict_batch", \.predictBatch,
            "images per prediction batch: one matrix product, one fsync", check: atLeast(1)),
        .integer(
            "ingest_batch", \.ingestBatch,
            "files per state transaction while ingesting (fewer, larger transactions write each index page fewer times: 60,000 files 2.85 -> 2.58 s against 256)",
            check: atLeast(1)),
        .number(
            "incomplete_grace_seconds", \.incompleteGraceSeconds,
            "a PNG that is cut off (`truncated`) and changed this recently is left in the inbox for its writer, then rejected",
            check: notNegative),
        .number(
            "state.busy_timeout_seconds", \.stateBusyTimeoutSeconds,
            "how long a command waits while another process holds the state database's write lock before exiting 75; the daemon waits without end",
            check: notNegative),
        .shapePart(
            "input.width", \.input.width, \.inputShape.autoWidth,
            "network input width in pixels, or `auto`: the first labeled files' median width, shrunk with the height to `input.max_features` ([The input shape](images.md#the-input-shape))"
        ),
        .shapePart(
            "input.height", \.input.height, \.inputShape.autoHeight,
            "network input height in pixels, or `auto`: the first labeled files' median height, shrunk with the width to `input.max_features`"
        ),
        ConfigurationKey(
            name: "input.channels",
            meaning:
                "`gray` (Rec.601 luma, as Pillow's `convert(\"L\")`), `rgb`, or `auto`: `rgb` when at least a fifth of the first labeled files show colour",
            shown: { $0.inputShape.autoChannels ? InputShapePolicy.auto : $0.input.channels.rawValue }
        ) { c, values in
            guard let automatic = values.automatic("input.channels") else { return }
            c.inputShape.autoChannels = automatic
            if !automatic { c.input.channels = values.choice("input.channels", c.input.channels) }
        },
        .integer(
            "input.max_features", \.inputShape.maxFeatures,
            "an automatic size is scaled down, its aspect ratio kept, until width × height × channels fits (3,072 is 32×32 in colour)",
            check: atLeast(1)),
        .choice("input.aspect", \.input.aspect, "`stretch` (as Keras), `fit` (letterbox), `crop` (centre)"),
        ConfigurationKey(
            name: "input.background",
            meaning: "alpha is composited over it (Fashion-MNIST is light on black): `black`, `white`, `#rrggbb`, `0`–`255`",
            shown: { $0.input.background.description }
        ) { c, values in
            let text = values.text("input.background", c.input.background.description)
            guard let color = NormalizationSpec.Color(parsing: text) else {
                return values.report("input.background must be a colour like black, white or #RRGGBB (got \(text))")
            }
            c.input.background = color
        },
        .flag("input.invert", \.input.invert, "invert dark-on-light images"),
        .integer("limits.max_bytes", \.limits.maxInputBytes, "larger files are rejected (`too_large`)"),
        .integer(
            "limits.max_pixels", \.limits.maxPixels,
            "larger images are rejected by their header, before any pixel buffer exists"),
        .integer(
            "limits.max_decoded_bytes", \.limits.maxDecodedBytes,
            "cap on the decode buffer (width × height × channels, ×2 for 16-bit), checked at the same moment"),
    ]

    /// Where the daemon looks, what it exports, and the review loop.
    static let outputs: [ConfigurationKey] = [
        .choice("watch.mode", \.watch.mode, "`auto` (inotify, but polling on NFS/CIFS/SMB/sshfs/9p/Ceph), `inotify`, `poll`"),
        .number("watch.poll_seconds", \.watch.pollSeconds, "poll interval in poll mode"),
        .number("watch.rescan_seconds", \.watch.rescanSeconds, "a full rescan this often even with inotify, as a safety net"),
        .text(
            "export.onnx_dir", \.export.onnxDirectory,
            "a Triton model repository (absolute, or relative to the root) the serving model is exported to on every change: each promotion by `--once`, `train` or the daemon, and each pin or rollback"
        ),
        .text(
            "metrics.textfile", \.metrics.textfile,
            "the Prometheus textfile, relative to the root or absolute, ending in `.prom`; empty = none"),
        .number(
            "review.target_precision", \.review.targetPrecision,
            "per-label thresholds are chosen at promotion so that predictions above them are right this often (on the validation rows); below → `review/<label>/`. `0` turns review off"
        ),
        .number(
            "review.audit_fraction", \.review.auditFraction,
            "share of confident predictions also sent to review (by content hash), to estimate the accuracy of the others"),
        .integer(
            "review.min_support", \.review.minimumSupport,
            "a label with fewer validation predictions (or rows, for the unfamiliar cutoff) uses the value over all labels"),
        .flag(
            "review.format_check", \.review.formatCheck,
            "a request whose source format (size, aspect ratio, colour kind, transparency) the serving model's examples did not have is unfamiliar (`\"unfamiliar_reason\": \"format\"`); `false` leaves unfamiliarity to the content checks"
        ),
    ]

    /// A part of the input size: `auto` (the examples choose) or pixels.
    static func shapePart(
        _ name: String, _ size: WritableKeyPath<MCNDConfiguration, Int> & Sendable,
        _ automatic: WritableKeyPath<MCNDConfiguration, Bool> & Sendable, _ meaning: String
    ) -> ConfigurationKey {
        ConfigurationKey(
            name: name, meaning: meaning, shown: { $0[keyPath: automatic] ? InputShapePolicy.auto : String($0[keyPath: size]) }
        ) {
            c, values in
            guard let isAuto = values.automatic(name) else { return }
            c[keyPath: automatic] = isAuto
            if !isAuto { c[keyPath: size] = values.integer(name, c[keyPath: size]) }
        }
    }
}

extension ConfigurationValues {
    /// nil: not set; true: `auto`; false: a value.
    func automatic(_ name: String) -> Bool? {
        if let s = raw(name) { return s.lowercased() == InputShapePolicy.auto }
        return isSet(name) ? false : nil
    }
}
