/// One member (link) of a group.
public struct HDF5Member: Sendable, Hashable {
    /// What a member is.
    public enum Kind: Sendable, Hashable {
        case group, dataset, namedType
        /// A dangling link or an object type Perseus does not know.
        case other
    }

    /// The link name inside the group.
    public let name: String
    /// What the link points to.
    public let kind: Kind

    public init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }
}
