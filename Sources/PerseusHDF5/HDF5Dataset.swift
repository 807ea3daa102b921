import CHDF5

/// An HDF5 dataset: an n-dimensional array of one element type, stored row-major (C order,
/// the last axis varying fastest — NumPy's default, which is how h5py presents it).
///
/// "Rows" are the slices along the first axis: a dataset of shape `[N, C]` has `N` rows of `C`
/// elements, one of shape `[N, H, W]` has `N` rows of `H·W` elements. Reads and writes check the
/// element type exactly (no silent conversion: reading an `int32` dataset as `Float` throws
/// `HDF5Error.typeMismatch`) and the row range against the current extent.
public final class HDF5Dataset: HDF5Object, @unchecked Sendable {
    /// The stored element type.
    public let elementType: HDF5ElementType
    /// Number of axes (0 for a scalar dataset).
    public let rank: Int

    /// Wraps a freshly opened dataset identifier. Called with the lock held.
    init(opened handle: HDF5Handle) throws(HDF5Error) {
        let (type, rank) = try handle.withID { (id) throws(HDF5Error) -> (HDF5ElementType, Int) in
            let typeID = H5Dget_type(id)
            guard typeID >= 0 else {
                throw HDF5Error.callFailed(file: handle.file, object: handle.object, operation: "reading the element type",
                                           reason: HDF5Library.takeErrorStack())
            }
            defer { H5Tclose(typeID) }
            let space = H5Dget_space(id)
            guard space >= 0 else {
                throw HDF5Error.callFailed(file: handle.file, object: handle.object, operation: "reading the dataspace",
                                           reason: HDF5Library.takeErrorStack())
            }
            defer { H5Sclose(space) }
            return (HDF5ElementType(typeID: typeID), Int(max(0, H5Sget_simple_extent_ndims(space))))
        }
        elementType = type
        self.rank = rank
        super.init(handle: handle)
    }

    // MARK: Shape and layout

    /// Current extent along every axis (empty for a scalar).
    public func shape() throws(HDF5Error) -> [Int] {
        try handle.withID { (id) throws(HDF5Error) -> [Int] in try extent(of: id).current }
    }

    /// Maximum extent along every axis; nil marks an unlimited (extendible) axis.
    public func maximumShape() throws(HDF5Error) -> [Int?] {
        try handle.withID { (id) throws(HDF5Error) -> [Int?] in try extent(of: id).maximum }
    }

    /// Number of rows (the extent of the first axis).
    /// - Throws: `HDF5Error.shapeMismatch` for a scalar dataset.
    public func rowCount() throws(HDF5Error) -> Int {
        let current = try shape()
        guard let first = current.first else {
            throw HDF5Error.shapeMismatch(file: filePath, object: path, expected: "at least one axis", found: "scalar")
        }
        return first
    }

    /// How the dataset is stored.
    public enum Layout: Sendable, Hashable {
        case compact, contiguous
        /// Chunked with this chunk shape.
        case chunked([Int])
        /// A virtual dataset mapping other datasets (see `virtualSources()`).
        case virtual
    }

    /// The storage layout.
    public func layout() throws(HDF5Error) -> Layout {
        try withCreationProperties { (plist) throws(HDF5Error) -> Layout in
            let layout = H5Pget_layout(plist)
            if layout == H5D_CHUNKED {
                var dims = [hsize_t](repeating: 0, count: max(rank, 1))
                let n = H5Pget_chunk(plist, Int32(dims.count), &dims)
                guard n >= 0 else { throw failure("reading the chunk shape") }
                return .chunked(dims.prefix(Int(n)).map { Int($0) })
            }
            if layout == H5D_VIRTUAL { return .virtual }
            if layout == H5D_COMPACT { return .compact }
            return .contiguous
        }
    }

    /// The compression filters in the pipeline: the deflate level (nil if none) and whether
    /// the shuffle filter is applied.
    public func compression() throws(HDF5Error) -> (deflateLevel: Int?, shuffle: Bool) {
        try withCreationProperties { (plist) throws(HDF5Error) -> (Int?, Bool) in
            let count = H5Pget_nfilters(plist)
            guard count >= 0 else { throw failure("reading the filter pipeline") }
            var level: Int? = nil
            var shuffle = false
            for index in 0..<UInt32(count) {
                var flags: UInt32 = 0
                var values = [UInt32](repeating: 0, count: 8)
                var valueCount = values.count
                var name = [CChar](repeating: 0, count: 64)
                var config: UInt32 = 0
                let filter = H5Pget_filter2(plist, index, &flags, &valueCount, &values, name.count, &name, &config)
                if filter == H5Z_FILTER_DEFLATE { level = valueCount > 0 ? Int(values[0]) : 0 }
                if filter == H5Z_FILTER_SHUFFLE { shuffle = true }
            }
            return (level, shuffle)
        }
    }

    // MARK: Reading numbers

    /// Reads every element, row-major.
    /// - Throws: `HDF5Error.typeMismatch` if the stored type is not `T`'s.
    public func read<T: HDF5Numeric>(as type: T.Type = T.self) throws(HDF5Error) -> [T] {
        try requireType(T.hdf5ElementType)
        return try handle.withID { (id) throws(HDF5Error) -> [T] in
            let count = try extent(of: id).current.reduce(1, *)
            return try readArray(count: count) { (pointer) throws(HDF5Error) in
                try transfer(id, rows: nil, rowElements: 0, pointer: UnsafeMutableRawPointer(pointer), write: false)
            }
        }
    }

    /// Reads every element after checking the dataset has exactly `expectedShape`.
    /// - Throws: `HDF5Error.shapeMismatch` or `.typeMismatch`.
    public func read<T: HDF5Numeric>(as type: T.Type = T.self, expectingShape expectedShape: [Int]) throws(HDF5Error) -> [T] {
        let current = try shape()
        guard current == expectedShape else {
            throw HDF5Error.shapeMismatch(file: filePath, object: path, expected: shapeText(expectedShape), found: shapeText(current))
        }
        return try read(as: T.self)
    }

    /// Reads rows `rows` (each with every trailing axis), row-major.
    /// - Throws: `HDF5Error.outOfRange` if the rows are not all within the current extent,
    ///   `.typeMismatch` if the stored type is not `T`'s.
    public func readRows<T: HDF5Numeric>(_ rows: Range<Int>, as type: T.Type = T.self) throws(HDF5Error) -> [T] {
        try requireType(T.hdf5ElementType)
        return try handle.withID { (id) throws(HDF5Error) -> [T] in
            let rowElements = try checkRows(rows, of: id)
            return try readArray(count: rows.count * rowElements) { (pointer) throws(HDF5Error) in
                try transfer(id, rows: rows, rowElements: rowElements, pointer: UnsafeMutableRawPointer(pointer), write: false)
            }
        }
    }

    /// Reads rows `rows` into `buffer`, which must hold exactly `rows.count` × (elements per row).
    public func readRows<T: HDF5Numeric>(_ rows: Range<Int>, into buffer: UnsafeMutableBufferPointer<T>) throws(HDF5Error) {
        try requireType(T.hdf5ElementType)
        try handle.withID { (id) throws(HDF5Error) in
            let rowElements = try checkRows(rows, of: id)
            try checkBuffer(buffer.count, rows: rows.count, rowElements: rowElements)
            guard let base = buffer.baseAddress, !rows.isEmpty else { return }
            try transfer(id, rows: rows, rowElements: rowElements, pointer: UnsafeMutableRawPointer(base), write: false)
        }
    }

    // MARK: Writing numbers

    /// Overwrites every element (row-major); `values.count` must equal the number of elements.
    public func write<T: HDF5Numeric>(_ values: [T]) throws(HDF5Error) {
        try requireType(T.hdf5ElementType)
        try handle.withID { (id) throws(HDF5Error) in
            let count = try extent(of: id).current.reduce(1, *)
            guard values.count == count else {
                throw HDF5Error.invalidArgument(file: filePath, object: path,
                                                message: "writing \(values.count) values; the dataset holds \(count) elements")
            }
            guard count > 0 else { return }
            try values.withUnsafeBufferPointer { (buffer) throws(HDF5Error) in
                try transfer(id, rows: nil, rowElements: 0, pointer: UnsafeMutableRawPointer(mutating: buffer.baseAddress!), write: true)
            }
        }
    }

    /// Writes whole rows starting at row `firstRow`, within the current extent.
    /// `values.count` must be a multiple of the elements per row.
    public func writeRows<T: HDF5Numeric>(_ values: UnsafeBufferPointer<T>, at firstRow: Int) throws(HDF5Error) {
        try requireType(T.hdf5ElementType)
        try handle.withID { (id) throws(HDF5Error) in
            let rowElements = try elementsPerRow(of: id)
            guard rowElements > 0 || values.isEmpty else {
                throw HDF5Error.invalidArgument(file: filePath, object: path, message: "rows have no elements; nothing to write")
            }
            let rows = try rowsCovered(by: values.count, rowElements: rowElements)
            let range = firstRow..<(firstRow + rows)
            _ = try checkRows(range, of: id)
            guard rows > 0, let base = values.baseAddress else { return }
            try transfer(id, rows: range, rowElements: rowElements, pointer: UnsafeMutableRawPointer(mutating: base), write: true)
        }
    }

    /// Writes whole rows starting at row `firstRow`, within the current extent.
    public func writeRows<T: HDF5Numeric>(_ values: [T], at firstRow: Int) throws(HDF5Error) {
        try values.withUnsafeBufferPointer { (buffer) throws(HDF5Error) in try writeRows(buffer, at: firstRow) }
    }

    /// Extends the first axis and writes `values` (whole rows) after the existing rows.
    /// - Returns: the rows written.
    /// - Throws: `HDF5Error.invalidArgument` if the dataset is not extendible or `values` is not
    ///   a whole number of rows.
    @discardableResult
    public func appendRows<T: HDF5Numeric>(_ values: UnsafeBufferPointer<T>) throws(HDF5Error) -> Range<Int> {
        try requireType(T.hdf5ElementType)
        return try handle.withID { (id) throws(HDF5Error) -> Range<Int> in
            let rowElements = try elementsPerRow(of: id)
            let rows = try rowsCovered(by: values.count, rowElements: rowElements)
            let start = try extent(of: id).current[0]
            try setExtent(id, rows: start + rows)
            let range = start..<(start + rows)
            if rows > 0, let base = values.baseAddress {
                try transfer(id, rows: range, rowElements: rowElements, pointer: UnsafeMutableRawPointer(mutating: base), write: true)
            }
            return range
        }
    }

    /// Extends the first axis and writes `values` (whole rows) after the existing rows.
    @discardableResult
    public func appendRows<T: HDF5Numeric>(_ values: [T]) throws(HDF5Error) -> Range<Int> {
        try values.withUnsafeBufferPointer { (buffer) throws(HDF5Error) -> Range<Int> in try appendRows(buffer) }
    }

    /// Sets the extent of the first axis to `rows` (growing up to the maximum, or shrinking).
    public func setRowCount(_ rows: Int) throws(HDF5Error) {
        try handle.withID { (id) throws(HDF5Error) in try setExtent(id, rows: rows) }
    }

    // MARK: Strings

    /// Reads a string dataset (variable- or fixed-length) as UTF-8 text, row-major. Fixed-length
    /// strings lose their trailing NUL (or space, for space-padded types) padding.
    /// - Throws: `HDF5Error.typeMismatch` if the dataset does not hold strings.
    public func readStrings() throws(HDF5Error) -> [String] {
        guard case .string = elementType else {
            throw HDF5Error.typeMismatch(file: filePath, object: path, expected: "strings", found: elementType.description)
        }
        return try handle.withID { (id) throws(HDF5Error) -> [String] in
            let count = try extent(of: id).current.reduce(1, *)
            let fileType = H5Dget_type(id)
            guard fileType >= 0 else { throw failure("reading the string type") }
            defer { H5Tclose(fileType) }
            return try HDF5StringCodec.read(count: count, fileType: fileType, fail: { failure($0) }) { (memType, buffer) -> herr_t in
                H5Dread(id, memType, perseus_h5s_all(), perseus_h5s_all(), perseus_h5p_default(), buffer)
            }
        }
    }

    /// Overwrites every element of a string dataset; `values.count` must equal its element count.
    /// - Throws: `HDF5Error.invalidArgument` for a text longer than a fixed-length type allows or
    ///   containing a NUL character.
    public func writeStrings(_ values: [String]) throws(HDF5Error) {
        guard case let .string(layout) = elementType else {
            throw HDF5Error.typeMismatch(file: filePath, object: path, expected: "strings", found: elementType.description)
        }
        try handle.withID { (id) throws(HDF5Error) in
            let count = try extent(of: id).current.reduce(1, *)
            guard values.count == count else {
                throw HDF5Error.invalidArgument(file: filePath, object: path,
                                                message: "writing \(values.count) strings; the dataset holds \(count) elements")
            }
            guard count > 0 else { return }
            try HDF5StringCodec.write(values, layout: layout,
                                      invalid: { HDF5Error.invalidArgument(file: filePath, object: path, message: $0) },
                                      fail: { failure($0) }) { (memType, buffer) -> herr_t in
                H5Dwrite(id, memType, perseus_h5s_all(), perseus_h5s_all(), perseus_h5p_default(), buffer)
            }
        }
    }

    // MARK: Internals (lock held)

    func extent(of id: hid_t) throws(HDF5Error) -> (current: [Int], maximum: [Int?]) {
        let space = H5Dget_space(id)
        guard space >= 0 else { throw failure("reading the dataspace") }
        defer { H5Sclose(space) }
        let n = Int(H5Sget_simple_extent_ndims(space))
        guard n >= 0 else { throw failure("reading the rank") }
        if n == 0 { return ([], []) }
        var dims = [hsize_t](repeating: 0, count: n)
        var maxDims = [hsize_t](repeating: 0, count: n)
        guard H5Sget_simple_extent_dims(space, &dims, &maxDims) >= 0 else { throw failure("reading the extent") }
        let unlimited = perseus_h5s_unlimited()
        return (dims.map { Int($0) }, maxDims.map { $0 == unlimited ? nil : Int($0) })
    }

    private func elementsPerRow(of id: hid_t) throws(HDF5Error) -> Int {
        let current = try extent(of: id).current
        guard !current.isEmpty else {
            throw HDF5Error.shapeMismatch(file: filePath, object: path, expected: "at least one axis (rows)", found: "scalar")
        }
        return current.dropFirst().reduce(1, *)
    }

    /// Checks `rows` lies within the extent; returns the elements per row.
    private func checkRows(_ rows: Range<Int>, of id: hid_t) throws(HDF5Error) -> Int {
        let current = try extent(of: id).current
        guard let count = current.first else {
            throw HDF5Error.shapeMismatch(file: filePath, object: path, expected: "at least one axis (rows)", found: "scalar")
        }
        guard rows.lowerBound >= 0, rows.upperBound <= count else {
            throw HDF5Error.outOfRange(file: filePath, object: path, requested: "rows \(rows.lowerBound)..<\(rows.upperBound)",
                                       available: "\(count) rows")
        }
        return current.dropFirst().reduce(1, *)
    }

    private func checkBuffer(_ count: Int, rows: Int, rowElements: Int) throws(HDF5Error) {
        guard count == rows * rowElements else {
            throw HDF5Error.invalidArgument(file: filePath, object: path,
                message: "buffer holds \(count) elements; \(rows) rows of \(rowElements) need \(rows * rowElements)")
        }
    }

    private func rowsCovered(by count: Int, rowElements: Int) throws(HDF5Error) -> Int {
        guard rowElements > 0 else { return 0 }
        guard count % rowElements == 0 else {
            throw HDF5Error.invalidArgument(file: filePath, object: path,
                message: "\(count) values are not a whole number of rows of \(rowElements) elements")
        }
        return count / rowElements
    }

    private func setExtent(_ id: hid_t, rows: Int) throws(HDF5Error) {
        let (current, maximum) = try extent(of: id)
        guard !current.isEmpty else {
            throw HDF5Error.shapeMismatch(file: filePath, object: path, expected: "at least one axis (rows)", found: "scalar")
        }
        if let limit = maximum[0], rows > limit {
            throw HDF5Error.invalidArgument(file: filePath, object: path,
                message: "cannot grow to \(rows) rows: the first axis is fixed at most \(limit) rows (create it extendible to append)")
        }
        guard rows >= 0 else {
            throw HDF5Error.invalidArgument(file: filePath, object: path, message: "negative row count \(rows)")
        }
        var dims = hsizes([rows] + current.dropFirst())
        guard H5Dset_extent(id, &dims) >= 0 else { throw failure("extending to \(rows) rows") }
    }

    private func requireType(_ expected: HDF5ElementType) throws(HDF5Error) {
        guard elementType == expected else {
            throw HDF5Error.typeMismatch(file: filePath, object: path, expected: expected.description, found: elementType.description)
        }
    }

    private func readArray<T: HDF5Numeric>(count: Int, _ fill: (UnsafeMutablePointer<T>) throws(HDF5Error) -> Void) throws(HDF5Error) -> [T] {
        guard count > 0 else { return [] }
        var failure: HDF5Error?
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialised in
            do throws(HDF5Error) {
                try fill(buffer.baseAddress!)
                initialised = count
            } catch {
                // Zero the storage so the discarded array is well defined.
                UnsafeMutableRawBufferPointer(buffer).initializeMemory(as: UInt8.self, repeating: 0)
                initialised = count
                failure = error
            }
        }
        if let failure { throw failure }
        return values
    }

    /// Moves `rows` (or everything, if nil) between memory and the file.
    private func transfer(_ id: hid_t, rows: Range<Int>?, rowElements: Int, pointer: UnsafeMutableRawPointer,
                          write: Bool) throws(HDF5Error) {
        let memType = elementType.nativeNumericType!
        let operation = write ? "writing" : "reading"
        guard let rows else {
            let status = write
                ? H5Dwrite(id, memType, perseus_h5s_all(), perseus_h5s_all(), perseus_h5p_default(), pointer)
                : H5Dread(id, memType, perseus_h5s_all(), perseus_h5s_all(), perseus_h5p_default(), pointer)
            guard status >= 0 else { throw failure(operation) }
            return
        }
        let fileSpace = H5Dget_space(id)
        guard fileSpace >= 0 else { throw failure("\(operation) rows: getting the dataspace") }
        defer { H5Sclose(fileSpace) }
        let current = try extent(of: id).current
        var start = [hsize_t](repeating: 0, count: current.count)
        start[0] = hsize_t(rows.lowerBound)
        var count = hsizes([rows.count] + current.dropFirst())
        guard H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &start, nil, &count, nil) >= 0 else {
            throw failure("\(operation) rows \(rows.lowerBound)..<\(rows.upperBound): selecting them")
        }
        // A memory space of the same shape as the file selection lets HDF5 copy whole
        // contiguous runs instead of iterating element by element.
        let memSpace = H5Screate_simple(Int32(count.count), &count, nil)
        guard memSpace >= 0 else { throw failure("\(operation) rows: creating the memory dataspace") }
        defer { H5Sclose(memSpace) }
        let status = write
            ? H5Dwrite(id, memType, memSpace, fileSpace, perseus_h5p_default(), pointer)
            : H5Dread(id, memType, memSpace, fileSpace, perseus_h5p_default(), pointer)
        guard status >= 0 else { throw failure("\(operation) rows \(rows.lowerBound)..<\(rows.upperBound)") }
    }

    private func withCreationProperties<R>(_ body: (hid_t) throws(HDF5Error) -> R) throws(HDF5Error) -> R {
        try handle.withID { (id) throws(HDF5Error) -> R in
            let plist = H5Dget_create_plist(id)
            guard plist >= 0 else { throw failure("reading the creation properties") }
            defer { H5Pclose(plist) }
            return try body(plist)
        }
    }
}
