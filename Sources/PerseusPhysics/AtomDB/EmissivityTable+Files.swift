extension EmissivityTable {
    /// Reads the full AtomDB APEC tables `files`.
    /// - Throws: `AtomDBError.fitsReadingUnavailable` until the PerseusIO FITS layer is integrated.
    public static func read(_ files: AtomDBFiles) throws(AtomDBError) -> EmissivityTable {
        throw .fitsReadingUnavailable(files: files)
    }
}
