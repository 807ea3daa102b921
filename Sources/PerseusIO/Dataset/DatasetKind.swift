/// What the samples of a dataset are. The raw value is the name of the HDF5 dataset holding
/// them and the value of the root attribute `kind`.
public enum DatasetKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Counts spectra, `spectra` [N, channels] int32.
    case spectra
    /// Images, `images` [N, height, width] float32.
    case images
    /// Event feature vectors (e.g. Hillas parameters), `events` [N, features] float32.
    case events

    public var description: String { rawValue }
}
