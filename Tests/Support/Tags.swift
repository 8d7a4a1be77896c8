import Testing

extension Tag {
    /// Minutes long (the soak). `scripts/test` runs them with everything else;
    /// `swift test --filter Soak` runs one alone, `--skip Soak` leaves it out.
    @Tag public static var slow: Self
}
