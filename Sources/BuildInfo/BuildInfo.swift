#if canImport(Glibc)
import Glibc
#endif

/// What `photophore version` says about the build. The git state comes from GitState.swift,
/// which the BuildInfo plugin writes whenever git or a source changes (Plugins/BuildInfoPlugin).
public enum BuildInfo {
    /// The program's version. tools/package-deb.sh derives the package version from it.
    public static let version = "0.1.0"

    /// The full hash of the commit built from, or nil when it was not built from a git checkout.
    public static let commit: String? = gitCommit
    /// The commit's date (YYYY-MM-DD), or nil with no commit.
    public static let commitDate: String? = gitCommitDate
    /// True when the tree held changes not in `commit` at build time.
    public static let modified: Bool = gitTreeModified

    /// True when the Swift runtime and Foundation are linked into the program (tools/build-static.sh).
    /// Asked of the loader at run time rather than remembered from the build: the program is
    /// self-contained exactly when neither shared library is loaded.
    public static var selfContained: Bool {
        !["libswiftCore.so", "libFoundation.so"].contains { name in
            guard let handle = dlopen(name, RTLD_NOW | RTLD_NOLOAD) else { return false }
            dlclose(handle)
            return true
        }
    }
}
