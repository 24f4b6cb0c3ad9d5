/// Why a figure could not be built, rendered or written.
///
/// Input problems are reported when the figure is constructed (validation happens once, at the
/// boundary); rendering and file problems name the file involved when there is one.
public enum FigureError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The data given to a figure cannot be drawn; `figure` names the figure type.
    case invalidInput(figure: String, message: String)
    /// A path whose extension is not png, svg or pdf, with no format given explicitly.
    case unknownFormat(path: String)
    /// cairo reported an error while drawing (its status text), for the file if known.
    case renderingFailed(path: String?, reason: String)
    /// The file could not be written (the system error text).
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidInput(let figure, let message):
            return "\(figure): \(message)"
        case .unknownFormat(let path):
            return "\(path): cannot tell the figure format from the extension (use .png, .svg or .pdf)"
        case .renderingFailed(let path, let reason):
            return "\(path ?? "figure"): rendering failed: \(reason)"
        case .writeFailed(let path, let reason):
            return "\(path): cannot write figure: \(reason)"
        }
    }
}
