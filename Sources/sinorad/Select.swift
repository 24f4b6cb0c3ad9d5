import ArgumentParser
struct Select: ParsableCommand {
    func run() throws { throw CommandFailure(message: "not yet") }
}
