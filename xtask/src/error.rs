//! The one error type of the codegen pipeline.
//!
//! Every variant prints as a single line that names the spec file and, where one exists, the JSON
//! pointer of the offending node, so that a maintainer can go straight to it.

use std::path::PathBuf;

/// Why `cargo xtask codegen` could not do its job.
#[derive(Debug, thiserror::Error)]
pub enum CodegenError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The spec is not valid JSON.
    #[error("{file}: invalid JSON at line {line}, column {column}: {message}")]
    Json {
        /// The spec file, relative to the workspace.
        file: String,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// What the JSON parser said.
        message: String,
    },
    /// The spec is JSON but not a document progenitor can take.
    #[error("{file}: {pointer}: {message}")]
    Spec {
        /// The spec file, relative to the workspace.
        file: String,
        /// JSON pointer (RFC 6901) of the offending node; empty for the whole document.
        pointer: String,
        /// What is wrong with it.
        message: String,
    },
    /// progenitor refused (or panicked on) the normalized document.
    #[error("{file}: progenitor cannot generate a client: {message}")]
    Generate {
        /// The spec file, relative to the workspace.
        file: String,
        /// progenitor's error or panic message.
        message: String,
    },
    /// The generated tokens could not be formatted as Rust.
    #[error("{file}: generated code does not format: {message}")]
    Format {
        /// The spec file, relative to the workspace.
        file: String,
        /// What the formatter said.
        message: String,
    },
    /// `--check` found committed files that differ from what the specs generate.
    #[error("{} generated file(s) are stale: {}; run `cargo xtask codegen` and commit the result", files.len(), files.join(", "))]
    Stale {
        /// The stale files, relative to the workspace.
        files: Vec<String>,
    },
}

impl CodegenError {
    /// A [`CodegenError::Spec`] for `file` at `pointer`.
    pub fn spec(file: &str, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Spec {
            file: file.to_owned(),
            pointer: pointer.into(),
            message: message.into(),
        }
    }
}

/// Escapes one reference token of a JSON pointer (RFC 6901: `~` → `~0`, `/` → `~1`).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Builds a JSON pointer from its unescaped reference tokens.
pub fn pointer<I, S>(tokens: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    tokens
        .into_iter()
        .map(|t| format!("/{}", escape_token(t.as_ref())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_escapes_slashes_and_tildes() {
        assert_eq!(
            pointer(["paths", "/integrations/{id}", "get"]),
            "/paths/~1integrations~1{id}/get"
        );
        assert_eq!(pointer(["a~b"]), "/a~0b");
        assert_eq!(pointer(Vec::<String>::new()), "");
    }

    #[test]
    fn errors_print_on_one_line_with_file_and_pointer() {
        let e = CodegenError::spec("spec/x.json", "/paths/~1a/get", "missing operationId");
        assert_eq!(
            e.to_string(),
            "spec/x.json: /paths/~1a/get: missing operationId"
        );
        assert!(!e.to_string().contains('\n'));
    }
}
