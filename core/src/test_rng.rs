//! A small deterministic random source for the property tests (xorshift64).

/// xorshift64: the same sequence for the same seed, on every machine.
pub(crate) struct Rng(pub u64);

impl Rng {
    /// Uniform in [0, 1).
    pub fn f(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform in 0..n (0 when n is 0).
    pub fn n(&mut self, n: usize) -> usize {
        (self.f() * n as f64) as usize % n.max(1)
    }
}

impl Rng {
    /// Seeded (a zero seed would stay zero).
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let (u, v) = (self.f().max(1e-300), self.f());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}
