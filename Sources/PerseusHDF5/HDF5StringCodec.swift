import CHDF5

/// Moves UTF-8 text between Swift strings and HDF5 string types (datasets and attributes).
/// All functions are called with the HDF5 lock held.
enum HDF5StringCodec {
    /// Reads `count` strings stored with `fileType` through `io` (which calls `H5Dread` or
    /// `H5Aread` with the memory type and buffer it is given).
    static func read(count: Int, fileType: hid_t, fail: (String) -> HDF5Error,
                     _ io: (hid_t, UnsafeMutableRawPointer) -> herr_t) throws(HDF5Error) -> [String] {
        guard count > 0 else { return [] }
        let variable = H5Tis_variable_str(fileType) > 0
        let size = H5Tget_size(fileType)
        let memType = H5Tcopy(perseus_h5t_c_s1())
        guard memType >= 0 else { throw fail("creating the string memory type") }
        defer { H5Tclose(memType) }
        guard H5Tset_size(memType, variable ? perseus_h5t_variable() : size) >= 0,
              H5Tset_cset(memType, H5Tget_cset(fileType)) >= 0,
              H5Tset_strpad(memType, H5Tget_strpad(fileType)) >= 0 else {
            throw fail("creating the string memory type")
        }
        if variable {
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
            let status = pointers.withUnsafeMutableBytes { io(memType, $0.baseAddress!) }
            guard status >= 0 else { throw fail("reading strings") }
            let result = pointers.map { $0.map { String(cString: $0) } ?? "" }
            var dims = [hsize_t(count)]
            let space = H5Screate_simple(1, &dims, nil)
            if space >= 0 {
                _ = pointers.withUnsafeMutableBytes { perseus_h5_reclaim(memType, space, $0.baseAddress!) }
                H5Sclose(space)
            }
            return result
        }
        var bytes = [UInt8](repeating: 0, count: count * size)
        let status = bytes.withUnsafeMutableBytes { io(memType, $0.baseAddress!) }
        guard status >= 0 else { throw fail("reading strings") }
        let spacePadded = H5Tget_strpad(fileType) == H5T_STR_SPACEPAD
        return (0..<count).map { index in
            var slice = bytes[(index * size)..<((index + 1) * size)]
            if let nul = slice.firstIndex(of: 0) { slice = slice[..<nul] }
            if spacePadded { while slice.last == 0x20 { slice = slice.dropLast() } }
            return String(decoding: slice, as: UTF8.self)
        }
    }

    /// Writes `values` through `io` (which calls `H5Dwrite` or `H5Awrite`).
    /// - Throws: `HDF5Error` built by `invalid` for a NUL character or a text longer than a
    ///   fixed length; by `fail` if libhdf5 fails.
    static func write(_ values: [String], layout: HDF5StringLayout, invalid: (String) -> HDF5Error,
                      fail: (String) -> HDF5Error, _ io: (hid_t, UnsafeRawPointer) -> herr_t) throws(HDF5Error) {
        for (index, value) in values.enumerated() where value.utf8.contains(0) {
            throw invalid("string \(index) contains a NUL character, which HDF5 strings cannot hold")
        }
        let memType = HDF5ElementType.string(layout).makeTypeID()
        guard memType >= 0 else { throw fail("creating the string memory type") }
        defer { H5Tclose(memType) }
        switch layout {
        case .variable:
            let status = withCStrings(values) { pointers in
                pointers.withUnsafeBytes { io(memType, $0.baseAddress!) }
            }
            guard status >= 0 else { throw fail("writing strings") }
        case let .fixed(length):
            let size = max(length, 1)
            var bytes = [UInt8](repeating: 0, count: values.count * size)
            for (index, value) in values.enumerated() {
                let utf8 = Array(value.utf8)
                guard utf8.count <= size else {
                    throw invalid("string \(index) is \(utf8.count) bytes of UTF-8; the fixed-length type holds \(size)")
                }
                bytes.replaceSubrange((index * size)..<(index * size + utf8.count), with: utf8)
            }
            let status = bytes.withUnsafeBytes { io(memType, $0.baseAddress!) }
            guard status >= 0 else { throw fail("writing strings") }
        }
    }
}
