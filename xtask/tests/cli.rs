//! `cargo xtask codegen` as maintainers run it: on a scratch copy of the workspace's specs and
//! generated files, with good and broken specs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use xtask::{VENDORS, workspace_root};

/// A scratch copy of `spec/` and the generated files, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("xtask-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let root = workspace_root();
        for vendor in VENDORS {
            for rel in [vendor.spec, vendor.output] {
                let to = dir.join(rel);
                std::fs::create_dir_all(to.parent().unwrap()).unwrap();
                std::fs::copy(root.join(rel), &to).unwrap();
            }
        }
        Self(dir)
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }

    fn edit(&self, rel: &str, f: impl FnOnce(String) -> String) {
        let text = std::fs::read_to_string(self.path(rel)).unwrap();
        let edited = f(text.clone());
        assert_ne!(text, edited, "the edit changed nothing");
        std::fs::write(self.path(rel), edited).unwrap();
    }

    fn codegen(&self, check: bool) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_xtask"));
        cmd.arg("--workspace")
            .arg(&self.0)
            .arg("codegen")
            .env("RUST_BACKTRACE", "1");
        if check {
            cmd.arg("--check");
        }
        cmd.output().unwrap()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn check_passes_on_the_committed_files_and_writes_nothing() {
    let s = Scratch::new("fresh");
    let before = std::fs::metadata(s.path(VENDORS[0].output))
        .unwrap()
        .modified()
        .unwrap();
    let out = s.codegen(true);
    assert!(out.status.success(), "{}", stderr(&out));
    let after = std::fs::metadata(s.path(VENDORS[0].output))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(before, after);
}

#[test]
fn a_spec_edit_makes_check_fail_with_a_diff_until_codegen_runs() {
    let s = Scratch::new("edit");
    let output = VENDORS[1].output;
    s.edit(VENDORS[1].spec, |t| {
        t.replace("Name shown in the Torq UI.", "Name shown in Torq's UI.")
    });
    let committed = read(&s.path(output));

    let out = s.codegen(true);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("--- a/{output} (committed)")),
        "{err}"
    );
    assert!(
        err.contains("-        ///Name shown in the Torq UI."),
        "{err}"
    );
    assert!(
        err.contains("+        ///Name shown in Torq's UI."),
        "{err}"
    );
    assert!(
        err.contains("run `cargo xtask codegen` and commit the result"),
        "{err}"
    );
    assert_eq!(read(&s.path(output)), committed, "--check wrote a file");

    let out = s.codegen(false);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains(&format!("wrote: {output}")));
    assert!(read(&s.path(output)).contains("///Name shown in Torq's UI."));
    assert!(s.codegen(true).status.success());
    assert!(stderr(&s.codegen(false)).contains(&format!("up to date: {output}")));
}

/// A broken-spec case: name, how to break the spec, the start of the expected error.
type Case = (&'static str, fn(String) -> String, &'static str);

/// Each broken spec gets exactly one line on stderr, naming the file and the place.
#[test]
fn a_bad_spec_gets_a_one_line_error_and_no_backtrace() {
    let spec = VENDORS[0].spec;
    let cases: [Case; 5] = [
        (
            "json",
            |t| t.replacen("{", "{,", 1),
            "spec/looker.json: invalid JSON at line 1, column 2: ",
        ),
        (
            "v31",
            |t| t.replace("\"openapi\": \"3.0.3\"", "\"openapi\": \"3.1.0\""),
            "spec/looker.json: /openapi: OpenAPI 3.1.0",
        ),
        (
            "ref",
            |t| {
                t.replacen(
                    "#/components/schemas/AccessToken",
                    "#/components/schemas/Nothing",
                    1,
                )
            },
            "spec/looker.json: /paths/~1login/post/responses/200/content/application~1json/schema/$ref: `#/components/schemas/Nothing` points to nothing",
        ),
        (
            "opid",
            |t| t.replace("\"operationId\": \"logout\",", ""),
            "spec/looker.json: /paths/~1logout/delete: operation has no `operationId`",
        ),
        (
            // progenitor itself panics on a media type with an `encoding` (a `todo!`).
            "panic",
            |t| {
                t.replacen(
                    "\"application/x-www-form-urlencoded\": {",
                    "\"application/x-www-form-urlencoded\": {\"encoding\": {\"client_id\": {}},",
                    1,
                )
            },
            "spec/looker.json: progenitor cannot generate a client: progenitor panicked: ",
        ),
    ];
    for (name, edit, expected) in cases {
        let s = Scratch::new(name);
        let generated = read(&s.path(VENDORS[0].output));
        s.edit(spec, edit);
        for check in [true, false] {
            let out = s.codegen(check);
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(1), "{name}: {err}");
            assert_eq!(err.lines().count(), 1, "{name}: {err}");
            assert!(
                err.starts_with(&format!("error: {expected}")),
                "{name}: {err}"
            );
            assert!(
                !err.contains("backtrace") && !err.contains("thread '"),
                "{name}: {err}"
            );
        }
        assert_eq!(
            read(&s.path(VENDORS[0].output)),
            generated,
            "{name}: a failed run wrote"
        );
    }
}
