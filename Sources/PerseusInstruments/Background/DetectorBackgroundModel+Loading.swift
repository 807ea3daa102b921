import Foundation
import PerseusCore
import PerseusIO
import Yams

extension DetectorBackgroundModel {
    /// The built-in background `name` (`nustar-fpma`): `NAME-background.yaml` (presets) and
    /// `NAME-background.bin` (aperture image, effective-area curves) embedded from Responses/.
    public static func builtIn(_ name: String) throws(InstrumentError) -> DetectorBackgroundModel {
        let yamlName = "\(name)-background.yaml", binName = "\(name)-background.bin"
        guard let text = EmbeddedFiles.text(yamlName), let bytes = EmbeddedFiles.bytes(binName) else {
            throw .corruptEmbeddedData(name: yamlName, problem: "no built-in background named '\(name)'")
        }
        return try parse(yaml: text, origin: "built-in:\(yamlName)", binary: bytes, binaryName: binName, name: name)
    }

    static func parse(yaml text: String, origin: String, binary: UnsafeRawBufferPointer, binaryName: String,
                      name: String) throws(InstrumentError) -> DetectorBackgroundModel {
        let doc = try YAMLDocument(text: text, origin: origin)
        let top = try doc.mapping(doc.root, "", allowed: ["pixel_arcsec", "detector_array", "default_region", "components"])
        let pixel = try doc.number(try doc.required(top, "pixel_arcsec", in: doc.root, ""), "pixel_arcsec")
        let arrayNode = try doc.required(top, "detector_array", in: doc.root, "")
        let array = try doc.mapping(arrayNode, "detector_array", allowed: ["centre", "detector_size"])
        let centre = try doc.numbers(try doc.required(array, "centre", in: arrayNode, "detector_array"), "detector_array.centre", count: 2)
        let size = try doc.number(try doc.required(array, "detector_size", in: arrayNode, "detector_array"), "detector_array.detector_size")
        let regionNode = try doc.required(top, "default_region", in: doc.root, "")
        let region = try doc.mapping(regionNode, "default_region", allowed: ["radius"])
        let radius = try doc.number(try doc.required(region, "radius", in: regionNode, "default_region"), "default_region.radius")

        let componentsNode = try doc.required(top, "components", in: doc.root, "")
        guard let list = componentsNode.sequence, !list.isEmpty else { throw doc.error(componentsNode, "components", "expected a list of components") }
        var components: [Component] = []
        for (index, node) in list.enumerated() {
            let path = "components[\(index)]"
            let entry = try doc.mapping(node, path, allowed: ["name", "description", "response", "norm", "terms"])
            let componentName = try doc.string(try doc.required(entry, "name", in: node, path), "\(path).name")
            let description = try entry["description"].map { (n: Node) throws(InstrumentError) in try doc.string(n, "\(path).description") } ?? ""
            let responseNode = try doc.required(entry, "response", in: node, path)
            let responseText = try doc.string(responseNode, "\(path).response").lowercased()
            let response: ResponseKind
            switch responseText {
            case "rmf": response = .rmf
            case "diagonal": response = .diagonal
            default:
                guard responseText.hasPrefix("rmf*") else {
                    throw doc.error(responseNode, "\(path).response", "expected rmf, rmf*AREA (be, fcxb) or diagonal, got '\(responseText)'")
                }
                response = .rmfTimes(String(responseText.dropFirst(4)))
            }
            let normNode = try doc.required(entry, "norm", in: node, path)
            let norm = try doc.mapping(normNode, "\(path).norm", allowed: ["per_aperture_sum", "per_backscal", "per_detector_pixels"])
            guard norm.count == 1, let (ruleName, ruleValue) = norm.first else {
                throw doc.error(normNode, "\(path).norm", "give exactly one of per_aperture_sum, per_backscal, per_detector_pixels")
            }
            let value = try doc.number(ruleValue, "\(path).norm.\(ruleName)")
            let rule: NormalisationRule = ruleName == "per_aperture_sum" ? .perApertureSum(value)
                : ruleName == "per_backscal" ? .perBackscal(value) : .perDetectorPixels(value)
            let termsNode = try doc.required(entry, "terms", in: node, path)
            guard let termList = termsNode.sequence, !termList.isEmpty else { throw doc.error(termsNode, "\(path).terms", "expected a list of terms") }
            var terms: [Term] = []
            for (t, termNode) in termList.enumerated() {
                let termPath = "\(path).terms[\(t)]"
                guard let mapping = termNode.mapping else { throw doc.error(termNode, termPath, "expected {model: NAME, PARAMETER: VALUE, …}") }
                var model: String?, detectors: [Double]?, parameters: [(name: String, value: Double)] = []
                for (k, v) in mapping {
                    let key = k.scalar?.string ?? ""
                    switch key.lowercased() {
                    case "model": model = try doc.string(v, "\(termPath).model")
                    case "detectors": detectors = try doc.numbers(v, "\(termPath).detectors", count: 4)
                    default: parameters.append((key, try doc.number(v, "\(termPath).\(key)")))
                    }
                }
                guard let model else { throw doc.error(termNode, "\(termPath).model", "missing; name the spectral model") }
                if case .perDetectorPixels = rule, detectors == nil {
                    throw doc.error(termNode, "\(termPath).detectors", "missing; per_detector_pixels needs one factor per detector")
                }
                terms.append(Term(model: model, parameters: parameters, detectors: detectors))
            }
            components.append(Component(name: componentName, description: description, response: response, rule: rule, terms: terms))
        }

        var cursor = BinaryCursor(binary, name: binaryName)
        try cursor.magic("PNBG")
        let version = try cursor.u32()
        guard version == 1 else { throw .corruptEmbeddedData(name: binaryName, problem: "format version \(version), expected 1") }
        let width = try cursor.u32(), height = try cursor.u32(), energyCount = try cursor.u32()
        let image = try cursor.float32s(width * height)
        let lo = try cursor.floats(energyCount), hi = try cursor.floats(energyCount)
        let be = try cursor.floats(energyCount), fcxb = try cursor.floats(energyCount)
        let energies: EnergyGrid
        do { energies = try EnergyGrid(lo: lo, hi: hi) } catch { throw .corruptEmbeddedData(name: binaryName, problem: "\(error)") }
        let areas = ["be": be, "fcxb": fcxb]
        for component in components {
            if case let .rmfTimes(area) = component.response, areas[area] == nil {
                throw .invalidDefinition(origin: origin, line: nil, key: "components.\(component.name).response",
                                         message: "no effective-area curve '\(area)'; available: \(areas.keys.sorted().joined(separator: ", "))")
            }
        }
        return DetectorBackgroundModel(name: name, components: components, pixelArcsec: pixel, arrayCentre: (centre[0], centre[1]),
                                       detectorSize: size, defaultRegion: .circle(radius: radius), image: image,
                                       imageWidth: width, imageHeight: height, energies: energies, areas: areas)
    }
}
