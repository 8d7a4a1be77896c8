/// mcnd's version, for `mcnd --version`, `mcnd_build_info` and the report;
/// scripts/package writes debian/changelog from it.
public enum BuildInfo {
    public static let version = "0.15.0"
}
