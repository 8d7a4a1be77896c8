import Foundation

/// A label typed on the page, checked as the folder name it becomes
/// (`inbox/<label>/`): what the inbox would ignore or refuse is refused here.
enum LabelName {
    /// The label in NFC, or why it cannot be one.
    static func validated(_ text: String) -> Result<String, Problem> {
        let name = text.precomposedStringWithCanonicalMapping
        if name.isEmpty || name.allSatisfy(\.isWhitespace) { return .failure(.empty) }
        if name.hasPrefix(".") || name.hasPrefix("_") { return .failure(.ignoredPrefix) }
        if name.contains("/") || name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return .failure(.badCharacter)
        }
        if name.utf8.count > 255 { return .failure(.tooLong) }
        if name != name.trimmingCharacters(in: .whitespaces) { return .failure(.surroundingSpace) }
        return .success(name)
    }

    /// Why a typed label was refused; the raw value is the JSON `reason`.
    enum Problem: String, Error {
        case empty = "label_empty"
        case ignoredPrefix = "label_starts_with_dot_or_underscore"
        case badCharacter = "label_has_slash_or_control_character"
        case tooLong = "label_longer_than_255_bytes"
        case surroundingSpace = "label_has_leading_or_trailing_space"
    }
}
