// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "SinoRad",
    platforms: [.macOS(.v14)],
    // MARK: - Public API
    products: [
        .executable(name: "sinorad", targets: ["sinorad"]),
        .library(name: "SinoRandom", targets: ["SinoRandom"]),
        .library(name: "SinoData", targets: ["SinoData"]),
        .library(name: "SinoStats", targets: ["SinoStats"]),
        .library(name: "SinoReport", targets: ["SinoReport"]),
        .library(name: "SinoForest", targets: ["SinoForest"]),
        .library(name: "SinoStudy", targets: ["SinoStudy"]),
        .library(name: "SinoNet", targets: ["SinoNet"]),
        .library(name: "SinoImaging", targets: ["SinoImaging"]),
        .library(name: "SinoRadiomics", targets: ["SinoRadiomics"]),
        .library(name: "SinoSelection", targets: ["SinoSelection"]),
        .library(name: "SinoClassifiers", targets: ["SinoClassifiers"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2")
    ],
    targets: [
        // MARK: - C libraries (module maps only, no logic)
        .systemLibrary(name: "CGSL", path: "Sources/CGSL"),
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
        .systemLibrary(name: "CCairo", path: "Sources/CCairo"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .systemLibrary(name: "CDeflate", path: "Sources/CDeflate"),
        .systemLibrary(name: "CIsal", path: "Sources/CIsal"),
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto"),
        .systemLibrary(name: "CLibSVM", path: "Sources/CLibSVM"),
        .systemLibrary(name: "CXGBoost", path: "Sources/CXGBoost"),

        // SinoRad's own C kernels: vector loops dispatched at run time to the CPU's instructions.
        // fast_float (Debian libfast-float-dev, header-only C++) behind a C function: feature
        // tables' numbers.
        .target(name: "CFastFloat", path: "Sources/CFastFloat", cxxSettings: [.unsafeFlags(["-fno-exceptions", "-O2"])]),
        // Vector kernels: optimised in debug builds too (the radiomics and glmnet tests run them).
        .target(name: "CSinoKernels", path: "Sources/CSinoKernels", cSettings: [.unsafeFlags(["-O2"], .when(configuration: .debug))]),

        // MARK: - Modules
        .target(name: "SinoRandom", exclude: ["README.md"]),
        .target(name: "SinoData", dependencies: ["SinoRandom", "CCrypto", "CBLAS"]),
        .target(name: "SinoStats", dependencies: ["CGSL", "CSinoKernels", "SinoData", "SinoRandom"]),
        .target(name: "SinoForest", dependencies: ["SinoData", "SinoRandom"], exclude: ["README.md"]),
        // The CNN engine is optimised in debug builds too: its tests train real networks.
        .target(
            name: "SinoNet", dependencies: ["CBLAS", "CSinoKernels", "SinoData", "SinoRandom"], exclude: ["README.md"],
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        .target(name: "SinoImaging", dependencies: ["CZlib", "CDeflate", "CIsal", "SinoData", "SinoRandom"]),
        // Radiomics runs optimised in debug builds too: its tests extract real feature sets.
        .target(
            name: "SinoRadiomics", dependencies: ["SinoData", "SinoImaging", "CCrypto", "CSinoKernels", .product(name: "Yams", package: "Yams")],
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        // Selection runs optimised in debug builds too: its tests fit whole glmnet paths.
        .target(
            name: "SinoSelection", dependencies: ["SinoData", "SinoStats", "SinoRandom", "CGSL", "CBLAS", "CSinoKernels", "CFastFloat"], exclude: ["README.md"],
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        .target(name: "SinoClassifiers", dependencies: ["SinoData", "SinoRandom", "CLibSVM", "CXGBoost"], exclude: ["README.md"]),
        .target(name: "SinoReport", dependencies: ["SinoData", "SinoStats", "CCairo"]),
        .target(
            name: "SinoStudy",
            dependencies: [
                "SinoData", "SinoRandom", "SinoStats", "SinoForest", "SinoImaging", "SinoNet", "SinoReport", "SinoSelection", "SinoClassifiers",
                "SinoRadiomics", "CBLAS", "CCairo", "CZlib", "CGSL"
            ]),
        .executableTarget(
            name: "sinorad",
            dependencies: [
                "SinoData", "SinoStats", "SinoReport", "SinoForest", "SinoStudy", "SinoNet", "SinoImaging", "SinoRadiomics", "SinoRandom",
                "SinoSelection", "SinoClassifiers",
                "CGSL", "CBLAS", "CCairo", "CZlib",
                .product(name: "ArgumentParser", package: "swift-argument-parser")
            ]),

        // MARK: - Tests
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "SinoRandomTests", dependencies: ["SinoRandom", "TestSupport"]),
        .testTarget(name: "SinoDataTests", dependencies: ["SinoData", "TestSupport"]),
        .testTarget(name: "SinoStatsTests", dependencies: ["SinoStats", "SinoData", "SinoRandom", "TestSupport"]),
        .testTarget(name: "SinoForestTests", dependencies: ["SinoForest", "SinoData", "SinoRandom", "TestSupport"]),
        .testTarget(name: "SinoNetTests", dependencies: ["SinoNet", "CSinoKernels", "SinoData", "SinoRandom", "TestSupport"]),
        .testTarget(name: "SinoImagingTests", dependencies: ["SinoImaging", "SinoData", "SinoStats", "TestSupport"]),
        .testTarget(name: "SinoRadiomicsTests", dependencies: ["SinoRadiomics", "SinoImaging", "TestSupport"]),
        .testTarget(name: "SinoSelectionTests", dependencies: ["SinoSelection", "SinoClassifiers", "SinoData", "SinoRandom", "CSinoKernels", "TestSupport"]),
        .testTarget(name: "SinoClassifiersTests", dependencies: ["SinoClassifiers", "SinoRandom", "TestSupport"]),
        .testTarget(name: "SinoReportTests", dependencies: ["SinoReport", "SinoStats", "SinoData", "SinoRandom", "TestSupport"]),
        .testTarget(name: "SinoRadCLITests", dependencies: ["TestSupport", "sinorad", "SinoRandom"]),
        .testTarget(name: "SinoStudyTests", dependencies: ["SinoStudy", "SinoImaging", "SinoNet", "SinoData", "SinoStats", "SinoReport", "SinoClassifiers", "TestSupport"])
    ]
)
