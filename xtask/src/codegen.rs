//! `cargo xtask codegen`: load → normalize → generate → format → write or check, per vendor.

use std::path::{Path, PathBuf};

use openapiv3::OpenAPI;

use crate::error::CodegenError;
use crate::files::{Outcome, ensure_file_contents};
use crate::{load, normalize, render};

/// A vendor whose client is generated from a committed spec.
#[derive(Debug, Clone, Copy)]
pub struct Vendor {
    /// Short name, used in snapshot names.
    pub name: &'static str,
    /// The committed spec, relative to the workspace root.
    pub spec: &'static str,
    /// The generated source file, relative to the workspace root.
    pub output: &'static str,
}

/// Every vendor of the workspace.
pub const VENDORS: [Vendor; 2] = [
    Vendor {
        name: "looker",
        spec: "spec/looker.json",
        output: "crates/looker-api/src/generated.rs",
    },
    Vendor {
        name: "torq",
        spec: "spec/torq.json",
        output: "crates/torq-api/src/generated.rs",
    },
];

/// What the pipeline makes of one vendor's spec.
#[derive(Debug)]
pub struct Generated {
    /// The vendor.
    pub vendor: Vendor,
    /// The document progenitor was given (after [`normalize::normalize`]).
    pub normalized: OpenAPI,
    /// The finished source file.
    pub code: String,
}

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Runs the pipeline for one vendor in memory; writes nothing.
pub fn generate(root: &Path, vendor: Vendor) -> Result<Generated, CodegenError> {
    let path = root.join(vendor.spec);
    let text =
        std::fs::read_to_string(&path).map_err(|source| CodegenError::Io { path, source })?;
    generate_from_text(root, vendor, &text)
}

/// Runs the pipeline on `text`, as if it were the content of `vendor.spec`.
pub fn generate_from_text(
    root: &Path,
    vendor: Vendor,
    text: &str,
) -> Result<Generated, CodegenError> {
    let doc = load::parse(vendor.spec, text)?;
    let normalized = normalize::normalize(vendor.spec, doc)?;
    let code = render::render(root, vendor.spec, &normalized)?;
    Ok(Generated {
        vendor,
        normalized,
        code,
    })
}

/// One generated file and what happened to it.
#[derive(Debug)]
pub struct FileReport {
    /// The file, relative to the workspace root.
    pub file: &'static str,
    /// Written, unchanged, or (check mode) stale with a diff.
    pub outcome: Outcome,
}

/// Regenerates every vendor's client under `root`. With `check`, writes nothing and returns
/// [`CodegenError::Stale`] (after handing each diff to `on_stale`) when a committed file differs.
pub fn run(
    root: &Path,
    check: bool,
    mut on_stale: impl FnMut(&str, &str),
) -> Result<Vec<FileReport>, CodegenError> {
    let mut reports = Vec::new();
    for vendor in VENDORS {
        let generated = generate(root, vendor)?;
        let outcome = ensure_file_contents(root, vendor.output, &generated.code, check)?;
        if let Outcome::Stale(diff) = &outcome {
            on_stale(vendor.output, diff);
        }
        reports.push(FileReport {
            file: vendor.output,
            outcome,
        });
    }
    let stale: Vec<String> = reports
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Stale(_)))
        .map(|r| r.file.to_owned())
        .collect();
    if stale.is_empty() {
        Ok(reports)
    } else {
        Err(CodegenError::Stale { files: stale })
    }
}
