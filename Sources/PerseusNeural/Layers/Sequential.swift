/// Layers applied in order; submodules are named "0", "1", ….
public final class Sequential: Layer {
    public let layers: [any Layer]
    public var isTraining = true

    public init(_ layers: [any Layer]) { self.layers = layers }

    public var children: [(name: String, module: any Module)] {
        layers.enumerated().map { (String($0.offset), $0.element as any Module) }
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        var x = input
        for layer in layers { x = try layer(x) }
        return x
    }
}
