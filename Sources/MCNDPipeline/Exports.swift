// Inputs are named by RawPath in the pipeline's API (InboxEntry, events), so
// its users get the file-system layer with it, as swift-nio re-exports NIOCore.
@_exported import MCNDFileSystem
