//! Running the binary, fake servers that outlive a call, and what else the tests share.

/// `insta::assert_snapshot!`, with the snapshots in `tests/snapshots/`.
macro_rules! snapshot {
    ($name:expr, $value:expr) => {{
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path("../snapshots");
        settings.set_prepend_module_to_snapshot(false);
        settings.bind(|| insta::assert_snapshot!($name, $value));
    }};
}

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use integrations_fake::{Control, FakeServers, LookerSeed, TorqSeed};

/// What a run printed and how it ended.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Fails, showing everything, unless the exit code is `code`.
    #[track_caller]
    pub fn code(self, code: i32) -> Self {
        assert_eq!(
            self.code, code,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Succeeded with nothing on stderr.
    #[track_caller]
    pub fn ok(self) -> Self {
        let run = self.code(0);
        assert_eq!(run.stderr, "", "stderr of a successful run");
        run
    }

    /// Fails, showing stderr, unless stderr contains `text`.
    #[track_caller]
    pub fn stderr_has(self, text: &str) -> Self {
        expect(
            self.stderr.contains(text),
            "stderr lacks",
            text,
            &self.stderr,
        );
        self
    }

    /// Fails, showing stderr, unless stderr starts with `text`.
    #[track_caller]
    pub fn stderr_starts(self, text: &str) -> Self {
        let starts = self.stderr.starts_with(text);
        expect(starts, "stderr does not start with", text, &self.stderr);
        self
    }

    /// stdout and stderr, for searching.
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    /// Fails, showing stdout, unless stdout contains `text`.
    #[track_caller]
    pub fn stdout_has(self, text: &str) -> Self {
        expect(
            self.stdout.contains(text),
            "stdout lacks",
            text,
            &self.stdout,
        );
        self
    }

    /// stdout as JSON.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON: {e}\n{}", self.stdout))
    }

    /// stdout as JSON, which must match the schema `integrations schema <document>` prints.
    #[track_caller]
    pub fn valid_json(&self, document: &str) -> serde_json::Value {
        let doc = self.json();
        assert_valid(document, &doc);
        doc
    }
}

/// Fails unless `holds`, saying what `stream` does not hold (`failure` `text`) and showing it.
#[track_caller]
fn expect(holds: bool, failure: &str, text: &str, stream: &str) {
    assert!(holds, "{failure} {text:?}:\n{stream}");
}

/// A command line of the binary, run with a clean environment in an empty directory.
pub struct Cli {
    args: Vec<String>,
    env: Vec<(String, String)>,
    stdin: Vec<u8>,
    dir: Option<PathBuf>,
}

/// `integrations ARGS…`
pub fn cli(args: &[&str]) -> Cli {
    Cli {
        args: args.iter().map(|a| (*a).to_owned()).collect(),
        env: Vec::new(),
        stdin: Vec::new(),
        dir: None,
    }
}

impl Cli {
    pub fn env(mut self, name: &str, value: impl Into<String>) -> Self {
        self.env.push((name.to_owned(), value.into()));
        self
    }

    pub fn envs<K: AsRef<str>, V: Into<String>>(
        mut self,
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        for (k, v) in vars {
            self = self.env(k.as_ref(), v);
        }
        self
    }

    pub fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.stdin = bytes.into();
        self
    }

    /// Runs in `dir` (for `./looker.ini`) instead of a fresh empty directory.
    pub fn dir(mut self, dir: &Path) -> Self {
        self.dir = Some(dir.to_owned());
        self
    }

    /// Runs; fails unless it succeeded with nothing on stderr (see [`Run::ok`]).
    #[track_caller]
    pub fn ok(self) -> Run {
        self.run().ok()
    }

    /// Runs; fails unless the exit code is `code` (see [`Run::code`]).
    #[track_caller]
    pub fn code(self, code: i32) -> Run {
        self.run().code(code)
    }

    pub fn run(self) -> Run {
        let empty = tempfile::tempdir().expect("temp dir");
        let dir = self.dir.clone().unwrap_or_else(|| empty.path().to_owned());
        let mut child = Command::new(env!("CARGO_BIN_EXE_integrations"))
            .args(&self.args)
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(&self.stdin).expect("write stdin");
        drop(stdin);
        let output = child.wait_with_output().expect("the binary ends");
        Run {
            code: output.status.code().expect("exited, not killed"),
            stdout: String::from_utf8(output.stdout).expect("utf-8 stdout"),
            stderr: String::from_utf8(output.stderr).expect("utf-8 stderr"),
        }
    }
}

/// Both fakes, served by a runtime of their own while the test thread waits for the binary.
pub struct Fakes {
    pub servers: FakeServers,
    _runtime: tokio::runtime::Runtime,
}

impl Fakes {
    /// The fakes with the demo data.
    pub fn start() -> Self {
        Self::serve(FakeServers::start())
    }

    /// The fakes with data the test chooses.
    pub fn start_with(looker: LookerSeed, torq: TorqSeed) -> Self {
        Self::serve(FakeServers::start_with(looker, torq))
    }

    fn serve(start: impl Future<Output = std::io::Result<FakeServers>>) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let servers = runtime.block_on(start).expect("fakes start");
        Self {
            servers,
            _runtime: runtime,
        }
    }

    /// The Looker fake's controls (faults, delays, what it received).
    pub fn looker(&self) -> &Control {
        self.servers.looker.control()
    }

    /// The Torq fake's controls.
    pub fn torq(&self) -> &Control {
        self.servers.torq.control()
    }

    /// `LOOKERSDK_*` and `TORQ_*` pointing at the fakes.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        self.servers.environment()
    }

    /// Only the `LOOKERSDK_*` variables.
    pub fn looker_env(&self) -> Vec<(&'static str, String)> {
        self.env()
            .into_iter()
            .filter(|(k, _)| k.starts_with("LOOKERSDK_"))
            .collect()
    }

    /// The value the Looker fake stores for parameter `name` of integration `id` (`1::slack`).
    #[track_caller]
    pub fn looker_value(&self, id: &str, name: &str) -> Option<String> {
        let integration = self
            .servers
            .looker
            .integration(id)
            .expect("the integration");
        integration
            .params
            .iter()
            .find(|p| p.name.as_deref() == Some(name))
            .expect("the parameter")
            .value
            .clone()
    }

    /// Runs `args` against both fakes while the Torq one cannot list (503 on every retry):
    /// fails unless it exits with 7.
    #[track_caller]
    pub fn run_without_torq_listing(&self, args: &[&str]) -> Run {
        self.torq().fail_next("list_integrations", 20, 503, None);
        cli(args).envs(self.env()).code(7)
    }

    /// Only the `TORQ_*` variables.
    pub fn torq_env(&self) -> Vec<(&'static str, String)> {
        self.env()
            .into_iter()
            .filter(|(k, _)| k.starts_with("TORQ_"))
            .collect()
    }
}

/// `text` with loopback ports replaced by `PORT`, for snapshots.
pub fn redact_ports(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("127.0.0.1:") {
        let (head, tail) = rest.split_at(at + "127.0.0.1:".len());
        out.push_str(head);
        let digits = tail.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 {
            out.push_str("PORT");
        }
        rest = &tail[digits..];
    }
    out.push_str(rest);
    out
}

/// The validator of the schema `integrations schema <document>` prints.
pub fn validator(document: &str) -> jsonschema::Validator {
    let schema = cli(&["schema", document]).ok().json();
    jsonschema::validator_for(&schema).expect("a valid JSON Schema")
}

/// Fails unless `instance` matches `validator`.
#[track_caller]
pub fn assert_matches(validator: &jsonschema::Validator, instance: &serde_json::Value) {
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "the document does not match its schema: {errors:#?}"
    );
}

/// Validates `instance` against the schema `integrations schema <document>` prints.
#[track_caller]
pub fn assert_valid(document: &str, instance: &serde_json::Value) {
    assert_matches(&validator(document), instance);
}

/// Writes `text` to `dir/name`; returns the file's path, as a command line takes it.
pub fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write the file");
    path.display().to_string()
}

/// Each of `documents`' schemas is a valid JSON Schema and as its snapshot `schema_<document>`
/// keeps it.
pub fn assert_schemas_are_stable(documents: &[&str]) {
    for document in documents {
        let run = cli(&["schema", document]).ok();
        let schema = run.json();
        assert!(jsonschema::validator_for(&schema).is_ok(), "{document}");
        snapshot!(format!("schema_{document}"), run.stdout);
    }
}

/// `integrations --demo ARGS…`: against the fakes the binary starts itself.
pub fn demo(args: &[&str]) -> Cli {
    let mut cli = cli(args);
    cli.args.insert(0, "--demo".into());
    cli
}
