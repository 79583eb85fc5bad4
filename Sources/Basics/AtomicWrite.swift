#if canImport(Glibc)
import Glibc
#endif

/// A file could not be written. The message names the file, the cause and what to do.
public struct WriteError: Error, CustomStringConvertible, Sendable {
    public let path: String
    /// The `errno` of the failing call.
    public let code: Int32
    public let description: String
}

/// Writes `bytes` to `path` so that no reader ever sees half a file: the one way photophore
/// writes a whole file (manifests, PNGs, scripts, frame hashes, exports).
///
/// The bytes go to `<path>.partial-<pid>-<thread>` in the same folder, which is then renamed
/// to `path`; on any failure the temporary file is removed and `path` is left as it was. A
/// full disk is told apart from other causes in the message.
public func writeAtomically(_ bytes: some Collection<UInt8>, to path: String, mode: mode_t = 0o644) throws(WriteError) {
    // Unique per process and thread, so writers of the same file never share a temporary.
    let tmp = path + ".partial-\(getpid())-\(pthread_self())"
    let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
    guard fd >= 0 else {
        let e = errno
        throw WriteError(path: path, code: e, description: "cannot write \(path): \(String(cString: strerror(e))); check that the folder exists and is writable")
    }
    var failure: Int32 = 0
    let drain = { (raw: UnsafeRawBufferPointer) in
        var written = 0
        while written < raw.count {
            let n = Glibc.write(fd, raw.baseAddress! + written, raw.count - written)
            if n < 0 {
                if errno == EINTR { continue }
                failure = errno
                return
            }
            written += n
        }
    }
    if bytes.withContiguousStorageIfAvailable({ drain(UnsafeRawBufferPointer($0)) }) == nil {
        Array(bytes).withUnsafeBytes(drain)
    }
    if close(fd) != 0 && failure == 0 { failure = errno }
    if failure == 0 && rename(tmp, path) != 0 { failure = errno }
    if failure != 0 {
        unlink(tmp)
        let hint = failure == ENOSPC ? "free some space and try again" : "check that the folder is writable"
        throw WriteError(path: path, code: failure, description: "cannot write \(path): \(String(cString: strerror(failure))); \(hint)")
    }
}
