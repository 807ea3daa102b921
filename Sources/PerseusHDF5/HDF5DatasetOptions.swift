/// How a new dataset is laid out on disk: contiguous or chunked, fixed or extendible along its
/// first axis, and compressed or not.
///
/// Chunking is used whenever the dataset is extendible, compressed, shuffled or has an explicit
/// `chunkShape`. Compression is HDF5's standard `deflate` (zlib) filter, optionally preceded by
/// the byte-`shuffle` filter — both readable by every HDF5 reader, h5py included (`gzip` there).
public struct HDF5DatasetOptions: Sendable, Hashable {
    /// Whether the first axis is unlimited (`H5S_UNLIMITED`) so rows can be appended.
    public var extendible: Bool
    /// Chunk shape (same rank as the dataset, every entry ≥ 1), or nil for `automaticChunkShape`.
    public var chunkShape: [Int]?
    /// zlib compression level 0…9, or nil for no compression.
    public var deflateLevel: Int?
    /// Whether to apply the shuffle filter before deflate (groups bytes of equal significance;
    /// usually improves compression of numbers considerably).
    public var shuffle: Bool

    public init(extendible: Bool = false, chunkShape: [Int]? = nil, deflateLevel: Int? = nil, shuffle: Bool = false) {
        self.extendible = extendible
        self.chunkShape = chunkShape
        self.deflateLevel = deflateLevel
        self.shuffle = shuffle
    }

    /// Contiguous, fixed size, uncompressed.
    public static let contiguous = HDF5DatasetOptions()

    /// Chunked and compressed with shuffle + deflate at `level` (h5py's default gzip level is 4).
    public static func compressed(level: Int = 4, shuffle: Bool = true, extendible: Bool = false,
                                  chunkShape: [Int]? = nil) -> HDF5DatasetOptions {
        HDF5DatasetOptions(extendible: extendible, chunkShape: chunkShape, deflateLevel: level, shuffle: shuffle)
    }

    /// Whether the options need a chunked layout.
    public var isChunked: Bool { extendible || chunkShape != nil || deflateLevel != nil || shuffle }

    /// Chunks of about this many bytes: small enough that reading one sample from a chunk of a
    /// few dozen decompresses little and fits HDF5's default 1 MiB chunk cache, large enough
    /// for good compression.
    public static let targetChunkBytes = 256 * 1024

    /// Whole rows (every trailing axis complete), as many as fit in `targetChunkBytes`, at least
    /// one; never more rows than a fixed-size first axis has.
    public static func automaticChunkShape(shape: [Int], elementBytes: Int, extendible: Bool) -> [Int] {
        guard let first = shape.first else { return [] }
        let trailing = shape.dropFirst().map { max($0, 1) }
        let rowBytes = max(1, elementBytes) * trailing.reduce(1, *)
        var rows = max(1, targetChunkBytes / rowBytes)
        if !extendible { rows = min(rows, max(first, 1)) }
        return [rows] + trailing
    }
}
