import ArgumentParser

@main
struct SinoRad: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sinorad",
        abstract: "Conventional-MRI and deep-learning study toolkit for sinonasal malignancies.",
        version: "0.1.0")
}
