/// The Perseus software version, written into every file Perseus produces.
public enum PerseusVersion {
    public static let string = "0.1.0"
}
