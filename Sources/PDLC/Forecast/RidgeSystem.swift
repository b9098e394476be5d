/// The sufficient statistics of one exponentially weighted ridge regression, `A = Σ ρᵏ x xᵀ` and `b = Σ ρᵏ x y`,
/// and its solution with a penalty relative to each feature's own weight (`λ diag(A)`, so the fit does not
/// depend on the features' scales) pulling towards a prior `w₀`:
/// `(A + λ D + ε I) w = b + (λ D + ε I) w₀`, `D = diag(A)`.
///
/// Source: A. E. Hoerl and R. W. Kennard, "Ridge regression: biased estimation for nonorthogonal problems",
/// Technometrics 12(1), 1970 (the penalised normal equations); the exponential forgetting of recursive least
/// squares, S. Haykin, *Adaptive Filter Theory*, 5th ed., §10.1. Solved by Cholesky factorisation (Golub & Van
/// Loan, *Matrix Computations*, 4th ed., Algorithm 4.2.2).
struct RidgeSystem: Sendable, Hashable {
    /// Features per row.
    let size: Int
    /// `A`, row-major `size × size`, and `b`.
    private(set) var gram: [Double]
    private(set) var moment: [Double]
    /// Weighted rows added (Σ ρᵏ), and how many rows, unweighted.
    private(set) var weight = 0.0
    private(set) var rows = 0

    init(size: Int) {
        self.size = size
        gram = Array(repeating: 0, count: size * size)
        moment = Array(repeating: 0, count: size)
    }

    /// Multiplies every earlier row's weight by `factor` (0 < factor ≤ 1).
    mutating func decay(_ factor: Double) {
        guard factor < 1 else { return }
        for i in gram.indices { gram[i] *= factor }
        for i in moment.indices { moment[i] *= factor }
        weight *= factor
    }

    /// Adds another system's rows (their statistics), as if its rows had been added here (the pooled, centralised
    /// baseline of `placer-lab bench federated`).
    mutating func merge(_ other: RidgeSystem) {
        precondition(other.size == size, "ridge systems of different sizes")
        for i in gram.indices { gram[i] += other.gram[i] }
        for i in moment.indices { moment[i] += other.moment[i] }
        weight += other.weight
    }

    /// Adds the row `x` with target `y`.
    mutating func add(_ x: [Double], _ y: Double) {
        for i in 0..<size where x[i] != 0 {
            let xi = x[i]
            moment[i] += xi * y
            for j in 0..<size { gram[i * size + j] += xi * x[j] }
        }
        weight += 1
        rows += 1
    }

    /// The penalised solution pulled towards `prior` (zeros when nil) with relative penalty `penalty` (λ) and
    /// absolute floor `floor` (ε > 0, so the system stays positive definite when a feature was always 0).
    func solve(penalty: Double, floor: Double, prior: ArraySlice<Double>? = nil) -> [Double] {
        // No row yet: the prior exactly (the floor alone would give it only up to rounding).
        guard weight > 0 else { return prior.map { Array($0) } ?? Array(repeating: 0, count: size) }
        var m = gram
        var rhs = moment
        for i in 0..<size {
            let pull = penalty * gram[i * size + i] + floor
            m[i * size + i] += pull
            if let prior { rhs[i] += pull * prior[prior.startIndex + i] }
        }
        // Cholesky: m = L Lᵀ, L stored in the lower triangle of m.
        for j in 0..<size {
            var d = m[j * size + j]
            for k in 0..<j { d -= m[j * size + k] * m[j * size + k] }
            let pivot = d > 0 ? d.squareRoot() : floor.squareRoot()
            m[j * size + j] = pivot
            for i in (j + 1)..<max(j + 1, size) {
                var s = m[i * size + j]
                for k in 0..<j { s -= m[i * size + k] * m[j * size + k] }
                m[i * size + j] = s / pivot
            }
        }
        // Forward (L z = rhs), then back (Lᵀ w = z) substitution.
        for i in 0..<size {
            var s = rhs[i]
            for k in 0..<i { s -= m[i * size + k] * rhs[k] }
            rhs[i] = s / m[i * size + i]
        }
        for i in stride(from: size - 1, through: 0, by: -1) {
            var s = rhs[i]
            for k in (i + 1)..<max(i + 1, size) { s -= m[k * size + i] * rhs[k] }
            rhs[i] = s / m[i * size + i]
        }
        return rhs
    }
}
