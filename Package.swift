// swift-tools-version: 6.1
// Perseus — forward-modelling of high-energy astrophysical observations and anomaly-detector benchmarks.
//
// Module layering (dependencies point one way only, top to bottom):
//   CFITSIO, CGSL, COpenBLAS, CHDF5   system-library shims (Debian -dev packages)
//   PerseusCore                        grids, errors, seeded counter-based random streams, Poisson sampler
//   PerseusHDF5                        thin, safe HDF5 layer (files, groups, datasets, attributes)
//   PerseusIO                          OGIP FITS (RMF, ARF, PHA I/II) and the HDF5 dataset store
//   PerseusPhysics                     spectral components, XSPEC expression language, AtomDB, NEI, absorption
//   PerseusInstruments                 instruments, response folding, backgrounds, fakeit, scenarios
//   PerseusFit                         fit statistics and optimisers
//   PerseusNeural                      tensors, autodiff, layers, optimisers (Core + BLAS + HDF5 only)
//   Perseus                            umbrella module
//   perseus                            command-line tool
import PackageDescription

let optimise: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked"], .when(configuration: .release)),
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

        // MARK: Library modules
        .target(name: "PerseusCore", swiftSettings: optimise),
        .testTarget(name: "PerseusCoreTests", dependencies: ["PerseusCore"]),

        // MARK: Umbrella and command-line tool
        .target(name: "Perseus", dependencies: ["PerseusCore"]),
        .executableTarget(name: "perseus", dependencies: [
            "Perseus",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: optimise),
    ]
)
