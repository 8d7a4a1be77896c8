import Testing

/// Every end-to-end test runs the built `mcnd` on its own temporary root. They
/// run one at a time: each starts processes that train and fsync, and the kill
/// test's timed kills are spread over the length of a run it measures first.
@Suite(.serialized) struct EndToEnd {}
