/// Why oneDNN could not do a product. None happens on a working install;
/// each case says what to change. Training throws them (the run fails, the
/// daemon keeps going); prediction, which has no caller to tell, stops with the
/// same text.
public enum DNNLError: Error, Equatable, CustomStringConvertible {
    /// oneDNN has no CPU engine: the library does not load or does not know this CPU.
    case noEngine(status: Int)
    /// A primitive (`what`, e.g. a matmul and its shape) could not be created.
    /// oneDNN compiles its kernels into executable memory at run time, so a
    /// unit with systemd's `MemoryDenyWriteExecute=yes` (or a process under
    /// `PR_SET_MDWE`) cannot create them; else libdnnl is broken.
    case cannotCreate(what: String, status: Int)
    /// A created primitive failed while running.
    case cannotRun(what: String, status: Int)

    public var description: String {
        switch self {
        case .noEngine(let status):
            "oneDNN has no CPU engine (\(Self.name(status))): libdnnl is broken; reinstall libdnnl-dev (scripts/setup)"
        case .cannotCreate(let what, let status):
            "oneDNN could not create a \(what) (\(Self.name(status))): it compiles its kernels at run time, so the unit "
                + "must allow executable memory (remove MemoryDenyWriteExecute=yes from mcnd's unit); "
                + "if it does, libdnnl is broken: reinstall libdnnl-dev (scripts/setup)"
        case .cannotRun(let what, let status):
            "oneDNN failed running a \(what) (\(Self.name(status))): check mcnd's memory limit, else reinstall libdnnl-dev (scripts/setup)"
        }
    }

    /// oneDNN's `dnnl_status_t` by name.
    static func name(_ status: Int) -> String {
        let names = ["success", "out_of_memory", "invalid_arguments", "unimplemented", "iterator_ends", "runtime_error", "not_required"]
        return status >= 0 && status < names.count ? "status \(status), \(names[status])" : "status \(status)"
    }
}
