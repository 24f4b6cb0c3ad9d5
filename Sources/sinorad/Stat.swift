import ArgumentParser
struct Stat: ParsableCommand {
    func run() throws { throw CommandFailure(message: "not yet") }
}
