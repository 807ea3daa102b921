import CHDF5

extension HDF5Group {
    /// Creates a dataset called `name` of `type` with extent `shape` (empty for a scalar).
    ///
    /// With `options.extendible` the first axis is unlimited and `shape[0]` is its initial
    /// extent (often 0). If a fixed axis has extent 0 and no explicit chunk shape is given, the
    /// dataset is stored contiguously (HDF5 cannot chunk an empty fixed axis; there is nothing
    /// to compress).
    /// - Throws: `HDF5Error.objectExists`, `.invalidArgument` (negative extents, chunk shape of
    ///   the wrong rank, compression level outside 0…9, deflate filter unavailable), or
    ///   `.callFailed` with HDF5's reason.
    @discardableResult
    public func createDataset(_ name: String, type: HDF5ElementType, shape: [Int],
                              options: HDF5DatasetOptions = .contiguous) throws(HDF5Error) -> HDF5Dataset {
        let full = childPath(name)
        func invalid(_ message: String) -> HDF5Error { .invalidArgument(file: filePath, object: full, message: message) }
        guard shape.allSatisfy({ $0 >= 0 }) else { throw invalid("negative extent in shape \(shapeText(shape))") }
        if case let .other(description) = type { throw invalid("cannot create a dataset of \(description)") }
        if case .string(.fixed(let bytes)) = type, bytes < 1 { throw invalid("a fixed-length string needs at least 1 byte") }
        if let level = options.deflateLevel, !(0...9).contains(level) {
            throw invalid("deflate level \(level) is outside 0…9")
        }
        if shape.isEmpty && options.isChunked { throw invalid("a scalar dataset cannot be chunked, compressed or extendible") }
        let emptyFixedAxis = shape.enumerated().contains { index, extent in extent == 0 && !(index == 0 && options.extendible) }
        let chunked = options.isChunked && !(emptyFixedAxis && options.chunkShape == nil)
        var chunk: [Int] = []
        if chunked {
            chunk = options.chunkShape
                ?? HDF5DatasetOptions.automaticChunkShape(shape: shape, elementBytes: type.byteCount, extendible: options.extendible)
            guard chunk.count == shape.count, chunk.allSatisfy({ $0 >= 1 }) else {
                throw invalid("chunk shape \(shapeText(chunk)) must have one entry ≥ 1 per axis of \(shapeText(shape))")
            }
        }

        return try handle.withID { (loc) throws(HDF5Error) -> HDF5Dataset in
            if Self.linkExists(name, in: loc) { throw HDF5Error.objectExists(file: filePath, object: full) }
            let typeID = type.makeTypeID()
            guard typeID >= 0 else { throw failure("creating the element type", object: full) }
            defer { H5Tclose(typeID) }

            let space: hid_t
            if shape.isEmpty {
                space = H5Screate(H5S_SCALAR)
            } else {
                var dims = hsizes(shape)
                var maxDims = dims
                if options.extendible { maxDims[0] = perseus_h5s_unlimited() }
                space = H5Screate_simple(Int32(shape.count), &dims, &maxDims)
            }
            guard space >= 0 else { throw failure("creating the dataspace \(shapeText(shape))", object: full) }
            defer { H5Sclose(space) }

            let plist = H5Pcreate(perseus_h5p_dataset_create())
            guard plist >= 0 else { throw failure("creating the dataset properties", object: full) }
            defer { H5Pclose(plist) }
            if chunked {
                var chunkDims = hsizes(chunk)
                guard H5Pset_chunk(plist, Int32(chunk.count), &chunkDims) >= 0 else {
                    throw failure("setting chunk shape \(shapeText(chunk))", object: full)
                }
                if options.shuffle {
                    guard H5Pset_shuffle(plist) >= 0 else { throw failure("adding the shuffle filter", object: full) }
                }
                if let level = options.deflateLevel {
                    guard H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0 else {
                        throw HDF5Error.invalidArgument(file: filePath, object: full,
                                                        message: "this libhdf5 was built without the deflate (zlib) filter")
                    }
                    guard H5Pset_deflate(plist, UInt32(level)) >= 0 else { throw failure("adding the deflate filter", object: full) }
                }
            }
            let id = H5Dcreate2(loc, name, typeID, space, perseus_h5p_default(), plist, perseus_h5p_default())
            guard id >= 0 else { throw failure("creating the dataset \(shapeText(shape)) of \(type)", object: full) }
            return try HDF5Dataset(opened: HDF5Handle(id: id, kind: .dataset, file: filePath, object: full))
        }
    }

    /// Creates a dataset holding `values` with `shape` (default: one axis of `values.count`).
    @discardableResult
    public func createDataset<T: HDF5Numeric>(_ name: String, values: [T], shape: [Int]? = nil,
                                              options: HDF5DatasetOptions = .contiguous) throws(HDF5Error) -> HDF5Dataset {
        let shape = shape ?? [values.count]
        guard shape.reduce(1, *) == values.count else {
            throw HDF5Error.invalidArgument(file: filePath, object: childPath(name),
                                            message: "\(values.count) values do not fill shape \(shapeText(shape))")
        }
        let dataset = try createDataset(name, type: T.hdf5ElementType, shape: shape, options: options)
        try dataset.write(values)
        return dataset
    }

    /// Creates a string dataset holding `values` (UTF-8) with `shape` (default: one axis).
    /// `.variable` layout is h5py's `str` dtype; `.fixed(bytes:)` is NumPy's `S<bytes>`.
    @discardableResult
    public func createStringDataset(_ name: String, values: [String], layout: HDF5StringLayout = .variable,
                                    shape: [Int]? = nil, options: HDF5DatasetOptions = .contiguous) throws(HDF5Error) -> HDF5Dataset {
        let shape = shape ?? [values.count]
        guard shape.reduce(1, *) == values.count else {
            throw HDF5Error.invalidArgument(file: filePath, object: childPath(name),
                                            message: "\(values.count) strings do not fill shape \(shapeText(shape))")
        }
        let dataset = try createDataset(name, type: .string(layout), shape: shape, options: options)
        try dataset.writeStrings(values)
        return dataset
    }
}
