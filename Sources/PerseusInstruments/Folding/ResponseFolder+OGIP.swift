import Foundation
import PerseusCore
import PerseusIO

extension ResponseFolder {
    /// The folded response as an OGIP redistribution matrix: one row per model bin, one channel per
    /// output channel (numbered from `channels.firstChannel`, with the output channels' E_MIN/E_MAX
    /// in EBOUNDS). With `ancillaryResponse()` it reproduces this folder's counts in XSPEC or Sherpa.
    public func responseMatrix() throws(InstrumentError) -> ResponseMatrix {
        do {
            return try ResponseMatrix(energies: modelGrid, channelEnergies: channels.energies, firstChannel: channels.firstChannel,
                                      rowRunStarts: rowRunStarts, runs: runs, values: values, isFullResponse: isFullResponse,
                                      identity: identity, channelType: "PI", threshold: 0)
        } catch {
            throw .invalidInput(what: "\(instrument) response matrix", problem: "\(error)")
        }
    }

    /// The effective area on the model grid as an OGIP ARF, or nil when the response has none.
    public func ancillaryResponse() throws(InstrumentError) -> AncillaryResponse? {
        guard hasAncillary else { return nil }
        do { return try AncillaryResponse(energies: modelGrid, effectiveArea: effectiveArea, identity: identity) } catch {
            throw .invalidInput(what: "\(instrument) effective area", problem: "\(error)")
        }
    }

    /// Writes the RMF (and, when the response has an ARF and `arf` is given, the ARF) for the
    /// output channels, through `AtomicOutput`.
    /// - Throws: `OutputError` if a file exists and `overwrite` is false; `FITSError` on write failure.
    public func writeResponse(rmf: String, arf: String?, overwrite: Bool = false) throws {
        try responseMatrix().write(to: rmf, overwrite: overwrite)
        if let arf, let area = try ancillaryResponse() { try area.write(to: arf, overwrite: overwrite) }
    }
}
