import ArgumentParser
struct Demo: ParsableCommand {
    func run() throws { throw CommandFailure(message: "not yet") }
}
