import CHDF5

extension HDF5Object {
    /// Names of the attributes attached to this object, in name order.
    public func attributeNames() throws(HDF5Error) -> [String] {
        try handle.withID { (loc) throws(HDF5Error) -> [String] in
            let count = perseus_h5o_attribute_count(loc)
            guard count >= 0 else { throw failure("counting attributes") }
            var names: [String] = []
            for index in 0..<hsize_t(count) {
                let length = H5Aget_name_by_idx(loc, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, perseus_h5p_default())
                guard length >= 0 else { throw failure("reading the name of attribute \(index)") }
                var buffer = [CChar](repeating: 0, count: Int(length) + 1)
                guard H5Aget_name_by_idx(loc, ".", H5_INDEX_NAME, H5_ITER_INC, index, &buffer, buffer.count, perseus_h5p_default()) >= 0 else {
                    throw failure("reading the name of attribute \(index)")
                }
                names.append(String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
            return names
        }
    }

    /// Whether an attribute called `name` is attached to this object.
    public func hasAttribute(_ name: String) throws(HDF5Error) -> Bool {
        try handle.withID { (loc) throws(HDF5Error) -> Bool in
            let exists = H5Aexists(loc, name)
            guard exists >= 0 else { throw failure("looking up attribute '\(name)'") }
            return exists > 0
        }
    }

    /// Attaches `value` as attribute `name`, replacing any attribute of that name.
    /// - Throws: `HDF5Error.invalidArgument` for a string containing NUL, `.callFailed` otherwise.
    public func setAttribute(_ name: String, _ value: HDF5AttributeValue) throws(HDF5Error) {
        let where_ = "attribute '\(name)'"
        try handle.withID { (loc) throws(HDF5Error) in
            let exists = H5Aexists(loc, name)
            guard exists >= 0 else { throw failure("looking up \(where_)") }
            if exists > 0 { guard H5Adelete(loc, name) >= 0 else { throw failure("replacing \(where_)") } }

            let elementType: HDF5ElementType
            let count: Int?   // nil for a scalar
            switch value {
            case .string: (elementType, count) = (.string(.variable), nil)
            case let .strings(v): (elementType, count) = (.string(.variable), v.count)
            case .int: (elementType, count) = (.int64, nil)
            case let .ints(v): (elementType, count) = (.int64, v.count)
            case .uint: (elementType, count) = (.uint64, nil)
            case let .uints(v): (elementType, count) = (.uint64, v.count)
            case .double: (elementType, count) = (.float64, nil)
            case let .doubles(v): (elementType, count) = (.float64, v.count)
            }
            let typeID = elementType.makeTypeID()
            guard typeID >= 0 else { throw failure("creating the type of \(where_)") }
            defer { H5Tclose(typeID) }
            let space: hid_t
            if let count {
                var dims = [hsize_t(count)]
                space = H5Screate_simple(1, &dims, nil)
            } else {
                space = H5Screate(H5S_SCALAR)
            }
            guard space >= 0 else { throw failure("creating the dataspace of \(where_)") }
            defer { H5Sclose(space) }
            let attribute = H5Acreate2(loc, name, typeID, space, perseus_h5p_default(), perseus_h5p_default())
            guard attribute >= 0 else { throw failure("creating \(where_)") }
            defer { H5Aclose(attribute) }

            func writeNumbers<T: HDF5Numeric>(_ values: [T]) throws(HDF5Error) {
                guard !values.isEmpty else { return }
                let status = values.withUnsafeBytes { H5Awrite(attribute, T.hdf5ElementType.nativeNumericType!, $0.baseAddress!) }
                guard status >= 0 else { throw failure("writing \(where_)") }
            }
            func writeStrings(_ values: [String]) throws(HDF5Error) {
                guard !values.isEmpty else { return }
                try HDF5StringCodec.write(values, layout: .variable,
                                          invalid: { HDF5Error.invalidArgument(file: filePath, object: path, message: "\(where_): \($0)") },
                                          fail: { failure("\($0) in \(where_)") }) { memType, buffer in
                    H5Awrite(attribute, memType, buffer)
                }
            }
            switch value {
            case let .string(v): try writeStrings([v])
            case let .strings(v): try writeStrings(v)
            case let .int(v): try writeNumbers([v])
            case let .ints(v): try writeNumbers(v)
            case let .uint(v): try writeNumbers([v])
            case let .uints(v): try writeNumbers(v)
            case let .double(v): try writeNumbers([v])
            case let .doubles(v): try writeNumbers(v)
            }
        }
    }

    /// Reads attribute `name`. Integers of any width read as `.int`/`.ints` (or `.uint`/`.uints`
    /// for unsigned 64-bit), floats of any width as `.double`/`.doubles`, strings of either
    /// layout as `.string`/`.strings`; a dataspace of rank > 1 is flattened row-major.
    /// - Throws: `HDF5Error.attributeNotFound`, or `.attributeType` for other types.
    public func attribute(_ name: String) throws(HDF5Error) -> HDF5AttributeValue {
        let where_ = "attribute '\(name)'"
        return try handle.withID { (loc) throws(HDF5Error) -> HDF5AttributeValue in
            let exists = H5Aexists(loc, name)
            guard exists >= 0 else { throw failure("looking up \(where_)") }
            guard exists > 0 else { throw HDF5Error.attributeNotFound(file: filePath, object: path, attribute: name) }
            let attribute = H5Aopen(loc, name, perseus_h5p_default())
            guard attribute >= 0 else { throw failure("opening \(where_)") }
            defer { H5Aclose(attribute) }
            let typeID = H5Aget_type(attribute)
            guard typeID >= 0 else { throw failure("reading the type of \(where_)") }
            defer { H5Tclose(typeID) }
            let space = H5Aget_space(attribute)
            guard space >= 0 else { throw failure("reading the dataspace of \(where_)") }
            defer { H5Sclose(space) }
            let spaceClass = H5Sget_simple_extent_type(space)
            let isScalar = spaceClass == H5S_SCALAR
            let count = spaceClass == H5S_NULL ? 0 : Int(H5Sget_simple_extent_npoints(space))
            let type = HDF5ElementType(typeID: typeID)

            func readNumbers<T: HDF5Numeric>(_: T.Type) throws(HDF5Error) -> [T] {
                guard count > 0 else { return [] }
                var values = [T](repeating: zero(T.self), count: count)
                let status = values.withUnsafeMutableBytes { H5Aread(attribute, T.hdf5ElementType.nativeNumericType!, $0.baseAddress!) }
                guard status >= 0 else { throw failure("reading \(where_)") }
                return values
            }
            switch type {
            case .string:
                let values = try HDF5StringCodec.read(count: count, fileType: typeID, fail: { failure("\($0) in \(where_)") }) { memType, buffer in
                    H5Aread(attribute, memType, buffer)
                }
                return isScalar ? .string(values.first ?? "") : .strings(values)
            case .uint64:
                let values = try readNumbers(UInt64.self)
                return isScalar ? .uint(values[0]) : .uints(values)
            case .int8, .uint8, .int16, .uint16, .int32, .uint32, .int64:
                let values = try readNumbers(Int64.self)
                return isScalar ? .int(values[0]) : .ints(values)
            case .float32, .float64:
                let values = try readNumbers(Double.self)
                return isScalar ? .double(values[0]) : .doubles(values)
            case let .other(description):
                throw HDF5Error.attributeType(file: filePath, object: path, attribute: name,
                                              expected: "a string, integer or floating-point value", found: description)
            }
        }
    }

    // MARK: Typed getters

    /// Attribute `name` as one string. - Throws: `HDF5Error.attributeType` if it is anything else.
    public func stringAttribute(_ name: String) throws(HDF5Error) -> String {
        let value = try attribute(name)
        guard case let .string(text) = value else { throw typeError(name, "a scalar string", value) }
        return text
    }

    /// Attribute `name` as an array of strings.
    public func stringsAttribute(_ name: String) throws(HDF5Error) -> [String] {
        let value = try attribute(name)
        guard case let .strings(texts) = value else { throw typeError(name, "an array of strings", value) }
        return texts
    }

    /// Attribute `name` as one signed integer (an unsigned value must fit in Int64).
    public func intAttribute(_ name: String) throws(HDF5Error) -> Int64 {
        let value = try attribute(name)
        switch value {
        case let .int(number): return number
        case let .uint(number) where number <= UInt64(Int64.max): return Int64(number)
        default: throw typeError(name, "a scalar integer", value)
        }
    }

    /// Attribute `name` as an array of signed integers.
    public func intsAttribute(_ name: String) throws(HDF5Error) -> [Int64] {
        let value = try attribute(name)
        switch value {
        case let .ints(numbers): return numbers
        case let .uints(numbers) where numbers.allSatisfy({ $0 <= UInt64(Int64.max) }): return numbers.map { Int64($0) }
        default: throw typeError(name, "an array of integers", value)
        }
    }

    /// Attribute `name` as one unsigned 64-bit integer (a signed value must be ≥ 0).
    public func uintAttribute(_ name: String) throws(HDF5Error) -> UInt64 {
        let value = try attribute(name)
        switch value {
        case let .uint(number): return number
        case let .int(number) where number >= 0: return UInt64(number)
        default: throw typeError(name, "a scalar unsigned integer", value)
        }
    }

    /// Attribute `name` as one double.
    public func doubleAttribute(_ name: String) throws(HDF5Error) -> Double {
        let value = try attribute(name)
        guard case let .double(number) = value else { throw typeError(name, "a scalar floating-point number", value) }
        return number
    }

    /// Attribute `name` as an array of doubles.
    public func doublesAttribute(_ name: String) throws(HDF5Error) -> [Double] {
        let value = try attribute(name)
        guard case let .doubles(numbers) = value else { throw typeError(name, "an array of floating-point numbers", value) }
        return numbers
    }

    private func typeError(_ name: String, _ expected: String, _ found: HDF5AttributeValue) -> HDF5Error {
        .attributeType(file: filePath, object: path, attribute: name, expected: expected, found: found.kindDescription)
    }
}

/// A zero of any numeric HDF5 type (all-zero bits are zero for every integer and IEEE type).
private func zero<T: HDF5Numeric>(_: T.Type) -> T {
    withUnsafeTemporaryAllocation(of: T.self, capacity: 1) { buffer in
        UnsafeMutableRawBufferPointer(buffer).initializeMemory(as: UInt8.self, repeating: 0)
        return buffer[0]
    }
}
