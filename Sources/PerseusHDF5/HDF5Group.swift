import CHDF5

/// A group: a container of named datasets and groups. `HDF5File` is its root group.
public class HDF5Group: HDF5Object, @unchecked Sendable {
    /// The members of the group in name order.
    public func members() throws(HDF5Error) -> [HDF5Member] {
        try handle.withID { (loc) throws(HDF5Error) -> [HDF5Member] in
            var info = H5G_info_t()
            guard H5Gget_info(loc, &info) >= 0 else { throw failure("listing members") }
            var result: [HDF5Member] = []
            result.reserveCapacity(Int(info.nlinks))
            for index in 0..<info.nlinks {
                let length = H5Lget_name_by_idx(loc, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, perseus_h5p_default())
                guard length >= 0 else { throw failure("reading the name of member \(index)") }
                var buffer = [CChar](repeating: 0, count: Int(length) + 1)
                guard H5Lget_name_by_idx(loc, ".", H5_INDEX_NAME, H5_ITER_INC, index, &buffer, buffer.count, perseus_h5p_default()) >= 0 else {
                    throw failure("reading the name of member \(index)")
                }
                let name = String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
                result.append(HDF5Member(name: name, kind: Self.kind(at: name, in: loc)))
            }
            return result
        }
    }

    /// Whether a link exists at `path` (relative to this group, or absolute), following every
    /// intermediate group.
    public func contains(_ path: String) -> Bool {
        (try? handle.withID { (loc) throws(HDF5Error) -> Bool in Self.linkExists(path, in: loc) }) ?? false
    }

    /// Opens the group at `path`.
    /// - Throws: `HDF5Error.objectNotFound` or `.wrongObjectKind` naming the file and path.
    public func group(_ path: String) throws(HDF5Error) -> HDF5Group {
        let full = childPath(path)
        let id = try handle.withID { (loc) throws(HDF5Error) -> hid_t in
            try requireKind(.group, at: path, in: loc, expected: "a group")
            let id = H5Gopen2(loc, path, perseus_h5p_default())
            guard id >= 0 else { throw failure("opening the group", object: full) }
            return id
        }
        return HDF5Group(handle: HDF5Handle(id: id, kind: .group, file: filePath, object: full))
    }

    /// Creates a group called `name` (its parent groups must exist).
    /// - Throws: `HDF5Error.objectExists` if the name is taken.
    @discardableResult
    public func createGroup(_ name: String) throws(HDF5Error) -> HDF5Group {
        let full = childPath(name)
        let id = try handle.withID { (loc) throws(HDF5Error) -> hid_t in
            if Self.linkExists(name, in: loc) { throw HDF5Error.objectExists(file: filePath, object: full) }
            let id = H5Gcreate2(loc, name, perseus_h5p_default(), perseus_h5p_default(), perseus_h5p_default())
            guard id >= 0 else { throw failure("creating the group", object: full) }
            return id
        }
        return HDF5Group(handle: HDF5Handle(id: id, kind: .group, file: filePath, object: full))
    }

    /// Opens the dataset at `path`.
    /// - Throws: `HDF5Error.objectNotFound` or `.wrongObjectKind` naming the file and path.
    public func dataset(_ path: String) throws(HDF5Error) -> HDF5Dataset {
        let full = childPath(path)
        return try handle.withID { (loc) throws(HDF5Error) -> HDF5Dataset in
            try requireKind(.dataset, at: path, in: loc, expected: "a dataset")
            let id = H5Dopen2(loc, path, perseus_h5p_default())
            guard id >= 0 else { throw failure("opening the dataset", object: full) }
            return try HDF5Dataset(opened: HDF5Handle(id: id, kind: .dataset, file: filePath, object: full))
        }
    }

    /// Deletes the link `name` (the space it used is not reclaimed until the file is repacked).
    public func remove(_ name: String) throws(HDF5Error) {
        let full = childPath(name)
        try handle.withID { (loc) throws(HDF5Error) in
            guard Self.linkExists(name, in: loc) else {
                throw HDF5Error.objectNotFound(file: filePath, object: full, expected: "an object to remove")
            }
            guard H5Ldelete(loc, name, perseus_h5p_default()) >= 0 else { throw failure("removing", object: full) }
        }
    }

    // MARK: Internals (lock held)

    /// Whether every component of `path` exists, checked one link at a time because
    /// `H5Lexists` fails rather than answering "no" when an intermediate group is missing.
    static func linkExists(_ path: String, in loc: hid_t) -> Bool {
        let absolute = path.hasPrefix("/")
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        if parts.isEmpty { return true }
        var prefix = absolute ? "" : "."
        for part in parts {
            prefix += "/" + part
            let exists = H5Lexists(loc, prefix, perseus_h5p_default())
            if exists <= 0 {
                if exists < 0 { _ = HDF5Library.takeErrorStack() }
                return false
            }
        }
        return true
    }

    static func kind(at path: String, in loc: hid_t) -> HDF5Member.Kind {
        let raw = perseus_h5o_type_by_name(loc, path)
        if raw < 0 { _ = HDF5Library.takeErrorStack(); return .other }
        switch H5O_type_t(rawValue: raw) {
        case H5O_TYPE_GROUP: return .group
        case H5O_TYPE_DATASET: return .dataset
        case H5O_TYPE_NAMED_DATATYPE: return .namedType
        default: return .other
        }
    }

    func requireKind(_ kind: HDF5Member.Kind, at path: String, in loc: hid_t, expected: String) throws(HDF5Error) {
        let full = childPath(path)
        guard Self.linkExists(path, in: loc) else {
            throw HDF5Error.objectNotFound(file: filePath, object: full, expected: expected)
        }
        let found = Self.kind(at: path, in: loc)
        guard found == kind else {
            let words: [HDF5Member.Kind: String] = [.group: "a group", .dataset: "a dataset", .namedType: "a named datatype", .other: "a dangling link or unknown object"]
            throw HDF5Error.wrongObjectKind(file: filePath, object: full, expected: expected, found: words[found]!)
        }
    }
}
