import MCNDModel
import Testing

/// The bound on idle oneDNN primitives: a daemon meets ever new matrix shapes
/// (each pass's batch of requests, each run's folds), and kept all of them.
struct IdlePoolTests {
    @Test("past its capacity the pool drops the key used longest ago")
    func evictsLeastRecentlyUsed() {
        var pool = IdlePool<Int, String>(capacity: 3)
        pool.put("a", for: 1)
        pool.put("b", for: 2)
        pool.put("c", for: 3)
        _ = pool.take(1)
        pool.put("a", for: 1)
        pool.put("d", for: 4)
        #expect(pool.count == 3)
        #expect(pool.idleCount(2) == 0, "key 2 was used longest ago")
        #expect(pool.take(1) == "a" && pool.take(3) == "c" && pool.take(4) == "d")
        #expect(pool.take(2) == nil && pool.count == 0)
    }

    @Test("two objects of one key are both kept while within capacity")
    func keepsSeveralPerKey() {
        var pool = IdlePool<Int, Int>(capacity: 4)
        pool.put(1, for: 7)
        pool.put(2, for: 7)
        #expect(pool.idleCount(7) == 2 && pool.count == 2)
    }

    @Test("predicting batches of 300 different sizes keeps a bounded number of primitives")
    func predictionShapesAreBounded() {
        let weights = NetworkWeights(
            inputs: 16, units: 4, classes: 3, w1: [Float](repeating: 0.01, count: 16 * 4), b1: [Float](repeating: 0, count: 4),
            w2: [Float](repeating: 0.1, count: 4 * 3), b2: [Float](repeating: 0, count: 3))
        let network = MultiClassNetwork(weights: weights)
        for rows in 1...300 {
            _ = network.predict(FeatureRows(values: [Float](repeating: 0.5, count: rows * 16), width: 16))
        }
        #expect(MultiClassNetwork.idleKernels <= MultiClassNetwork.idleKernelCapacity)
    }
}
