//! Writing generated files, or checking them against what is committed.

use std::path::Path;

use crate::error::CodegenError;

/// What [`ensure_file_contents`] found or did.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The file already holds the contents; nothing was written.
    Unchanged,
    /// The file was (re)written.
    Written,
    /// Check mode: the file differs; the unified diff from committed to expected.
    Stale(String),
}

/// Makes `root/rel` hold `contents`. In `check` mode nothing is written and a difference is
/// reported as [`Outcome::Stale`]. Line endings are normalized before comparing, so a checkout
/// with CRLF endings is not stale.
pub fn ensure_file_contents(
    root: &Path,
    rel: &str,
    contents: &str,
    check: bool,
) -> Result<Outcome, CodegenError> {
    let path = root.join(rel);
    let current = match std::fs::read_to_string(&path) {
        Ok(text) => Some(text.replace("\r\n", "\n")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(source) => return Err(CodegenError::Io { path, source }),
    };
    if current.as_deref() == Some(contents) {
        return Ok(Outcome::Unchanged);
    }
    if check {
        let old = current.unwrap_or_default();
        let diff = similar::TextDiff::from_lines(old.as_str(), contents)
            .unified_diff()
            .context_radius(3)
            .header(
                &format!("a/{rel} (committed)"),
                &format!("b/{rel} (generated)"),
            )
            .to_string();
        return Ok(Outcome::Stale(diff));
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|source| CodegenError::Io {
            path: dir.to_owned(),
            source,
        })?;
    }
    std::fs::write(&path, contents).map_err(|source| CodegenError::Io { path, source })?;
    Ok(Outcome::Written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tempdir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "xtask-files-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn writes_then_leaves_an_identical_file_alone() {
        let dir = tempdir();
        assert_eq!(
            ensure_file_contents(&dir, "a/b.rs", "x\n", false).unwrap(),
            Outcome::Written
        );
        let modified = std::fs::metadata(dir.join("a/b.rs"))
            .unwrap()
            .modified()
            .unwrap();
        assert_eq!(
            ensure_file_contents(&dir, "a/b.rs", "x\n", false).unwrap(),
            Outcome::Unchanged
        );
        assert_eq!(
            std::fs::metadata(dir.join("a/b.rs"))
                .unwrap()
                .modified()
                .unwrap(),
            modified
        );
    }

    #[test]
    fn check_mode_reports_a_diff_and_writes_nothing() {
        let dir = tempdir();
        std::fs::write(dir.join("f.rs"), "one\ntwo\n").unwrap();
        let Outcome::Stale(diff) =
            ensure_file_contents(&dir, "f.rs", "one\nthree\n", true).unwrap()
        else {
            panic!("expected stale");
        };
        assert!(
            diff.contains("-two\n") && diff.contains("+three\n"),
            "{diff}"
        );
        assert!(diff.contains("a/f.rs (committed)"));
        assert_eq!(
            std::fs::read_to_string(dir.join("f.rs")).unwrap(),
            "one\ntwo\n"
        );
    }

    #[test]
    fn crlf_checkouts_are_not_stale() {
        let dir = tempdir();
        std::fs::write(dir.join("f.rs"), "one\r\ntwo\r\n").unwrap();
        assert_eq!(
            ensure_file_contents(&dir, "f.rs", "one\ntwo\n", true).unwrap(),
            Outcome::Unchanged
        );
    }

    #[test]
    fn a_missing_file_is_stale_in_check_mode() {
        let dir = tempdir();
        assert!(matches!(
            ensure_file_contents(&dir, "new.rs", "x\n", true).unwrap(),
            Outcome::Stale(_)
        ));
        assert!(!dir.join("new.rs").exists());
    }
}
