//! Snapshots of what the codegen pipeline makes of each committed spec, for review with
//! `cargo insta review`, and the freshness check of the committed generated code.

use xtask::{VENDORS, generate, workspace_root};

/// The API surface of each generated client: operations and types in a few readable lines.
#[test]
fn generated_client_surface() {
    let root = workspace_root();
    for vendor in VENDORS {
        let generated = generate(&root, vendor).unwrap_or_else(|e| panic!("{e}"));
        let surface = xtask::surface::describe(&generated.code).unwrap();
        insta::assert_snapshot!(format!("{}_surface", vendor.name), surface);
    }
}

/// The document progenitor is given, after the normalize rules.
#[test]
fn normalized_document() {
    let root = workspace_root();
    for vendor in VENDORS {
        let generated = generate(&root, vendor).unwrap_or_else(|e| panic!("{e}"));
        insta::assert_json_snapshot!(format!("{}_normalized", vendor.name), generated.normalized);
    }
}

/// The committed generated code matches the specs (what `cargo xtask codegen --check` checks).
#[test]
fn committed_generated_code_is_fresh() {
    let mut diffs = String::new();
    let result = xtask::run(&workspace_root(), true, |file, diff| {
        diffs.push_str(&format!("{file}:\n{diff}\n"));
    });
    if let Err(e) = result {
        panic!("{e}\n{diffs}");
    }
}

/// Generation is deterministic: two runs give the same bytes.
#[test]
fn generation_is_byte_identical_across_runs() {
    let root = workspace_root();
    for vendor in VENDORS {
        let a = generate(&root, vendor).unwrap().code;
        let b = generate(&root, vendor).unwrap().code;
        assert_eq!(a, b, "{} differs between runs", vendor.spec);
    }
}

/// Generated docs are `///` lines: a `/** */` block gets indented by rustfmt, and rustdoc would
/// then run the vendor's prose as doctests.
#[test]
fn generated_docs_are_line_comments() {
    let root = workspace_root();
    for vendor in VENDORS {
        let code = generate(&root, vendor).unwrap().code;
        assert!(
            !code.contains("/**"),
            "{} has a block doc comment",
            vendor.output
        );
        assert!(
            code.contains("    ///Sends a `GET` request to `"),
            "{}",
            vendor.output
        );
    }
}

/// Looker's hub token is write-only (`x-looker-write-only`): the committed spec keeps it on
/// `IntegrationHub`, the generated client has it only in the write model the hub bodies send.
#[test]
fn looker_hub_token_is_only_in_the_write_model() {
    let root = workspace_root();
    let looker = VENDORS.into_iter().find(|v| v.name == "looker").unwrap();
    let spec: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join(looker.spec)).unwrap()).unwrap();
    let token =
        &spec["components"]["schemas"]["IntegrationHub"]["properties"]["authorization_token"];
    assert_eq!(token["x-looker-write-only"], true, "{token}");

    let generated = generate(&root, looker).unwrap_or_else(|e| panic!("{e}"));
    let schemas =
        serde_json::to_value(&generated.normalized.components.as_ref().unwrap().schemas).unwrap();
    let read = &schemas["IntegrationHub"]["properties"];
    assert!(read.get("authorization_token").is_none(), "{read}");
    assert!(read.get("has_authorization_token").is_some(), "{read}");
    let write = &schemas["IntegrationHubWrite"]["properties"];
    let written: Vec<&String> = write.as_object().unwrap().keys().collect();
    assert_eq!(written, ["authorization_token", "url"]);
    for path in [
        "/integration_hubs",
        "/integration_hubs/{integration_hub_id}",
    ] {
        let ops = serde_json::to_value(&generated.normalized.paths.paths[path]).unwrap();
        let method = if path.ends_with('}') { "patch" } else { "post" };
        assert_eq!(
            ops[method]["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/IntegrationHubWrite",
            "{method} {path}"
        );
    }
}
