//! The maintainer tasks of integrations-rs, as a library so that tests can run them.
//!
//! `cargo xtask codegen` reads each vendor's committed OpenAPI document from `spec/`, rewrites the
//! in-memory copy where progenitor 0.15 cannot take it ([`normalize`]), generates the client with
//! progenitor used as a library ([`render`]), and writes `crates/<vendor>-api/src/generated.rs`
//! ([`files`]). `--check` compares instead of writing, for CI.

pub mod codegen;
pub mod error;
pub mod files;
pub mod load;
pub mod normalize;
pub mod render;
pub mod surface;

pub use codegen::{VENDORS, Vendor, generate, run, workspace_root};
pub use error::CodegenError;
