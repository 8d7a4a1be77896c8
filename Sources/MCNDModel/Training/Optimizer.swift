/// How a step turns the gradient into a weight change (`train.optimizer`).
public enum Optimizer: String, Sendable, Codable, CaseIterable {
    /// `w -= lr·g` (the book).
    case sgd
    /// Nesterov momentum as PyTorch writes it: `v = μ·v + g; w -= lr·(g + μ·v)`.
    case nesterov
}
