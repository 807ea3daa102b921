import CHDF5
import Foundation

/// One block of rows of a virtual dataset: the whole of dataset `dataset` in file `file`.
public struct HDF5VirtualSource: Sendable, Hashable {
    /// The source file's name as stored in the mapping. HDF5 resolves a relative name against
    /// the directory of the file holding the virtual dataset (after `HDF5_VDS_PREFIX`, if
    /// set), so a directory of shards plus their merged view can be moved together.
    public var file: String
    /// Path of the source dataset inside its file.
    public var dataset: String
    /// Number of rows (first-axis extent) the source contributes.
    public var rows: Int

    public init(file: String, dataset: String, rows: Int) {
        self.file = file
        self.dataset = dataset
        self.rows = rows
    }

    /// The name to store for `source` in a virtual dataset living in `virtualFile`: the path
    /// relative to `virtualFile`'s directory when the source lies in that directory or below
    /// it, the absolute path otherwise.
    public static func storedName(for source: String, inVirtualFile virtualFile: String) -> String {
        let sourceURL = URL(fileURLWithPath: source).standardizedFileURL.resolvingSymlinksInPath()
        let directory = URL(fileURLWithPath: virtualFile).standardizedFileURL.resolvingSymlinksInPath()
            .deletingLastPathComponent().path
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        if sourceURL.path.hasPrefix(prefix) { return String(sourceURL.path.dropFirst(prefix.count)) }
        return sourceURL.path
    }
}

extension HDF5Group {
    /// Creates a virtual dataset (HDF5 VDS, `H5Pset_virtual`) whose rows are the rows of
    /// `sources` one after another: shape `[Σ rows] + rowShape`. Nothing is copied; readers
    /// (h5py included) see one dataset. Each source dataset must have shape `[rows] + rowShape`
    /// and element type `type` — `createVirtualConcatenation` checks this for you. Where a
    /// source file is missing at read time HDF5 returns the fill value, which is NaN for
    /// floating-point types (0 otherwise); `HDF5Dataset.missingVirtualSourceFiles()` detects it.
    @discardableResult
    public func createVirtualDataset(_ name: String, type: HDF5ElementType, rowShape: [Int],
                                     sources: [HDF5VirtualSource]) throws(HDF5Error) -> HDF5Dataset {
        let full = childPath(name)
        guard type.isNumeric || type == .string(.fixed(bytes: type.byteCount)) else {
            throw HDF5Error.invalidArgument(file: filePath, object: full,
                                            message: "virtual datasets of \(type) are not supported; use a numeric or fixed-length string type")
        }
        guard rowShape.allSatisfy({ $0 >= 1 }), sources.allSatisfy({ $0.rows >= 0 }) else {
            throw HDF5Error.invalidArgument(file: filePath, object: full,
                                            message: "row shape \(shapeText(rowShape)) and source row counts must be positive")
        }
        let total = sources.reduce(0) { $0 + $1.rows }
        return try handle.withID { (loc) throws(HDF5Error) -> HDF5Dataset in
            if Self.linkExists(name, in: loc) { throw HDF5Error.objectExists(file: filePath, object: full) }
            let typeID = type.makeTypeID()
            guard typeID >= 0 else { throw failure("creating the element type", object: full) }
            defer { H5Tclose(typeID) }
            var dims = hsizes([total] + rowShape)
            let space = H5Screate_simple(Int32(dims.count), &dims, nil)
            guard space >= 0 else { throw failure("creating the virtual dataspace", object: full) }
            defer { H5Sclose(space) }
            let plist = H5Pcreate(perseus_h5p_dataset_create())
            guard plist >= 0 else { throw failure("creating the dataset properties", object: full) }
            defer { H5Pclose(plist) }
            if type == .float32 {
                var fill = Float.nan
                guard H5Pset_fill_value(plist, perseus_h5t_native_float(), &fill) >= 0 else { throw failure("setting the fill value", object: full) }
            } else if type == .float64 {
                var fill = Double.nan
                guard H5Pset_fill_value(plist, perseus_h5t_native_double(), &fill) >= 0 else { throw failure("setting the fill value", object: full) }
            }
            var offset = 0
            for source in sources where source.rows > 0 {
                let virtualSpace = H5Scopy(space)
                guard virtualSpace >= 0 else { throw failure("copying the virtual dataspace", object: full) }
                defer { H5Sclose(virtualSpace) }
                var start = [hsize_t](repeating: 0, count: dims.count)
                start[0] = hsize_t(offset)
                var count = hsizes([source.rows] + rowShape)
                guard H5Sselect_hyperslab(virtualSpace, H5S_SELECT_SET, &start, nil, &count, nil) >= 0 else {
                    throw failure("selecting rows \(offset)..<\(offset + source.rows) for \(source.file)", object: full)
                }
                let sourceSpace = H5Screate_simple(Int32(count.count), &count, nil)
                guard sourceSpace >= 0 else { throw failure("creating the source dataspace", object: full) }
                defer { H5Sclose(sourceSpace) }
                guard H5Pset_virtual(plist, virtualSpace, source.file, source.dataset, sourceSpace) >= 0 else {
                    throw failure("mapping \(source.file):\(source.dataset)", object: full)
                }
                offset += source.rows
            }
            let id = H5Dcreate2(loc, name, typeID, space, perseus_h5p_default(), plist, perseus_h5p_default())
            guard id >= 0 else { throw failure("creating the virtual dataset", object: full) }
            return try HDF5Dataset(opened: HDF5Handle(id: id, kind: .dataset, file: filePath, object: full))
        }
    }

    /// Creates a virtual dataset `name` joining, along the first axis and in the order given,
    /// the dataset at `datasetPath` of every file in `files` (e.g. the shards of one generation
    /// run). Source names are stored relative to this file's directory where possible (see
    /// `HDF5VirtualSource.storedName`).
    /// - Throws: `HDF5Error` naming the first source file that is missing, lacks the dataset,
    ///   or whose element type or row shape differs from the first file's.
    @discardableResult
    public func createVirtualConcatenation(_ name: String, of datasetPath: String, in files: [String]) throws(HDF5Error) -> HDF5Dataset {
        guard !files.isEmpty else {
            throw HDF5Error.invalidArgument(file: filePath, object: childPath(name), message: "no source files to concatenate")
        }
        var sources: [HDF5VirtualSource] = []
        var reference: (type: HDF5ElementType, rowShape: [Int], file: String)?
        for file in files {
            let source = try HDF5File(opening: file)
            let dataset = try source.dataset(datasetPath)
            let shape = try dataset.shape()
            guard let rows = shape.first else {
                throw HDF5Error.shapeMismatch(file: file, object: dataset.path, expected: "at least one axis (rows)", found: "scalar")
            }
            let rowShape = Array(shape.dropFirst())
            if let reference {
                guard dataset.elementType == reference.type else {
                    throw HDF5Error.typeMismatch(file: file, object: dataset.path,
                                                 expected: "\(reference.type) like \(reference.file)", found: dataset.elementType.description)
                }
                guard rowShape == reference.rowShape else {
                    throw HDF5Error.shapeMismatch(file: file, object: dataset.path,
                                                  expected: "[rows] + \(shapeText(reference.rowShape)) like \(reference.file)",
                                                  found: shapeText(shape))
                }
            } else {
                reference = (dataset.elementType, rowShape, file)
            }
            sources.append(HDF5VirtualSource(file: HDF5VirtualSource.storedName(for: file, inVirtualFile: filePath),
                                             dataset: dataset.path, rows: rows))
            try dataset.close()
            try source.close()
        }
        return try createVirtualDataset(name, type: reference!.type, rowShape: reference!.rowShape, sources: sources)
    }
}

extension HDF5Dataset {
    /// The mappings of a virtual dataset, in the order they were defined (empty for other layouts).
    public func virtualSources() throws(HDF5Error) -> [HDF5VirtualSource] {
        guard try layout() == .virtual else { return [] }
        return try handle.withID { (id) throws(HDF5Error) -> [HDF5VirtualSource] in
            let plist = H5Dget_create_plist(id)
            guard plist >= 0 else { throw failure("reading the creation properties") }
            defer { H5Pclose(plist) }
            var count = 0
            guard H5Pget_virtual_count(plist, &count) >= 0 else { throw failure("counting virtual mappings") }
            var sources: [HDF5VirtualSource] = []
            for index in 0..<count {
                func text(_ get: (UnsafeMutablePointer<CChar>?, Int) -> Int) throws(HDF5Error) -> String {
                    let length = get(nil, 0)
                    guard length >= 0 else { throw failure("reading virtual mapping \(index)") }
                    var buffer = [CChar](repeating: 0, count: length + 1)
                    _ = get(&buffer, buffer.count)
                    return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
                }
                let file = try text { H5Pget_virtual_filename(plist, index, $0, $1) }
                let dataset = try text { H5Pget_virtual_dsetname(plist, index, $0, $1) }
                let space = H5Pget_virtual_vspace(plist, index)
                guard space >= 0 else { throw failure("reading virtual mapping \(index)") }
                defer { H5Sclose(space) }
                var start = [hsize_t](repeating: 0, count: rank)
                var end = [hsize_t](repeating: 0, count: rank)
                guard H5Sget_select_bounds(space, &start, &end) >= 0 else { throw failure("reading virtual mapping \(index)") }
                sources.append(HDF5VirtualSource(file: file, dataset: dataset, rows: Int(end[0] - start[0]) + 1))
            }
            return sources
        }
    }

    /// Source files of a virtual dataset that cannot be found where HDF5 would look for them
    /// (`HDF5_VDS_PREFIX`, then the directory of this file, then as given; an absolute name
    /// that does not exist is also tried by its last component). HDF5 itself reads fill
    /// values for such sources without complaint, so readers should check this.
    public func missingVirtualSourceFiles() throws(HDF5Error) -> [String] {
        let directory = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        let prefixes = (ProcessInfo.processInfo.environment["HDF5_VDS_PREFIX"] ?? "")
            .split(separator: ":").map(String.init)
        let manager = FileManager.default
        var missing: [String] = []
        for source in try virtualSources() where source.file != "." && !missing.contains(source.file) {
            var names = [source.file]
            if source.file.hasPrefix("/") { names.append(URL(fileURLWithPath: source.file).lastPathComponent) }
            var candidates: [String] = []
            for name in names {
                if name.hasPrefix("/") { candidates.append(name); continue }
                candidates += prefixes.map { URL(fileURLWithPath: $0).appendingPathComponent(name).path }
                candidates.append(directory.appendingPathComponent(name).path)
                candidates.append(name)
            }
            if !candidates.contains(where: { manager.fileExists(atPath: $0) }) { missing.append(source.file) }
        }
        return missing
    }
}
