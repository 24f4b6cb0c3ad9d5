import ArgumentParser
struct Validate: ParsableCommand {
    func run() throws { throw CommandFailure(message: "not yet") }
}
