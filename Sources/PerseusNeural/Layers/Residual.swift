/// A residual connection: main(x) + shortcut(x) (identity shortcut when none is given),
/// optionally followed by an activation.
public final class Residual: Layer {
    public let main: any Layer
    public let shortcut: (any Layer)?
    public let activation: (any Layer)?
    public var isTraining = true

    public init(_ main: any Layer, shortcut: (any Layer)? = nil, activation: (any Layer)? = nil) {
        self.main = main
        self.shortcut = shortcut
        self.activation = activation
    }

    public var children: [(name: String, module: any Module)] {
        var out: [(name: String, module: any Module)] = [("main", main)]
        if let shortcut { out.append(("shortcut", shortcut)) }
        if let activation { out.append(("activation", activation)) }
        return out
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        let sum = try main(input) + (shortcut.map { try $0(input) } ?? input)
        return try activation.map { try $0(sum) } ?? sum
    }
}
