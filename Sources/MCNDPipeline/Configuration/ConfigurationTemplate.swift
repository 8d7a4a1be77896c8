/// The commented mcnd.yaml `mcnd init` writes: every key with its default.
public enum ConfigurationTemplate {
    /// Its name in the root.
    public static let fileName = "mcnd.yaml"

    public static let yaml = """
        # mcnd configuration. Every key is optional; the values shown are the defaults.
        # Precedence: --set key=value flags, then MCND_* environment variables
        # (train.batch_size -> MCND_TRAIN_BATCH_SIZE), then this file, then the defaults.

        # What happens to consumed inputs: archive (moved to archive/) or delete.
        consumed: archive
        # A file found by a scan counts once unchanged for this many seconds.
        settle_seconds: 2
        # Images per prediction batch (one matrix product, one fsync).
        predict_batch: 512
        # Files per state transaction when ingesting.
        ingest_batch: 1024
        # A PNG that is cut off (truncated) and changed this recently is left for its
        # writer to finish; unchanged longer, it is rejected as truncated.
        incomplete_grace_seconds: 900

        state:
          # How long a command waits while another process holds a write lock on
          # state/mcnd.sqlite before it gives up (exit 75); the daemon waits without end.
          busy_timeout_seconds: 30

        input:
          # auto: chosen once from the first labeled files (their median size, in
          # colour when a fifth of them show colour), or a fixed value.
          width: auto           # auto | pixels
          height: auto          # auto | pixels
          channels: auto        # auto | gray (Rec.601 luma) | rgb
          max_features: 3072    # an automatic size shrinks until width × height × channels fits
          aspect: stretch       # stretch | fit (letterbox) | crop (centre)
          background: black     # alpha is composited over this: black | white | #rrggbb | 0-255
          invert: false         # true for dark-on-light images

        limits:
          max_bytes: 67108864   # larger files are rejected as too_large
          max_pixels: 50000000  # checked from the PNG header, before decoding
          max_decoded_bytes: 200000000  # cap on the decode buffer, checked at the same moment

        train:
          units: 100            # hidden sigmoid units
          batch_size: 256       # the largest batch; a small set trains in batches of ~1/8 of its examples (at least 32)
          learning_rate: 1.0    # the peak rate of a one_cycle run
          schedule: one_cycle   # constant | decay | one_cycle (rises to learning_rate, anneals to ~0)
          learning_rate_decay: 0.95   # schedule decay: lr of epoch e = learning_rate * decay^(e-1)
          optimizer: nesterov   # sgd | nesterov
          momentum: 0.85        # nesterov's momentum (one_cycle swings it 0.05 either way)
          precision: auto       # f32 | bf16 | auto (bf16 products where the CPU has native bf16; weights stay f32)
          l1: 0
          l2: 0
          epochs: 28            # epochs of a full run (at least; see min_steps)
          min_steps: 1000       # a full run takes at least this many optimizer steps; 0 = epochs as given
          cross_validation_below: 5000  # fewer examples: 5-fold cross-validation, then the model trains on all of them
          folds: 5
          select: true          # cross-validation compares a few l2 penalties (and augmentation, when auto)
          augment: auto         # auto (cross-validation decides) | on | off: random shifts every epoch
          augment_shift: 2      # pixels an image moves at most, in x and in y
          augment_flip: false   # also mirror half the images left to right (breaks digits and text)
          init: xavier          # xavier | normal (the book's N(0,1))
          early_stopping_patience: 5  # 0 = off; else keep the most accurate epoch, stop after N epochs without a better one
          seed: 42
          threads: 2            # threads a training step is split over
          validation_fraction: 0.2
          incremental_epochs: 5
          full_every: 0         # every Nth run is a full retrain; 0 = only when needed
          full_growth: 0.1      # above cross_validation_below: full when the examples grew by this share since the last full run
          min_interval_seconds: 600   # daemon: least time between two runs
          quiet_seconds: 5            # daemon: no labeled example for this long before a run
          max_delay_seconds: 60       # daemon: a due run starts at the latest this long after its first example
          promote_tolerance: 0.02     # keep the serving model if the new one is worse by more
          min_labels: 2

        watch:
          mode: auto            # auto | inotify | poll (auto polls on NFS/CIFS)
          poll_seconds: 2
          rescan_seconds: 60

        export:
          onnx_dir: ""          # a Triton model repository the serving model is exported to on every change; "" = off
        metrics:
          textfile: outbox/mcnd.prom  # Prometheus textfile; relative to the root or absolute; "" = none
        review:
          # Predictions less sure than their class's threshold go to review/<label>/
          # for a person; thresholds are chosen at each promotion so that the
          # accepted ones are right this often. 0 turns review off.
          target_precision: 0.95
          audit_fraction: 0.02  # share of confident predictions sent to review too, to check them
          min_support: 50       # fewer validation rows of a class: one threshold for all classes
          format_check: true    # a request in a size or colour kind the examples did not have is unfamiliar
          listen: ""            # host:port of the review page, e.g. 127.0.0.1:8470 (docs/review-page.md); "" = none

        """
}
