import Foundation
import PerseusCore
import PerseusTestSupport
import Testing
@testable import PerseusIO

/// h5py (the way PyTorch users read data) sees a written dataset exactly as
/// docs/dataset-schema.md describes it: names, dtypes, shapes, attributes, filters, NaN rule.
@Suite struct DatasetH5pyTests {
    static let python = Python.canImport("h5py", "numpy")

    @Test(.enabled(if: python, "h5py or numpy is not installed for python3; skipping the h5py cross-check"))
    func spectraFileMatchesTheSchemaDocument() throws {
        let directory = try DatasetTestDirectory()
        let path = directory.path("train.h5")
        let n = 90, c = 64
        let description = DatasetFixtures.spectra(channels: c, expected: .float32)
        let samples = (0..<n).map { DatasetFixtures.spectrum($0, channels: c) }
        let writer = try DatasetWriter(path: path, description: description, batchRows: 16)
        for sample in samples { try writer.append(sample) }
        _ = try writer.finish()

        // Only what docs/dataset-schema.md promises is used here.
        let result = try Python.json("""
            import sys, json, h5py, numpy as np
            out = {}
            with h5py.File(sys.argv[1], "r") as f:
                a = f.attrs
                out["root"] = {k: (a[k].item() if hasattr(a[k], "item") else a[k]) for k in a.keys()}
                out["root_types"] = {k: type(a[k]).__name__ for k in a.keys()}
                kind = a["kind"]
                x = f[kind]
                out["members"] = sorted(f.keys())
                def info(d):
                    return {"dtype": str(d.dtype), "shape": list(d.shape), "compression": d.compression,
                            "level": d.compression_opts, "shuffle": d.shuffle, "chunks": list(d.chunks) if d.chunks else None}
                out["datasets"] = {name: info(f[name]) for name in f.keys()}
                out["units"] = x.attrs["units"]
                out["row5"] = x[5].tolist()
                out["expected5"] = f["expected"][5].tolist()
                out["expected_dtype"] = str(f["expected"].dtype)
                y = f["labels"][:]
                names = list(f["labels"].attrs["class_names"])
                out["class_names"] = names
                out["class_name_type"] = type(names[0]).__name__
                anomalous = f["labels"].attrs["class_is_anomaly"].astype(bool)
                out["class_is_anomaly"] = anomalous.tolist()
                out["labels"] = y.tolist()
                out["bincount"] = np.bincount(y, minlength=len(names)).tolist()
                out["anomaly_truth"] = anomalous[y].tolist()
                t = f["truth"][:]
                out["truth_nan"] = np.isnan(t).tolist()
                # Exact values as hexadecimal floats (JSON decimal parsing may be off by an ulp).
                out["truth"] = [[float.hex(float(v)) for v in row] for row in np.nan_to_num(t, nan=-999.0)]
                out["parameter_names"] = list(f["truth"].attrs["parameter_names"])
                out["parameter_units"] = list(f["truth"].attrs["parameter_units"])
                out["channel"] = f["channel"][:].tolist()
                out["channel_dtype"] = str(f["channel"].dtype)
                out["energy"] = (0.5 * (f["e_min"][:] + f["e_max"][:])).tolist()
                out["e_units"] = [f["e_min"].attrs["units"], f["e_max"].attrs["units"]]
                out["sample_index"] = f["sample_index"][:].tolist()
                out["batch_dtype"] = str(x[0:32].astype(np.float32).dtype)
                out["batch_shape"] = list(x[0:32].shape)
            print(json.dumps(out))
            """, arguments: [path]) as! [String: Any]

        let root = result["root"] as! [String: Any]
        #expect(root["format"] as? String == "perseus-dataset")
        #expect(root["schema_version"] as? Int == 1)
        #expect(root["kind"] as? String == "spectra")
        #expect(root["sample_count"] as? Int == n)
        #expect(root["scenario"] as? String == DatasetFixtures.scenario)
        #expect(root["instrument"] as? String == "hitomi-sxs")
        #expect(root["exposure"] as? Double == 1e5)
        #expect((root["seed"] as? NSNumber)?.uint64Value == 0xDEAD_BEEF_0000_0042)
        #expect(root["software"] as? String == "perseus")
        #expect(root["software_version"] as? String == PerseusVersion.string)
        #expect(root["created"] as? String == "2025-02-19T21:20:00Z")
        #expect(root["first_sample_index"] as? Int == 0)
        #expect(root["shard_index"] == nil && root["shard_count"] == nil)
        let types = result["root_types"] as! [String: String]
        #expect(types["scenario"] == "str" && types["kind"] == "str" && types["seed"] == "uint64")

        #expect(result["members"] as? [String] == ["channel", "e_max", "e_min", "expected", "labels", "sample_index", "spectra", "truth"])
        let datasets = result["datasets"] as! [String: [String: Any]]
        let expectedShapes: [String: (String, [Int])] = [
            "spectra": ("int32", [n, c]), "expected": ("float32", [n, c]), "labels": ("int64", [n]),
            "truth": ("float64", [n, 5]), "sample_index": ("int64", [n]),
            "channel": ("int32", [c]), "e_min": ("float64", [c]), "e_max": ("float64", [c]),
        ]
        for (name, (dtype, shape)) in expectedShapes {
            #expect(datasets[name]?["dtype"] as? String == dtype, "\(name) dtype")
            #expect(datasets[name]?["shape"] as? [Int] == shape, "\(name) shape")
        }
        for name in ["spectra", "expected", "labels", "truth", "sample_index"] {
            #expect(datasets[name]?["compression"] as? String == "gzip", "\(name) compression")
            #expect(datasets[name]?["level"] as? Int == 4, "\(name) level")
            #expect(datasets[name]?["shuffle"] as? Bool == true, "\(name) shuffle")
        }
        let chunks = datasets["spectra"]?["chunks"] as? [Int] ?? []
        #expect(chunks.count == 2 && chunks[1] == c && chunks[0] * c * 4 <= 256 * 1024)

        #expect(result["units"] as? String == "counts")
        guard case let .counts(row5) = samples[5].values else { Issue.record("fixture is not counts"); return }
        #expect((result["row5"] as? [Int])?.map { Int32($0) } == row5)
        #expect((result["expected5"] as? [Double])?.map { Float($0) } == samples[5].expected!.map { Float($0) })
        #expect(result["class_names"] as? [String] == ["1T", "2T", "NEI"])
        #expect(result["class_name_type"] as? String == "str")
        #expect(result["class_is_anomaly"] as? [Bool] == [false, true, true])
        #expect(result["labels"] as? [Int] == samples.map(\.label))
        #expect(result["bincount"] as? [Int] == [30, 30, 30])
        #expect(result["anomaly_truth"] as? [Bool] == samples.map { $0.label != 0 })
        #expect(result["parameter_names"] as? [String] == DatasetFixtures.parameters.map(\.name))
        #expect(result["parameter_units"] as? [String] == DatasetFixtures.parameters.map(\.unit))
        let nanMask = result["truth_nan"] as! [[Bool]]
        let truth = (result["truth"] as! [[String]]).map { $0.map { Double($0) ?? .infinity } }
        for (i, sample) in samples.enumerated() {
            #expect(nanMask[i] == sample.truth.map(\.isNaN), "NaN pattern of sample \(i)")
            #expect(truth[i] == sample.truth.map { $0.isNaN ? -999 : $0 }, "truth of sample \(i)")
        }
        // The NaN rule of the document: 1T lacks kT2 and tau, 2T lacks tau, NEI lacks kT2.
        #expect(nanMask[0] == [false, false, true, true, false])
        #expect(nanMask[1] == [false, false, false, true, false])
        #expect(nanMask[2] == [false, false, true, false, false])
        #expect(result["channel"] as? [Int] == Array(0..<c))
        #expect(result["channel_dtype"] as? String == "int32")
        let energies = result["energy"] as! [Double]
        let channels = DatasetFixtures.channels(c)
        #expect(zip(energies, zip(channels.eMin, channels.eMax)).allSatisfy { abs($0 - 0.5 * ($1.0 + $1.1)) < 1e-12 })
        #expect(result["e_units"] as? [String] == ["keV", "keV"])
        #expect(result["sample_index"] as? [Int] == Array(0..<n))
        #expect(result["batch_dtype"] as? String == "float32")
        #expect(result["batch_shape"] as? [Int] == [32, c])
    }

    @Test(.enabled(if: python, "h5py or numpy is not installed for python3; skipping the h5py cross-check"))
    func eventsAndImagesMatchTheSchemaDocument() throws {
        let directory = try DatasetTestDirectory()
        let events = directory.path("events.h5")
        let features = [DatasetQuantity("size", unit: "p.e."), DatasetQuantity("width", unit: "deg"), DatasetQuantity("alpha", unit: "deg")]
        let writer = try DatasetWriter(path: events, description: DatasetDescription(
            layout: .events(features: features), classes: [DatasetClass("gamma"), DatasetClass("hadron", isAnomaly: true)],
            metadata: DatasetMetadata(instrument: "taiga-iact", exposure: 0, seed: 5)))
        let eventSamples = (0..<10).map { DatasetFixtures.floats($0, size: 3, label: $0 % 2) }
        for sample in eventSamples { try writer.append(sample) }
        _ = try writer.finish()
        let images = directory.path("images.h5")
        let imageWriter = try DatasetWriter(path: images, description: DatasetDescription(
            layout: .images(height: 4, width: 5), classes: [DatasetClass("cluster")],
            parameters: [DatasetQuantity("log10_M500", unit: "log10(M_sun)")],
            metadata: DatasetMetadata(instrument: "chandra-acis-i", exposure: 1e5, seed: 6)))
        let imageSamples = (0..<3).map { DatasetFixtures.floats($0, size: 20, label: 0, parameters: 1) }
        for sample in imageSamples { try imageWriter.append(sample) }
        _ = try imageWriter.finish()

        let result = try Python.json("""
            import sys, json, h5py
            out = {}
            with h5py.File(sys.argv[1], "r") as f:
                e = f[f.attrs["kind"]]
                out["events"] = {"kind": f.attrs["kind"], "dtype": str(e.dtype), "shape": list(e.shape),
                                 "names": list(e.attrs["feature_names"]), "units": list(e.attrs["feature_units"]),
                                 "members": sorted(f.keys()), "row3": e[3].tolist()}
            with h5py.File(sys.argv[2], "r") as f:
                im = f[f.attrs["kind"]]
                out["images"] = {"kind": f.attrs["kind"], "dtype": str(im.dtype), "shape": list(im.shape),
                                 "members": sorted(f.keys()), "pixel_1_2_of_2": float(im[2, 1, 2]),
                                 "units": im.attrs["units"]}
            print(json.dumps(out))
            """, arguments: [events, images]) as! [String: [String: Any]]
        let e = result["events"]!
        #expect(e["kind"] as? String == "events" && e["dtype"] as? String == "float32" && e["shape"] as? [Int] == [10, 3])
        #expect(e["names"] as? [String] == ["size", "width", "alpha"] && e["units"] as? [String] == ["p.e.", "deg", "deg"])
        #expect(e["members"] as? [String] == ["events", "labels", "sample_index"])
        guard case let .values(row3) = eventSamples[3].values else { return }
        #expect((e["row3"] as? [Double])?.map { Float($0) } == row3)
        let i = result["images"]!
        #expect(i["kind"] as? String == "images" && i["dtype"] as? String == "float32" && i["shape"] as? [Int] == [3, 4, 5])
        #expect(i["members"] as? [String] == ["images", "labels", "sample_index", "truth"])
        #expect(i["units"] as? String == "counts")
        guard case let .values(image2) = imageSamples[2].values else { return }
        #expect((i["pixel_1_2_of_2"] as? Double).map { Float($0) } == image2[1 * 5 + 2])   // row-major (y, x)
    }
}
