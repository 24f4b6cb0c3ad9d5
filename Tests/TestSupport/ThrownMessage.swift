/// The text of the error `body` throws ("" when it throws nothing), for tests of what a user
/// is told.
public func thrownMessage(_ body: () throws -> Void) -> String {
    do {
        try body()
        return ""
    } catch {
        return "\(error)"
    }
}
