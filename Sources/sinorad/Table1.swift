import ArgumentParser
struct Table1: ParsableCommand {
    func run() throws { throw CommandFailure(message: "not yet") }
}
