import PerseusData

/// The files of `Responses/` embedded in the binary (instrument definitions, compact responses,
/// background presets): see Sources/PerseusData/responses.S.
enum EmbeddedFiles {
    /// Names of the embedded files, e.g. `nustar-fpma.yaml`.
    static var names: [String] {
        (0..<perseus_response_file_count()).compactMap { index in
            perseus_response_file_name(index).map { String(cString: $0) }
        }
    }

    /// The bytes of file `name`, or nil if it is not embedded. The memory is static.
    static func bytes(_ name: String) -> UnsafeRawBufferPointer? {
        let blob = perseus_response_file(name)
        guard let start = blob.bytes, blob.size > 0 else { return nil }
        return UnsafeRawBufferPointer(start: start, count: blob.size)
    }

    /// File `name` decoded as UTF-8 text, or nil.
    static func text(_ name: String) -> String? {
        bytes(name).map { String(decoding: $0, as: UTF8.self) }
    }
}
