import Foundation
import Testing
import TestSupport

/// `tools/gate-power.sh` judged on stub binaries (small shell scripts standing in for
/// photophore, given with `--binary`): a gate that crashes or exits with anything but 0 or 3
/// gives no verdict, and the script must fail on it instead of printing "targets met". A stub
/// that fails exactly on the planted trials shows the script can pass, so the failures are
/// the stubs' doing.
@Suite struct GatePowerScriptTests {
    static let script = repositoryRoot + "/tools/gate-power.sh"
    static let canRun = FileManager.default.isExecutableFile(atPath: "/bin/bash")
        && FileManager.default.isExecutableFile(atPath: script)

    /// Writes `body` as an executable shell script into `dir` and returns its path.
    static func stub(_ name: String, _ body: String, in dir: String) throws -> String {
        let path = dir + "/" + name
        try ("#!/bin/sh\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    static func power(_ binary: String) throws -> RunResult {
        try run("/bin/bash", [script, "--quick", "--binary", binary])
    }

    @Test(.enabled(if: canRun, "needs bash and tools/gate-power.sh"), arguments: [
        // Every run crashes: the reference itself cannot be counted.
        ("crashes", "kill -SEGV $$", "counting the reference instructions"),
        // The reference is counted; every trial crashes.
        ("trials-crash", "case \" $* \" in *\" --baseline \"*) kill -SEGV $$ ;; esac\nexit 0", "exited with 139 on plant none, trial 1"),
        // Every trial refuses its baseline: exit 2 is no verdict either.
        ("trials-exit-2", "case \" $* \" in *\" --baseline \"*) echo 'photophore: refused' >&2; exit 2 ;; esac\nexit 0",
         "exited with 2 on plant none, trial 1"),
    ])
    func aTrialWithoutAVerdictFailsTheScript(name: String, body: String, says: String) throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try Self.power(try Self.stub(name, body, in: dir))
        #expect(r.status == 1, "\(r.stderr)")
        let last = r.stderr.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasPrefix("gate-power: ") && last.contains(says), "\(r.stderr)")
        #expect(!r.stdout.contains("targets met"), "\(r.stdout)")
    }

    /// The control: a gate that fails exactly the planted trials meets the targets.
    @Test(.enabled(if: canRun, "needs bash and tools/gate-power.sh"))
    func aGateThatCatchesEveryPlantMeetsTheTargets() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try Self.power(try Self.stub("catches", "case \" $* \" in *\" --plant-regression \"*) exit 3 ;; esac\nexit 0", in: dir))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("gate-power: targets met"), "\(r.stdout)")
        #expect(r.stdout.contains("| +10% in raster | 1 | 1 of 1 (100%) |"), "\(r.stdout)")
    }
}
