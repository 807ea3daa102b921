import Foundation
import PerseusData

/// Total electron-impact ionisation and recombination rate coefficients for Z = 1 … 30,
/// interpolated in temperature from the table embedded in the binary.
///
/// **Data.** `scripts/derive_ionization.py` writes `ionization_rates.bin` on log10 T = 4.0 … 9.0
/// (0.1 dex, 51 nodes). Up to 10^8 K the nodes are CHIANTI 10's total rates as tabulated by
/// HYDRAD (MIT licence): ionisation S_q (charge q → q+1, direct + excitation-autoionisation) and
/// recombination α_q (q+1 → q, radiative + dielectronic), zero density. Above 10^8 K they are
/// the CHIANTI 10.1 fits (Dere 2007 direct ionisation and excitation-autoionisation, Badnell
/// 2006 / Verner & Ferland radiative, Badnell / Shull & van Steenberg / Mazzotta dielectronic
/// recombination) for H, He, C, N, O, Ne, Na, Mg, Al, Si, S, Ar, Ca, Fe, Ni, scaled to be
/// continuous with the tables at 10^8 K; the other 15 elements are extrapolated along their
/// isoelectronic sequences from those fits (see the script for the method and its measured
/// accuracy). `rateSource` says which applies to each rate.
///
/// **Interpolation.** Natural cubic splines in log10 T of
/// * ln S_q + I_q / kT for ionisation (I_q the ground-state ionisation potential from CHIANTI's
///   `chianti.ip`): removing the Boltzmann factor leaves a smooth function, so the spline's error
///   between nodes is ≤ 3.5e-4 relative (checked against the CHIANTI fits at every mid-point;
///   a spline of ln S itself errs by up to 7%). Nodes where the table is floored at 1e-30 are
///   excluded: below the first unfloored node g = ln S + I/kT is held constant, giving the
///   Boltzmann tail S ∝ e^{-I/kT} instead of the floor. Rates are floored at 1e-280 to keep the
///   arithmetic finite (τ S < 1e-260 for any τ, so this never matters).
/// * ln α_q for recombination: ≤ 4.4e-4 relative above 10^5.5 K, ≤ 1% below (dielectronic onsets).
/// At the nodes the rates equal the tables exactly.
///
/// **Units.** Rate coefficients in cm³ s⁻¹; temperatures in K (T) or keV (kT), converted with
/// k_B = 8.617333262e-8 keV K⁻¹ (CODATA 2018).
///
/// The table is immutable and decoded once (`embedded`); share it freely between threads.
public struct IonizationRateTable: Sendable {
    /// Where a rate above 10^8 K comes from (below, every rate is the CHIANTI 10 table).
    public enum RateSource: UInt8, Sendable {
        case chiantiFit = 1
        case isoelectronicScaling = 2
        case asymptoticForm = 3
    }

    /// Boltzmann constant [keV K⁻¹] (CODATA 2018).
    public static let boltzmannKeVPerKelvin = 8.617333262e-8
    /// Lowest tabulated temperature, 10^4 K, as kT [keV].
    public static let minimumKT = 1e4 * boltzmannKeVPerKelvin
    /// Highest tabulated temperature, 10^9 K, as kT [keV] (the top of AtomDB's apec tables).
    public static let maximumKT = 1e9 * boltzmannKeVPerKelvin
    /// Rates are never smaller than this [cm³ s⁻¹].
    public static let rateFloor = 1e-280

    /// log10 T of the first node and the node spacing.
    public let logTMinimum: Double
    public let logTStep: Double
    public let nodeCount: Int

    /// Ground-state ionisation potential [eV] of charge q of element Z: `ionizationPotentials[Z-1][q]`.
    public let ionizationPotentials: [[Double]]

    private let elements: [ElementSplines]

    /// The table embedded in the binary, decoded once.
    public static let embedded: Result<IonizationRateTable, IonizationError> = {
        guard let bytes = embeddedBytes() else { return .failure(.corruptRateTable("no bytes embedded")) }
        return Result { try IonizationRateTable(decoding: bytes) }.mapError {
            ($0 as? IonizationError) ?? .corruptRateTable("\($0)")
        }
    }()

    /// The embedded blob's bytes (static storage of the binary).
    static func embeddedBytes() -> UnsafeRawBufferPointer? {
        let blob = perseus_ionization_rates()
        guard let base = blob.bytes else { return nil }
        return UnsafeRawBufferPointer(start: base, count: blob.size)
    }

    /// The embedded table.
    /// - Throws: `IonizationError.corruptRateTable` if the embedded bytes do not decode.
    public static func load() throws -> IonizationRateTable { try embedded.get() }

    /// Decodes the layout written by `scripts/derive_ionization.py` (little endian):
    /// `"PNEIRATE"`, u32 version (1), u32 element count (30), u32 node count, u32 0,
    /// f64 log10 T of node 0, f64 node spacing, then for Z = 1 … 30: f64 ionisation potential
    /// [eV] × Z, f64 ln S × (Z × nodes), f64 ln α × (Z × nodes); then for Z = 1 … 30: u8 source of
    /// S above 10^8 K × Z, u8 source of α × Z.
    public init(decoding bytes: UnsafeRawBufferPointer) throws {
        var reader = ByteReader(bytes: bytes)
        guard try reader.bytes(8) == Array("PNEIRATE".utf8) else {
            throw IonizationError.corruptRateTable("magic: expected PNEIRATE")
        }
        let version = try reader.u32(), elementCount = try reader.u32(), nodes = try reader.u32()
        _ = try reader.u32()
        guard version == 1 else { throw IonizationError.corruptRateTable("version \(version): expected 1") }
        guard elementCount == UInt32(ChemicalElement.maximumAtomicNumber) else {
            throw IonizationError.corruptRateTable("element count \(elementCount): expected 30")
        }
        guard nodes >= 4, nodes <= 1000 else { throw IonizationError.corruptRateTable("node count \(nodes)") }
        nodeCount = Int(nodes)
        logTMinimum = try reader.f64()
        logTStep = try reader.f64()
        guard logTMinimum == 4.0, abs(logTMinimum + logTStep * Double(nodeCount - 1) - 9.0) < 1e-9 else {
            throw IonizationError.corruptRateTable("grid \(logTMinimum) + \(logTStep) × \(nodeCount - 1): expected log T = 4 … 9")
        }
        var potentials: [[Double]] = []
        var raw: [(s: [Double], a: [Double])] = []
        for z in 1...ChemicalElement.maximumAtomicNumber {
            let ip = try reader.f64s(z)
            let lnS = try reader.f64s(z * nodeCount)
            let lnA = try reader.f64s(z * nodeCount)
            guard ip.allSatisfy({ $0.isFinite && $0 > 0 }) else {
                throw IonizationError.corruptRateTable("Z = \(z): ionisation potentials must be finite and positive")
            }
            guard lnS.allSatisfy(\.isFinite), lnA.allSatisfy(\.isFinite) else {
                throw IonizationError.corruptRateTable("Z = \(z): rates must be finite and positive")
            }
            potentials.append(ip)
            raw.append((lnS, lnA))
        }
        var sources: [([RateSource], [RateSource])] = []
        for z in 1...ChemicalElement.maximumAtomicNumber {
            let ss = try reader.bytes(z).compactMap(RateSource.init(rawValue:))
            let aa = try reader.bytes(z).compactMap(RateSource.init(rawValue:))
            guard ss.count == z, aa.count == z else {
                throw IonizationError.corruptRateTable("Z = \(z): rate source codes must be 1, 2 or 3")
            }
            sources.append((ss, aa))
        }
        guard reader.isAtEnd else { throw IonizationError.corruptRateTable("\(reader.remaining) trailing bytes") }
        ionizationPotentials = potentials
        let first = logTMinimum, step = logTStep
        let logT = (0..<nodeCount).map { first + step * Double($0) }
        elements = (0..<raw.count).map { i in
            ElementSplines(z: i + 1, lnS: raw[i].s, lnAlpha: raw[i].a, potentials: potentials[i], logT: logT,
                           step: step, sources: sources[i])
        }
    }

    /// Which data a rate comes from above 10^8 K.
    public func rateSource(element: ChemicalElement, charge q: Int) -> (ionization: RateSource, recombination: RateSource) {
        let e = elements[element.atomicNumber - 1]
        return (e.sourceS[q], e.sourceAlpha[q])
    }

    /// Rate coefficients of `element` at kT [keV].
    /// - Returns: `ionization[q]` = S_q (q → q+1) and `recombination[q]` = α_q (q+1 → q),
    ///   q = 0 … Z-1, in cm³ s⁻¹.
    /// - Throws: `IonizationError.temperatureOutOfRange` outside 10^4 … 10^9 K.
    public func rates(element: ChemicalElement, kT: Double) throws -> (ionization: [Double], recombination: [Double]) {
        let t = try Self.temperature(kT: kT)
        let z = element.atomicNumber
        var s = [Double](repeating: 0, count: z), a = [Double](repeating: 0, count: z)
        s.withUnsafeMutableBufferPointer { sp in
            a.withUnsafeMutableBufferPointer { ap in
                evaluate(z: z, temperature: t, ionization: sp.baseAddress!, recombination: ap.baseAddress!)
            }
        }
        return (s, a)
    }

    /// Converts kT [keV] to T [K], checking the table's range (with a relative slack of 1e-12 at
    /// the ends for round-off in the keV ↔ K conversion).
    static func temperature(kT: Double) throws -> Double {
        guard kT.isFinite, kT >= minimumKT * (1 - 1e-12), kT <= maximumKT * (1 + 1e-12) else {
            throw IonizationError.temperatureOutOfRange(kT: kT)
        }
        return min(max(kT / boltzmannKeVPerKelvin, 1e4), 1e9)
    }

    /// Writes S_q and α_q (q = 0 … Z-1) of element `z` at `temperature` [K, already checked].
    func evaluate(z: Int, temperature: Double, ionization s: UnsafeMutablePointer<Double>,
                  recombination a: UnsafeMutablePointer<Double>) {
        let e = elements[z - 1]
        let x = (log10(temperature) - logTMinimum) / logTStep
        let j = min(max(Int(x.rounded(.down)), 0), nodeCount - 2)
        let t = min(max(x - Double(j), 0), 1), u = 1 - t
        let h2 = logTStep * logTStep / 6
        let cj = h2 * (u * u * u - u), cj1 = h2 * (t * t * t - t)
        let kT = Self.boltzmannKeVPerKelvin * 1e3 * temperature      // eV
        let n = nodeCount
        e.gS.withUnsafeBufferPointer { g in
            e.mS.withUnsafeBufferPointer { m in
                e.lnAlpha.withUnsafeBufferPointer { y in
                    e.mAlpha.withUnsafeBufferPointer { ma in
                        for q in 0..<z {
                            let o = q * n
                            let first = e.firstNodeS[q]
                            let gv: Double
                            if j < first {
                                gv = g[o + first]
                            } else {
                                gv = u * g[o + j] + t * g[o + j + 1] + cj * m[o + j] + cj1 * m[o + j + 1]
                            }
                            s[q] = max(exp(gv - e.potentials[q] / kT), Self.rateFloor)
                            let yv = u * y[o + j] + t * y[o + j + 1] + cj * ma[o + j] + cj1 * ma[o + j + 1]
                            a[q] = max(exp(yv), Self.rateFloor)
                        }
                    }
                }
            }
        }
    }
}

/// Spline data of one element: per ion, node values and natural-spline second derivatives.
private struct ElementSplines: Sendable {
    let potentials: [Double]
    /// ln S + I/kT at the nodes (floored nodes hold the first unfloored value), row per charge.
    let gS: [Double]
    let mS: [Double]
    /// First node whose tabulated S is above the 1e-30 floor, per charge.
    let firstNodeS: [Int]
    let lnAlpha: [Double]
    let mAlpha: [Double]
    let sourceS: [IonizationRateTable.RateSource]
    let sourceAlpha: [IonizationRateTable.RateSource]

    init(z: Int, lnS: [Double], lnAlpha: [Double], potentials: [Double], logT: [Double], step: Double,
         sources: ([IonizationRateTable.RateSource], [IonizationRateTable.RateSource])) {
        let n = logT.count
        let floorLn = log(1e-30) + 1e-9
        var g = [Double](repeating: 0, count: z * n), mS = g, mA = g
        var first = [Int](repeating: 0, count: z)
        for q in 0..<z {
            var k = 0
            while k < n - 1 && lnS[q * n + k] <= floorLn { k += 1 }
            k = min(k, n - 4)       // a spline needs a few nodes; the table is floored only at low T
            first[q] = k
            for i in 0..<n {
                let kT = IonizationRateTable.boltzmannKeVPerKelvin * 1e3 * pow(10, logT[i])
                g[q * n + i] = lnS[q * n + i] + potentials[q] / kT
            }
            for i in 0..<k { g[q * n + i] = g[q * n + k] }
            let ms = naturalSplineSecondDerivatives(Array(g[(q * n + k)..<(q * n + n)]), step: step)
            for i in k..<n { mS[q * n + i] = ms[i - k] }
            let ma = naturalSplineSecondDerivatives(Array(lnAlpha[(q * n)..<(q * n + n)]), step: step)
            for i in 0..<n { mA[q * n + i] = ma[i] }
        }
        self.potentials = potentials
        gS = g
        self.mS = mS
        firstNodeS = first
        self.lnAlpha = lnAlpha
        mAlpha = mA
        sourceS = sources.0
        sourceAlpha = sources.1
    }
}

/// Second derivatives of the natural cubic spline through equally spaced `y` (spacing `step`):
/// M_0 = M_{n-1} = 0 and M_{i-1} + 4 M_i + M_{i+1} = 6 (y_{i-1} - 2 y_i + y_{i+1}) / step².
func naturalSplineSecondDerivatives(_ y: [Double], step: Double) -> [Double] {
    let n = y.count
    var m = [Double](repeating: 0, count: n)
    guard n > 2 else { return m }
    // Thomas algorithm on the interior (n-2 unknowns), diagonal 4, off-diagonals 1.
    var c = [Double](repeating: 0, count: n), d = [Double](repeating: 0, count: n)
    for i in 1..<(n - 1) {
        let rhs = 6 * (y[i - 1] - 2 * y[i] + y[i + 1]) / (step * step)
        let denom = 4 - (i > 1 ? c[i - 1] : 0)
        c[i] = 1 / denom
        d[i] = (rhs - (i > 1 ? d[i - 1] : 0)) / denom
    }
    for i in stride(from: n - 2, through: 1, by: -1) {
        m[i] = d[i] - c[i] * (i < n - 2 ? m[i + 1] : 0)
    }
    return m
}

/// Little-endian reader over the embedded bytes with bounds checks.
private struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    var offset = 0

    var isAtEnd: Bool { offset == bytes.count }
    var remaining: Int { bytes.count - offset }

    mutating func bytes(_ n: Int) throws -> [UInt8] {
        guard n >= 0, offset + n <= bytes.count else {
            throw IonizationError.corruptRateTable("truncated at byte \(offset) (needed \(n) more)")
        }
        defer { offset += n }
        return Array(bytes[offset..<(offset + n)])
    }

    mutating func u32() throws -> UInt32 {
        let b = try bytes(4)
        return UInt32(b[0]) | UInt32(b[1]) << 8 | UInt32(b[2]) << 16 | UInt32(b[3]) << 24
    }

    mutating func f64() throws -> Double {
        let b = try bytes(8)
        var bits: UInt64 = 0
        for i in 0..<8 { bits |= UInt64(b[i]) << (8 * UInt64(i)) }
        return Double(bitPattern: bits)
    }

    mutating func f64s(_ n: Int) throws -> [Double] {
        guard offset + 8 * n <= bytes.count else {
            throw IonizationError.corruptRateTable("truncated at byte \(offset) (needed \(8 * n) more)")
        }
        var out = [Double](repeating: 0, count: n)
        for i in 0..<n { out[i] = try f64() }
        return out
    }
}
