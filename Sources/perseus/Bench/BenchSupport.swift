import Foundation

/// Shared machinery for the benchmark commands.
enum BenchSupport {
    /// The repository root, found from this source file's compile-time path; peers' scripts live
    /// in `Benchmarks/` below it.
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()   // Bench
            .deletingLastPathComponent()   // perseus
            .deletingLastPathComponent()   // Sources
            .deletingLastPathComponent()
    }

    /// Path of a peer script under `Benchmarks/`.
    static func script(_ name: String) -> String {
        repositoryRoot.appendingPathComponent("Benchmarks").appendingPathComponent(name).path
    }

    /// Wall-clock seconds taken by `body`.
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
    }

    /// Monotonic wall-clock time [s] from an arbitrary origin.
    static func wallSeconds() -> Double {
        Double(DispatchTime.now().uptimeNanoseconds) * 1e-9
    }

    /// CPU time consumed by the calling thread [s] (CLOCK_THREAD_CPUTIME_ID): unlike wall-clock
    /// time, barely affected by other processes competing for the cores.
    static func threadCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + 1e-9 * Double(t.tv_nsec)
    }

    /// The median of `values` (the mean of the two middle ones for an even count; NaN if empty).
    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid])
    }

    /// The fastest of `repeats` timings of `body` [s].
    static func best(of repeats: Int, _ body: () throws -> Void) rethrows -> Double {
        var best = Double.infinity
        for _ in 0..<max(1, repeats) { best = min(best, try seconds(body)) }
        return best
    }

    /// Result of running a peer's Python script.
    enum PeerResult {
        case measured([String: Any])
        case unavailable(String)
    }

    /// Runs `python3 SCRIPT ARGS…`, expecting one JSON object on standard output. A peer that
    /// cannot be imported reports itself as unavailable with a reason rather than failing the run.
    static func runPeer(script name: String, arguments: [String], environment extra: [String: String] = [:]) -> PeerResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script(name)] + arguments
        var environment = ProcessInfo.processInfo.environment
        for (k, v) in extra { environment[k] = v }
        process.environment = environment
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch { return .unavailable("could not start python3: \(error)") }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            let last = errorText.split(separator: "\n").last.map(String.init) ?? "exit status \(process.terminationStatus)"
            return .unavailable(last)
        }
        if let reason = object["unavailable"] as? String { return .unavailable(reason) }
        return .measured(object)
    }

    /// Formats a rate such as 1.23e8 with a unit.
    static func rate(_ value: Double, _ unit: String) -> String {
        String(format: "%.3g %@", value, unit)
    }
}
