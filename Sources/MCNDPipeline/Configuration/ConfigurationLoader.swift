import Configuration
import Foundation
import MCNDImaging
import MCNDModel
import SystemPackage

/// Reads MCNDConfiguration from, in order of precedence: `--set key=value`
/// flags, `MCND_*` environment variables, the YAML file, the defaults.
public enum ConfigurationLoader {
    public static func load(
        file: String?, environment: [String: String], overrides: [String]
    ) async throws(PipelineError) -> MCNDConfiguration {
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        for item in overrides {
            guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
                throw .badConfiguration("--set takes key=value, got \(item)")
            }
            let key = String(item[..<eq]), value = String(item[item.index(after: eq)...])
            values[AbsoluteConfigKey(key.split(separator: ".").map(String.init))] = ConfigValue(.string(value), isSecret: false)
        }
        var providers: [any ConfigProvider] = [
            InMemoryProvider(name: "flags", values: values),
            EnvironmentVariablesProvider(environmentVariables: environment).prefixKeys(with: "mcnd"),
        ]
        var unknown = ConfigurationKeys.problems(values.keys.map { $0.components.joined(separator: ".") }.sorted(), in: "--set")
        if let file {
            do {
                providers.append(try await FileProvider<YAMLSnapshot>(filePath: FilePath(file)))
                let text = try String(contentsOfFile: file, encoding: .utf8)
                unknown += ConfigurationKeys.problems(try ConfigurationKeys.keys(inYAML: text), in: file)
            } catch {
                throw .badConfiguration("cannot read \(file): \(error)")
            }
        }
        guard unknown.isEmpty else { throw .badConfiguration(unknown.joined(separator: "; ")) }
        return try read(ConfigReader(providers: providers))
    }

    static func read(_ c: ConfigReader) throws(PipelineError) -> MCNDConfiguration {
        var out = MCNDConfiguration()
        var problems: [String] = []
        func number(_ key: String, _ fallback: Double) -> Double {
            guard let s = c.string(forKey: ConfigKey(key.split(separator: ".").map(String.init))) else {
                return c.double(forKey: ConfigKey(key.split(separator: ".").map(String.init))).map { $0 } ?? fallback
            }
            guard let v = Double(s.trimmingSpaces()) else {
                problems.append("\(key) must be a number (got \(s))")
                return fallback
            }
            return v
        }
        func integer(_ key: String, _ fallback: Int) -> Int {
            let v = number(key, Double(fallback))
            guard v == v.rounded(), abs(v) < 1e15 else {
                problems.append("\(key) must be a whole number (got \(v))")
                return fallback
            }
            return Int(v)
        }
        func text(_ key: String, _ fallback: String) -> String {
            c.string(forKey: ConfigKey(key.split(separator: ".").map(String.init)))?.trimmingSpaces() ?? fallback
        }
        func flag(_ key: String, _ fallback: Bool) -> Bool {
            switch text(key, fallback ? "true" : "false").lowercased() {
            case "true", "yes", "1", "on": return true
            case "false", "no", "0", "off": return false
            case let other:
                problems.append("\(key) must be true or false (got \(other))")
                return fallback
            }
        }
        func choice<E: RawRepresentable & CaseIterable>(_ key: String, _ fallback: E) -> E where E.RawValue == String {
            let s = text(key, fallback.rawValue)
            guard let v = E(rawValue: s) else {
                problems.append("\(key) must be one of \(E.allCases.map(\.rawValue).joined(separator: ", ")) (got \(s))")
                return fallback
            }
            return v
        }

        out.consumed = choice("consumed", out.consumed)
        out.settleSeconds = number("settle_seconds", out.settleSeconds)
        out.predictBatch = integer("predict_batch", out.predictBatch)
        out.ingestBatch = integer("ingest_batch", out.ingestBatch)
        out.incompleteGraceSeconds = number("incomplete_grace_seconds", out.incompleteGraceSeconds)
        out.stateBusyTimeoutSeconds = number("state.busy_timeout_seconds", out.stateBusyTimeoutSeconds)

        var input = out.input
        var shape = out.inputShape
        /// nil: not set; true: `auto`; false: a value.
        func automatic(_ key: String) -> Bool? {
            let k = ConfigKey(key.split(separator: ".").map(String.init))
            if let s = c.string(forKey: k) { return s.trimmingSpaces().lowercased() == InputShapePolicy.auto }
            return c.double(forKey: k) == nil ? nil : false
        }
        shape.autoWidth = automatic("input.width") ?? shape.autoWidth
        if !shape.autoWidth { input.width = integer("input.width", input.width) }
        shape.autoHeight = automatic("input.height") ?? shape.autoHeight
        if !shape.autoHeight { input.height = integer("input.height", input.height) }
        shape.autoChannels = automatic("input.channels") ?? shape.autoChannels
        if !shape.autoChannels { input.channels = choice("input.channels", input.channels) }
        shape.maxFeatures = integer("input.max_features", shape.maxFeatures)
        if shape.maxFeatures < 1 { problems.append("input.max_features must be at least 1 (got \(shape.maxFeatures))") }
        out.inputShape = shape
        input.aspect = choice("input.aspect", input.aspect)
        input.invert = flag("input.invert", input.invert)
        let background = text("input.background", input.background.description)
        if let color = NormalizationSpec.Color(parsing: background) {
            input.background = color
        } else {
            problems.append("input.background must be a colour like black, white or #RRGGBB (got \(background))")
        }
        out.input = input
        out.limits.maxInputBytes = integer("limits.max_bytes", out.limits.maxInputBytes)
        out.limits.maxPixels = integer("limits.max_pixels", out.limits.maxPixels)
        out.limits.maxDecodedBytes = integer("limits.max_decoded_bytes", out.limits.maxDecodedBytes)

        var t = out.training
        t.units = integer("train.units", t.units)
        t.batchSize = integer("train.batch_size", t.batchSize)
        t.learningRate = Float(number("train.learning_rate", Double(t.learningRate)))
        t.learningRateDecay = Float(number("train.learning_rate_decay", Double(t.learningRateDecay)))
        t.l1 = Float(number("train.l1", Double(t.l1)))
        t.l2 = Float(number("train.l2", Double(t.l2)))
        t.epochs = integer("train.epochs", t.epochs)
        t.initialization = choice("train.init", t.initialization)
        t.earlyStoppingPatience = integer("train.early_stopping_patience", t.earlyStoppingPatience)
        t.seed = UInt64(max(0, integer("train.seed", Int(t.seed))))
        t.threads = integer("train.threads", t.threads)
        t.precision = choice("train.precision", t.precision)
        t.optimizer = choice("train.optimizer", t.optimizer)
        t.momentum = Float(number("train.momentum", Double(t.momentum)))
        t.schedule = choice("train.schedule", t.schedule)
        out.training = t
        problems += t.problems.map { "train." + $0 }

        var r = out.recipe
        r.minSteps = integer("train.min_steps", r.minSteps)
        r.crossValidationBelow = integer("train.cross_validation_below", r.crossValidationBelow)
        r.folds = integer("train.folds", r.folds)
        r.select = flag("train.select", r.select)
        // YAML 1.1 reads a bare on/off as true/false.
        switch text("train.augment", r.augment.rawValue).lowercased() {
        case "true", "yes": r.augment = .on
        case "false", "no": r.augment = .off
        default: r.augment = choice("train.augment", r.augment)
        }
        r.augmentShift = integer("train.augment_shift", r.augmentShift)
        r.augmentFlip = flag("train.augment_flip", r.augmentFlip)
        out.recipe = r
        problems += r.problems.map { "train." + $0 }

        var s = out.schedule
        s.validationFraction = number("train.validation_fraction", s.validationFraction)
        s.incrementalEpochs = integer("train.incremental_epochs", s.incrementalEpochs)
        s.fullEvery = integer("train.full_every", s.fullEvery)
        s.fullGrowth = number("train.full_growth", s.fullGrowth)
        s.minIntervalSeconds = number("train.min_interval_seconds", s.minIntervalSeconds)
        s.quietSeconds = number("train.quiet_seconds", s.quietSeconds)
        s.maxDelaySeconds = number("train.max_delay_seconds", s.maxDelaySeconds)
        s.promoteTolerance = number("train.promote_tolerance", s.promoteTolerance)
        s.minLabels = integer("train.min_labels", s.minLabels)
        out.schedule = s
        if !(0...0.9).contains(s.validationFraction) { problems.append("train.validation_fraction must be in [0, 0.9]") }
        if s.incrementalEpochs < 1 { problems.append("train.incremental_epochs must be at least 1") }
        if !(s.fullGrowth >= 0) { problems.append("train.full_growth must be 0 or more") }

        out.watch.mode = choice("watch.mode", out.watch.mode)
        out.watch.pollSeconds = number("watch.poll_seconds", out.watch.pollSeconds)
        out.watch.rescanSeconds = number("watch.rescan_seconds", out.watch.rescanSeconds)

        out.export.onnxDirectory = text("export.onnx_dir", out.export.onnxDirectory)
        out.metrics.textfile = text("metrics.textfile", out.metrics.textfile)
        if let problem = out.metrics.problem { problems.append(problem) }
        out.review.targetPrecision = number("review.target_precision", out.review.targetPrecision)
        out.review.auditFraction = number("review.audit_fraction", out.review.auditFraction)
        out.review.minimumSupport = integer("review.min_support", out.review.minimumSupport)
        out.review.formatCheck = flag("review.format_check", out.review.formatCheck)
        out.review.listen = text("review.listen", out.review.listen)
        problems += out.review.problems

        if let problem = input.problem { problems.append("input: \(problem)") }
        if out.predictBatch < 1 || out.ingestBatch < 1 { problems.append("predict_batch and ingest_batch must be at least 1") }
        if out.settleSeconds < 0 { problems.append("settle_seconds must not be negative") }
        if out.incompleteGraceSeconds < 0 { problems.append("incomplete_grace_seconds must not be negative") }
        if out.stateBusyTimeoutSeconds < 0 { problems.append("state.busy_timeout_seconds must not be negative") }
        guard problems.isEmpty else { throw .badConfiguration(problems.joined(separator: "; ")) }
        return out
    }
}

extension String {
    func trimmingSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
