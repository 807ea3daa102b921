import Foundation
import Perseus

/// The simulation part of `perseus bench fakeit`: `perseus simulate SCENARIO` run as a child
/// process of this same binary (so its peak memory is its own), once with the scenario's sample
/// counts and once with a tenth of them (`--count` per class), to a temporary directory that is
/// removed afterwards. Wall time is measured around the child process; peak memory is what the
/// child reports (`simulate --json`: getrusage's maximum resident set size).
struct BenchSimulateRuns {
    /// One `perseus simulate` run.
    struct Run {
        let scenario: String
        let samples: Int
        let countPerClass: Int?
        let threads: Int
        let wallSeconds: Double
        let reportedSeconds: Double
        let peakMemoryMB: Double

        var json: [String: Any] {
            var row: [String: Any] = ["scenario": scenario, "samples": samples, "threads": threads,
                                      "wall_s": wallSeconds, "simulate_reported_s": reportedSeconds,
                                      "peak_memory_mb": peakMemoryMB,
                                      "spectra_per_second": Double(samples) / wallSeconds]
            if let countPerClass { row["count_per_class"] = countPerClass }
            return row
        }
    }

    /// Both runs of one scenario and the targets.
    struct Comparison {
        let full: Run
        let tenth: Run
        static let wallTarget = 60.0
        static let memoryTargetMB = 2048.0
        /// Peak memory may grow by at most this factor when N grows 10× ("flat").
        static let flatnessLimit = 1.25

        var memoryRatio: Double { full.peakMemoryMB / tenth.peakMemoryMB }
        var meetsWall: Bool { full.wallSeconds <= Self.wallTarget }
        var meetsMemory: Bool { full.peakMemoryMB <= Self.memoryTargetMB }
        var memoryFlat: Bool { memoryRatio <= Self.flatnessLimit }

        var json: [String: Any] {
            ["full": full.json, "tenth": tenth.json, "peak_memory_ratio_full_over_tenth": memoryRatio,
             "wall_target_s": Self.wallTarget, "memory_target_mb": Self.memoryTargetMB,
             "flatness_limit": Self.flatnessLimit, "meets_wall_target": meetsWall,
             "meets_memory_target": meetsMemory, "memory_flat": memoryFlat]
        }
    }

    let threads: Int

    /// Runs `scenario` at full size and at a tenth.
    func compare(scenario name: String) throws -> Comparison {
        let scenario = try BuiltInScenarios.scenario(named: name)
        let tenthPerClass = max(1, scenario.sampleCount / 10 / max(1, scenario.classes.count))
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("perseus-bench-fakeit-\(ProcessInfo.processInfo.processIdentifier)-\(name)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let tenth = try run(scenario: name, countPerClass: tenthPerClass, in: directory)
        let full = try run(scenario: name, countPerClass: nil, in: directory)
        return Comparison(full: full, tenth: tenth)
    }

    /// One child `perseus simulate NAME --out DIR/NAME.h5 --threads T --json [--count C]`; the
    /// dataset is deleted as soon as the child has finished.
    func run(scenario: String, countPerClass: Int?, in directory: URL) throws -> Run {
        let out = directory.appendingPathComponent("\(scenario)-\(countPerClass.map(String.init) ?? "full").h5")
        var arguments = ["simulate", scenario, "--out", out.path, "--threads", "\(threads)", "--json", "--overwrite"]
        if let countPerClass { arguments += ["--count", "\(countPerClass)"] }
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        // Standard error to a file: a chatty child can never block on a full pipe.
        let errorFile = directory.appendingPathComponent("\(scenario)-stderr.txt")
        guard FileManager.default.createFile(atPath: errorFile.path, contents: nil) else {
            throw BenchFailure(message: "cannot create \(errorFile.path) for the standard error of perseus simulate")
        }
        let errors = try FileHandle(forWritingTo: errorFile)
        defer { try? errors.close(); try? FileManager.default.removeItem(at: errorFile) }
        process.standardError = errors
        let start = BenchSupport.wallSeconds()
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let wall = BenchSupport.wallSeconds() - start
        try? FileManager.default.removeItem(at: out)
        guard process.terminationStatus == 0,
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let run = object["run"] as? [String: Any],
              let samples = object["samples"] as? Int,
              let peak = run["peak_memory_mb"] as? Double,
              let seconds = run["seconds"] as? Double else {
            let text = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
            let last = text.split(separator: "\n").last.map(String.init) ?? "no message"
            throw BenchFailure(message: "perseus \(arguments.joined(separator: " ")) failed (exit status \(process.terminationStatus)) or printed no run statistics: \(last)")
        }
        return Run(scenario: scenario, samples: samples, countPerClass: countPerClass, threads: threads,
                   wallSeconds: wall, reportedSeconds: seconds, peakMemoryMB: peak)
    }

    /// This executable (the child runs the same build).
    static var executable: URL {
        let path = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        return URL(fileURLWithPath: FileManager.default.isExecutableFile(atPath: path) ? path : CommandLine.arguments[0])
    }
}
