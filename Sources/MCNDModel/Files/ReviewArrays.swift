/// The review calibration's large float arrays (class means, the whitening,
/// the input subspace, the neighbour prototypes, the pixel statistics): in a
/// format-2 model file each is a float32 array of the `.npz`, checked by its
/// CRC-32 as the weights are, and left empty in `meta`'s JSON. Decoding them
/// as JSON numbers was most of the time a start-up spent loading the model.
/// A file of format 1 keeps them in the JSON and still loads.
///
/// A class without training rows has no mean: its row of a `*_means` array is NaN.
enum ReviewArrays: String, CaseIterable {
    case familiarityMeans = "review_familiarity_means"
    case mahalanobisMeans = "review_mahalanobis_means"
    case mahalanobisWhitening = "review_mahalanobis_whitening"
    case subspaceMean = "review_subspace_mean"
    case subspaceBasis = "review_subspace_basis"
    case neighbourCentres = "review_neighbour_centres"
    case pixelMean = "review_pixel_mean"
    case pixelPrecision = "review_pixel_precision"

    /// The arrays of `review`, each taken out of it (left empty).
    static func take(from review: inout ReviewCalibration) -> [(name: String, array: NumpyArchive.Array)] {
        var out: [(name: String, array: NumpyArchive.Array)] = []
        func flat(_ name: Self, _ values: inout [Float], _ rows: Int) {
            out.append((name.rawValue, .float32(shape: rows > 1 ? [rows, values.count / rows] : [values.count], values: values)))
            values = []
        }
        func ragged(_ name: Self, _ rows: inout [[Float]]) {
            let width = rows.first { !$0.isEmpty }?.count ?? 0
            let values = rows.flatMap { $0.isEmpty ? [Float](repeating: .nan, count: width) : $0 }
            out.append((name.rawValue, .float32(shape: [rows.count, width], values: values)))
            rows = []
        }
        if var c = review.familiarity {
            ragged(.familiarityMeans, &c.means)
            review.familiarity = c
        }
        if var c = review.mahalanobis {
            ragged(.mahalanobisMeans, &c.means)
            flat(.mahalanobisWhitening, &c.whitening, c.units)
            review.mahalanobis = c
        }
        if var c = review.inputCheck {
            flat(.subspaceMean, &c.mean, 1)
            flat(.subspaceBasis, &c.basis, c.count)
            review.inputCheck = c
        }
        if var c = review.neighbours {
            flat(.neighbourCentres, &c.centres, c.count)
            review.neighbours = c
        }
        if var c = review.pixelDensity {
            flat(.pixelMean, &c.mean, 1)
            flat(.pixelPrecision, &c.precision, 1)
            review.pixelDensity = c
        }
        return out
    }

    /// Puts back into `review` each array `archive` holds (a format-1 file
    /// holds none: its JSON had them); `classes`: the model's labels, a row each in the means.
    static func restore(_ review: inout ReviewCalibration, from archive: NumpyArchive, classes: Int) throws(ModelFile.Failure) {
        func flat(_ name: Self, count: (Int) -> Bool) throws(ModelFile.Failure) -> [Float]? {
            guard let array = archive[name.rawValue] else { return nil }
            guard case .float32(_, let values) = array, count(values.count) else {
                throw .invalid("\(name.rawValue) is not float32 or has the wrong size")
            }
            return values
        }
        func ragged(_ name: Self) throws(ModelFile.Failure) -> [[Float]]? {
            guard let array = archive[name.rawValue] else { return nil }
            guard case .float32(let shape, let values) = array, shape.count == 2, shape[0] == classes else {
                throw .invalid("\(name.rawValue) is not float32 of \(classes) rows")
            }
            let width = shape[1]
            return (0..<classes).map { c in
                let row = Array(values[c * width..<(c + 1) * width])
                return row.first?.isNaN ?? true ? [] : row
            }
        }
        if var c = review.familiarity {
            c.means = try ragged(.familiarityMeans) ?? c.means
            review.familiarity = c
        }
        if var c = review.mahalanobis {
            c.means = try ragged(.mahalanobisMeans) ?? c.means
            c.whitening = try flat(.mahalanobisWhitening) { $0 == c.units * c.units } ?? c.whitening
            review.mahalanobis = c
        }
        if var c = review.inputCheck {
            c.mean = try flat(.subspaceMean) { _ in true } ?? c.mean
            c.basis = try flat(.subspaceBasis) { $0 == c.count * c.mean.count } ?? c.basis
            review.inputCheck = c
        }
        if var c = review.neighbours {
            c.centres = try flat(.neighbourCentres) { $0 == c.count * c.width } ?? c.centres
            review.neighbours = c
        }
        if var c = review.pixelDensity {
            c.mean = try flat(.pixelMean) { _ in true } ?? c.mean
            c.precision = try flat(.pixelPrecision) { $0 == c.mean.count } ?? c.precision
            review.pixelDensity = c
        }
    }
}
