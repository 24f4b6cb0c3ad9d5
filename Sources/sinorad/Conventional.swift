import ArgumentParser
struct Conventional: ParsableCommand {
    func run() throws {}
}
