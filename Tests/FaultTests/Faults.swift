import MCNDTestSupport
import Testing

/// Issue 7's fault scenarios, each run on the built `mcnd` binary and temporary roots: disk full,
/// permissions, hostile names, races, corrupt state. One at a time: they mount file systems,
/// start daemons and compete for the cores.
@Suite("Faults", .serialized) struct Faults {}
