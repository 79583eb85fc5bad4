import GRDB

/// Why the memory store cannot be used. The store is never reset to get past one of these:
/// the run stops, the file is left as it was, and the message says what to do.
public struct StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong with the store; each kind has its own advice in the message.
    public enum Kind: String, Sendable {
        /// Not a database, or a damaged one.
        case corrupt
        /// Another process holds the lock past the busy timeout.
        case locked
        /// The file or its folder cannot be read.
        case unreadable
        /// The file or its folder cannot be written.
        case readOnly
        /// Written by a newer Photophore (a migration this build does not know).
        case newerSchema
        /// A valid SQLite file that is not a Photophore memory store.
        case foreign
        /// The disk (or the store's size limit) is full.
        case full
        /// Any other I/O failure.
        case io
    }

    public var kind: Kind
    public var path: String
    /// What SQLite or the file system said, on one line.
    public var detail: String

    public init(_ kind: Kind, path: String, _ detail: String) {
        self.kind = kind
        self.path = path
        // What SQLite says can span lines, quote a damaged schema's control characters, or run
        // long: the message must stay one clear line.
        var line = String.UnicodeScalarView()
        for scalar in detail.unicodeScalars.prefix(300) {
            let v = scalar.value
            if v == 0x0A || v == 0x0D || v == 0x2028 || v == 0x2029 || v == 0x85 {
                if line.last != " " { line.append(" ") }
            } else {
                line.append(v < 0x20 || (0x7F...0x9F).contains(v) ? "?" : scalar)
            }
        }
        self.detail = String(line) + (detail.unicodeScalars.count > 300 ? "..." : "")
    }

    /// One line: what went wrong, with the file, and what to do.
    public var description: String {
        let repair = "run `photophore memory repair --memory \(path)` to salvage what can be read, or `photophore memory reset --memory \(path)` to start over (both keep a backup)"
        switch kind {
        case .corrupt:
            return "memory store \(path) is damaged (\(detail)); it was left untouched: \(repair)"
        case .locked:
            return "memory store \(path) is locked by another process (\(detail)); close the other photophore and try again"
        case .unreadable:
            return "memory store \(path) cannot be read (\(detail)); check its permissions, or choose another with --memory PATH"
        case .readOnly:
            return "memory store \(path) is read-only (\(detail)); make it and its folder writable, or run without --remember"
        case .newerSchema:
            return "memory store \(path) was written by a newer photophore (\(detail)); upgrade photophore, or choose another with --memory PATH"
        case .foreign:
            return "\(path) is an SQLite file but not a photophore memory store (\(detail)); choose another with --memory PATH"
        case .full:
            return "memory store \(path) could not be written: the disk is full (\(detail)); free some space and try again (nothing already saved was lost)"
        case .io:
            return "memory store \(path) failed (\(detail)); check the disk, then try again or run `photophore memory repair --memory \(path)`"
        }
    }

    /// Classifies an SQLite or decoding failure.
    static func from(_ error: any Error, path: String, writing: Bool) -> StoreError {
        if let e = error as? StoreError { return e }
        guard let db = error as? DatabaseError else { return StoreError(.io, path: path, "\(error)") }
        let detail = db.message ?? "\(db.resultCode)"
        switch db.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT, .SQLITE_FORMAT: return StoreError(.corrupt, path: path, detail)
        // A file that passed the check as ours but lacks one of our tables or columns is damaged.
        case .SQLITE_ERROR where detail.hasPrefix("no such table") || detail.hasPrefix("no such column"):
            return StoreError(.corrupt, path: path, detail)
        case .SQLITE_BUSY, .SQLITE_LOCKED: return StoreError(.locked, path: path, detail)
        case .SQLITE_READONLY: return StoreError(.readOnly, path: path, detail)
        case .SQLITE_FULL: return StoreError(.full, path: path, detail)
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
            return StoreError(writing ? .readOnly : .unreadable, path: path, detail)
        default: return StoreError(.io, path: path, detail)
        }
    }
}
