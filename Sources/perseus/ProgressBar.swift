import Foundation

/// A one-line progress bar on standard error, drawn only when standard error is a terminal
/// (so logs and pipes stay clean). Thread-safe; redraws at most five times a second.
final class ProgressBar: @unchecked Sendable {
    private let label: String
    private let lock = NSLock()
    private let start = DispatchTime.now().uptimeNanoseconds
    private var lastDraw: UInt64 = 0
    private var drawn = false
    let enabled: Bool

    init(label: String, enabled: Bool = isatty(STDERR_FILENO) == 1) {
        self.label = label
        self.enabled = enabled
    }

    /// Records progress; `done == total` draws the final state.
    func update(done: Int, total: Int) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        let now = DispatchTime.now().uptimeNanoseconds
        guard done >= total || now - lastDraw > 200_000_000 else { return }
        lastDraw = now
        let elapsed = Double(now - start) * 1e-9
        let fraction = total > 0 ? Double(done) / Double(total) : 1
        let width = 30
        let filled = Int((fraction * Double(width)).rounded(.down))
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let remaining = rate > 0 ? Double(total - done) / rate : 0
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let line = String(format: "\r%@ %@ %d/%d  %.0f/s  %@", label, bar, done, total, rate,
                          done >= total ? String(format: "%.1f s", elapsed) : String(format: "ETA %.0f s", remaining))
        FileHandle.standardError.write(Data(line.utf8))
        drawn = true
    }

    /// Ends the line if anything was drawn.
    func finish() {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        if drawn { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
