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

/// Removes the temporary files (`<name>.partial-<pid>[-<thread>]`) that a killed photophore
/// left in the folder of `path`: those whose process is gone. A file of a process that is
/// still running is left alone. Every command that writes into a folder calls this first,
/// so no temporary outlives the next run into the same folder. Returns how many were removed.
@discardableResult
public func removeStalePartials(inFolderOf path: String) -> Int {
    let folder: String
    if path.hasSuffix("/") {
        folder = path
    } else if let slash = path.lastIndex(of: "/") {
        folder = slash == path.startIndex ? "/" : String(path[..<slash])
    } else {
        folder = "."
    }
    guard let dir = opendir(folder) else { return 0 }
    defer { closedir(dir) }
    var removed = 0
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        guard let pid = partialOwner(name), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
        if unlink((folder.hasSuffix("/") ? folder : folder + "/") + name) == 0 { removed += 1 }
    }
    return removed
}

/// The process id in a temporary file's name `<name>.partial-<pid>` or
/// `<name>.partial-<pid>-<thread>`, or nil for any other name.
func partialOwner(_ name: String) -> pid_t? {
    let bytes = Array(name.utf8), marker = Array(".partial-".utf8)
    guard bytes.count > marker.count,
          let start = (1...(bytes.count - marker.count)).reversed().first(where: { bytes[$0..<($0 + marker.count)].elementsEqual(marker) })
    else { return nil }
    let tail = String(decoding: bytes[(start + marker.count)...], as: UTF8.self).split(separator: "-", omittingEmptySubsequences: false)
    guard (1...2).contains(tail.count), tail.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
          let pid = pid_t(tail[0]), pid > 0 else { return nil }
    return pid
}
