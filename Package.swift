// swift-tools-version: 6.1
// Perseus — forward-modelling of high-energy astrophysical observations and anomaly-detector benchmarks.
//
// Module layering (dependencies point one way only, top to bottom):
//   CFITSIO, CGSL, COpenBLAS, CHDF5, CZlib   system-library shims (Debian -dev packages)
//   PerseusData                        derived tables embedded in the binary (C + .incbin)
//   PerseusCore                        grids, errors, seeded counter-addressed random streams, Poisson sampler
//   PerseusHDF5                        thin, safe HDF5 layer (files, groups, datasets, attributes)
//   PerseusIO                          OGIP FITS (RMF, ARF, PHA I/II) and the HDF5 dataset store
//   PerseusPhysics                     spectral components, XSPEC expression language, AtomDB, NEI, absorption
//   PerseusInstruments                 instruments, response folding, backgrounds, fakeit, scenarios
//   PerseusFit                         fit statistics, optimisers, confidence intervals
//   PerseusNeural                      tensors, autodiff, layers, optimisers (Core + HDF5 + BLAS only)
//   Perseus                            umbrella module
//   perseus                            command-line tool
import Foundation
import PackageDescription

/// On x86-64, code is generated for Haswell-class CPUs (AVX2, 2013 on; every AMD Zen): the SIMD
/// kernels (Poisson sampler, neural engine) run 4 doubles / 8 floats per instruction instead of
/// SSE2's 2 / 4. Floating-point results are unchanged (Swift never contracts a·b + c into an
/// FMA), so files generated either way are identical. `PERSEUS_PORTABLE=1 swift build` builds
/// for baseline x86-64 instead.
#if arch(x86_64)
let cpuFlags: [String] = ProcessInfo.processInfo.environment["PERSEUS_PORTABLE"] == nil ? ["-target-cpu", "haswell"] : []
#else
let cpuFlags: [String] = []
#endif

/// Hot numerical loops: no overflow/bounds traps in release builds (debug builds keep them), and
/// square roots as plain instructions: without `-fno-math-errno` the C `sqrt` that Swift calls
/// keeps errno semantics, which blocks vectorisation (SIMD `squareRoot()` becomes four libm
/// calls). Perseus never reads errno.
let optimise: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked"], .when(configuration: .release)),
    .unsafeFlags(["-Xcc", "-fno-math-errno"] + cpuFlags),
]

let package = Package(
    name: "Perseus",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Perseus", targets: ["Perseus"]),
        .executable(name: "perseus", targets: ["perseus"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // MARK: System libraries
        .systemLibrary(name: "CFITSIO", path: "Sources/CFITSIO", pkgConfig: "cfitsio",
                       providers: [.apt(["libcfitsio-dev"])]),
        .systemLibrary(name: "CHDF5", path: "Sources/CHDF5", pkgConfig: "hdf5",
                       providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CGSL", path: "Sources/CGSL",
                       providers: [.apt(["libgsl-dev"])]),
        // zlib (already a dependency of cfitsio and HDF5): inflates the embedded AtomDB table.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),

        // MARK: Embedded derived data
        // Tables in Sources/PerseusData/blobs, instrument files in Responses/ and the built-in
        // scenarios in Scenarios/ are embedded with .incbin; the folders are on the assembler's
        // search path.
        .target(name: "PerseusData", exclude: ["blobs"],
                cSettings: [.headerSearchPath("blobs"), .headerSearchPath("../../Responses"),
                            .headerSearchPath("../../Scenarios")]),

        // MARK: Library modules
        .target(name: "PerseusCore", swiftSettings: optimise),
        .target(name: "PerseusHDF5", dependencies: ["PerseusCore", "CHDF5"], swiftSettings: optimise),
        .target(name: "PerseusIO", dependencies: ["PerseusCore", "PerseusHDF5", "CFITSIO"], swiftSettings: optimise),
        .target(name: "PerseusPhysics", dependencies: ["PerseusCore", "PerseusIO", "PerseusData", "CGSL", "COpenBLAS", "CZlib"],
                swiftSettings: optimise),
        .target(name: "PerseusNeural", dependencies: ["PerseusCore", "PerseusHDF5", "COpenBLAS"], swiftSettings: optimise),
        .target(name: "PerseusInstruments", dependencies: ["PerseusCore", "PerseusIO", "PerseusPhysics", "PerseusData", "COpenBLAS",
                                                           .product(name: "Yams", package: "Yams")],
                swiftSettings: optimise),
        .target(name: "PerseusFit", dependencies: ["PerseusCore", "PerseusIO", "PerseusPhysics", "CGSL", "COpenBLAS"],
                swiftSettings: optimise),

        // MARK: Umbrella and command-line tool
        .target(name: "Perseus", dependencies: ["PerseusCore", "PerseusHDF5", "PerseusIO", "PerseusPhysics", "PerseusNeural",
                                                "PerseusFit", "PerseusInstruments"]),
        .executableTarget(name: "perseus", dependencies: [
            "Perseus",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: optimise),

        // MARK: Tests (one target per module)
        // PerseusTestSupport locates ../shared/data and runs Python cross-checks; tests only.
        .target(name: "PerseusTestSupport"),
        .executableTarget(name: "custom-instrument-example", dependencies: ["Perseus"],
                          path: "Examples/CustomInstrument", exclude: ["microcalorimeter-2ev.yaml"]),
        .testTarget(name: "PerseusCoreTests", dependencies: ["PerseusCore", "PerseusTestSupport"]),
        .testTarget(name: "PerseusHDF5Tests", dependencies: ["PerseusHDF5", "PerseusTestSupport"]),
        .testTarget(name: "PerseusIOTests", dependencies: ["PerseusIO", "PerseusTestSupport"]),
        .testTarget(name: "PerseusPhysicsTests", dependencies: ["PerseusPhysics", "PerseusTestSupport"]),
        .testTarget(name: "PerseusNeuralTests", dependencies: ["PerseusNeural", "PerseusTestSupport"]),
        .testTarget(name: "PerseusInstrumentsTests", dependencies: ["PerseusInstruments", "PerseusTestSupport"]),
        .testTarget(name: "PerseusCLITests", dependencies: ["perseus", "PerseusTestSupport"]),
        .testTarget(name: "PerseusFitTests", dependencies: ["PerseusFit", "PerseusTestSupport"]),
    ]
)
