/// Which mission and instrument an OGIP file belongs to: the TELESCOP, INSTRUME, FILTER and
/// DETNAM keywords (OGIP/93-013 and the memos for each file type).
///
/// Values are nil when the keyword is absent. When writing, OGIP makes TELESCOP, INSTRUME and
/// FILTER mandatory: a nil telescope or instrument is written as 'UNKNOWN' and a nil filter as
/// 'NONE' (the value OGIP prescribes for "no filter"); DETNAM is written only when set.
public struct InstrumentIdentity: Sendable, Equatable, Hashable {
    /// TELESCOP: the mission, e.g. "NuSTAR", "HITOMI", "CHANDRA".
    public var telescope: String?
    /// INSTRUME: the instrument, e.g. "FPMA", "SXS", "ACIS".
    public var instrument: String?
    /// FILTER: the filter in use, or "NONE".
    public var filter: String?
    /// DETNAM: the detector or sub-detector, if the mission uses it.
    public var detector: String?

    public init(telescope: String? = nil, instrument: String? = nil, filter: String? = nil, detector: String? = nil) {
        self.telescope = telescope
        self.instrument = instrument
        self.filter = filter
        self.detector = detector
    }

    /// Reads TELESCOP, INSTRUME, FILTER and DETNAM from the current HDU of `file`, falling
    /// back to the primary header for each keyword the extension lacks (some writers put them
    /// only there). Leaves `file` at the HDU it started from.
    static func read(from file: FITSFile) throws(FITSError) -> InstrumentIdentity {
        var identity = InstrumentIdentity(
            telescope: try file.optionalString("TELESCOP"), instrument: try file.optionalString("INSTRUME"),
            filter: try file.optionalString("FILTER"), detector: try file.optionalString("DETNAM"))
        if identity.telescope == nil || identity.instrument == nil, file.currentHDU != 1 {
            let here = file.currentHDU
            try file.moveTo(hdu: 1)
            if identity.telescope == nil { identity.telescope = try file.optionalString("TELESCOP") }
            if identity.instrument == nil { identity.instrument = try file.optionalString("INSTRUME") }
            if identity.filter == nil { identity.filter = try file.optionalString("FILTER") }
            if identity.detector == nil { identity.detector = try file.optionalString("DETNAM") }
            try file.moveTo(hdu: here)
        }
        return identity
    }

    /// Writes TELESCOP, INSTRUME, FILTER (and DETNAM when set) to the current HDU.
    func write(to file: FITSFile) throws(FITSError) {
        try file.writeKeyword("TELESCOP", .string(telescope ?? "UNKNOWN"), comment: "mission or telescope name")
        try file.writeKeyword("INSTRUME", .string(instrument ?? "UNKNOWN"), comment: "instrument name")
        if let detector { try file.writeKeyword("DETNAM", .string(detector), comment: "detector name") }
        try file.writeKeyword("FILTER", .string(filter ?? "NONE"), comment: "instrument filter in use")
    }
}
