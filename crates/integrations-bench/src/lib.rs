//! Benchmarks of integrations-rs live in `benches/facade.rs`; see `BENCHMARKS.md` at the
//! workspace root for the commands and the figures.
