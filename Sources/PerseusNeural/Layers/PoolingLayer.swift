/// Pooling as a layer: max or average, over `[N, C, L]` (1-D) or `[N, C, H, W]` (2-D).
public final class Pooling: Layer {
    public enum Kind: Sendable { case maximum, average }
    public let kind: Kind
    public let kernel: [Int]
    public let stride: [Int]
    public let padding: [Int]
    public var isTraining = true

    /// 1-D pooling.
    public init(_ kind: Kind, kernel: Int, stride: Int? = nil, padding: Int = 0) {
        self.kind = kind
        self.kernel = [kernel]; self.stride = [stride ?? kernel]; self.padding = [padding]
    }

    /// 2-D pooling.
    public init(_ kind: Kind, kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0)) {
        self.kind = kind
        let s = stride ?? kernel
        self.kernel = [kernel.0, kernel.1]; self.stride = [s.0, s.1]; self.padding = [padding.0, padding.1]
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        if kernel.count == 1 {
            return kind == .maximum ? try maxPool1d(input, kernel: kernel[0], stride: stride[0], padding: padding[0])
                                    : try avgPool1d(input, kernel: kernel[0], stride: stride[0], padding: padding[0])
        }
        let k = (kernel[0], kernel[1]), s = (stride[0], stride[1]), p = (padding[0], padding[1])
        return kind == .maximum ? try maxPool2d(input, kernel: k, stride: s, padding: p)
                                : try avgPool2d(input, kernel: k, stride: s, padding: p)
    }
}
