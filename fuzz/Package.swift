// swift-tools-version:6.0
// libFuzzer drivers for every parser a user's file reaches (docs/RELIABILITY.md). Not part of
// the main build: `scripts/fuzz.sh` builds this package with -sanitize=fuzzer,address, which
// instruments SinoRad's library modules it depends on and links libFuzzer's main.
import PackageDescription

let package = Package(
    name: "SinoRadFuzz",
    dependencies: [.package(name: "SinoRad", path: "..")],
    targets: [
        .executableTarget(
            name: "sinorad-fuzz",
            dependencies: [
                .product(name: "SinoData", package: "SinoRad"), .product(name: "SinoImaging", package: "SinoRad"),
                .product(name: "SinoNet", package: "SinoRad"), .product(name: "SinoStudy", package: "SinoRad"),
                .product(name: "SinoRadiomics", package: "SinoRad"), .product(name: "SinoSelection", package: "SinoRad"),
                .product(name: "SinoForest", package: "SinoRad")
            ],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])])
    ]
)
