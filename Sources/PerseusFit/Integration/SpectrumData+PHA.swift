import PerseusIO

extension SpectrumData {
    /// A spectrum from an OGIP PHA (and optionally its background PHA).
    ///
    /// Counts are COUNTS, or RATE × EXPOSURE. QUALITY and GROUPING are taken over. With a
    /// background, the W-statistic's ratio per channel is
    /// r = (t_b · BACKSCAL_b · AREASCAL_b) / (t_s · BACKSCAL_s · AREASCAL_s).
    /// - Parameters:
    ///   - channelEnergies: the channels' energies, normally the RMF's EBOUNDS
    ///     (`ChannelEnergies(response.matrix.channelEnergies)`), for band selection in keV.
    /// - Throws: ``FitError`` for a background with another number of channels, or scales or
    ///   exposures that are not positive.
    public init(pha: PHASpectrum, background: PHASpectrum? = nil, channelEnergies: ChannelEnergies?, name: String) throws(FitError) {
        func counts(_ spectrum: PHASpectrum, _ what: String) throws(FitError) -> [Double] {
            guard spectrum.exposure.isFinite, spectrum.exposure > 0 else {
                throw .invalidValue(spectrum: name, field: "\(what) EXPOSURE", channel: 0, value: spectrum.exposure, expected: "a finite exposure > 0 s")
            }
            switch spectrum.values {
            case let .counts(values): return values
            case let .rates(values): return values.map { $0 * spectrum.exposure }
            }
        }
        func scale(_ s: PHASpectrum.Scale, _ n: Int, _ field: String) throws(FitError) -> [Double] {
            let values: [Double]
            switch s {
            case let .uniform(v): values = [Double](repeating: v, count: n)
            case let .perChannel(v): values = v
            }
            guard values.count == n else { throw .channelCountMismatch(spectrum: name, field: field, expected: n, got: values.count) }
            for (i, v) in values.enumerated() where !(v.isFinite && v > 0) {
                throw .invalidValue(spectrum: name, field: field, channel: i, value: v, expected: "a finite scale > 0")
            }
            return values
        }
        let source = try counts(pha, "source")
        let n = source.count
        var backgroundSpectrum: BackgroundSpectrum?
        if let background {
            let b = try counts(background, "background")
            guard b.count == n else { throw .channelCountMismatch(spectrum: name, field: "background COUNTS", expected: n, got: b.count) }
            let sBack = try scale(pha.backgroundScale, n, "BACKSCAL"), bBack = try scale(background.backgroundScale, n, "background BACKSCAL")
            let sArea = try scale(pha.areaScale, n, "AREASCAL"), bArea = try scale(background.areaScale, n, "background AREASCAL")
            let ratios = (0..<n).map { (background.exposure * bBack[$0] * bArea[$0]) / (pha.exposure * sBack[$0] * sArea[$0]) }
            backgroundSpectrum = BackgroundSpectrum(counts: b, ratios: ratios)
        }
        self.init(name: name, counts: source, background: backgroundSpectrum, channelEnergies: channelEnergies,
                  quality: pha.quality.map { $0.map(Int.init) }, grouping: pha.grouping.map { $0.map(Int.init) })
    }
}
