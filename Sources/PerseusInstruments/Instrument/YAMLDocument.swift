import Foundation
import Yams

/// Reads a YAML document into checked values, turning every problem into an
/// `InstrumentError.invalidDefinition` that names the file, the line and the key.
struct YAMLDocument {
    let origin: String
    let root: Node

    init(text: String, origin: String) throws(InstrumentError) {
        self.origin = origin
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw InstrumentError.invalidDefinition(origin: origin, line: nil, key: nil, message: "the file is empty")
            }
            root = node
        } catch let error as InstrumentError {
            throw error
        } catch let error as YamlError {
            switch error {
            case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
                throw .invalidDefinition(origin: origin, line: mark.line, key: nil, message: "not valid YAML: \(problem)")
            default:
                throw .invalidDefinition(origin: origin, line: nil, key: nil, message: "not valid YAML: \(error)")
            }
        } catch {
            throw .invalidDefinition(origin: origin, line: nil, key: nil, message: "not valid YAML: \(error)")
        }
    }

    func error(_ node: Node?, _ key: String?, _ message: String) -> InstrumentError {
        .invalidDefinition(origin: origin, line: node?.mark?.line, key: key, message: message)
    }

    /// The entries of a mapping, keys lower-cased, refusing duplicates and (when `allowed` is
    /// not empty) unknown keys.
    func mapping(_ node: Node, _ key: String, allowed: [String]) throws(InstrumentError) -> [String: Node] {
        guard let mapping = node.mapping else { throw error(node, key, "expected a mapping of keys to values") }
        var result: [String: Node] = [:]
        for (k, v) in mapping {
            guard let name = k.scalar?.string else { throw error(k, key, "keys must be plain text") }
            let lower = name.lowercased()
            let path = key.isEmpty ? name : "\(key).\(name)"
            guard result[lower] == nil else { throw error(k, path, "given more than once") }
            if !allowed.isEmpty, !allowed.contains(lower) {
                throw error(k, path, "unknown key; valid keys: \(allowed.joined(separator: ", "))")
            }
            result[lower] = v
        }
        return result
    }

    func string(_ node: Node, _ key: String) throws(InstrumentError) -> String {
        guard let scalar = node.scalar else { throw error(node, key, "expected text") }
        return scalar.string
    }

    func number(_ node: Node, _ key: String) throws(InstrumentError) -> Double {
        guard let scalar = node.scalar, let value = Double(scalar.string.trimmingCharacters(in: .whitespaces)), value.isFinite else {
            throw error(node, key, "expected a number, got '\(node.scalar?.string ?? "a collection")'")
        }
        return value
    }

    func integer(_ node: Node, _ key: String) throws(InstrumentError) -> Int {
        let value = try number(node, key)
        guard value == value.rounded(), abs(value) < 1e15 else { throw error(node, key, "expected a whole number, got \(value)") }
        return Int(value)
    }

    func numbers(_ node: Node, _ key: String, count: Int? = nil) throws(InstrumentError) -> [Double] {
        guard let sequence = node.sequence else { throw error(node, key, "expected a list of numbers, e.g. [1.8, 9.0]") }
        var values: [Double] = []
        for item in sequence { values.append(try number(item, key)) }
        if let count, values.count != count { throw error(node, key, "expected \(count) numbers, got \(values.count)") }
        return values
    }

    func required(_ entries: [String: Node], _ name: String, in parent: Node, _ path: String) throws(InstrumentError) -> Node {
        guard let node = entries[name] else {
            throw error(parent, path.isEmpty ? name : "\(path).\(name)", "missing; this key is required")
        }
        return node
    }
}
