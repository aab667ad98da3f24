//! Tests of the fake servers over real HTTP: one binary, one module per concern.

mod conformance;
mod control;
mod hubs;
mod looker;
mod raw;
mod robustness;
mod support;
mod torq;
