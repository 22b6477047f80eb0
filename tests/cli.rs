//! The agorad binary as a person runs it: genesis validation and the proof-of-learning round
//! trip (example spec -> train -> verify), with exit codes and JSON output.

mod support;

use std::path::Path;
use std::process::Output;

use support::process::{self, text};

fn agorad(args: &[&str]) -> Output {
    process::run(args, "")
}

fn repo_file(rel: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
        .display()
        .to_string()
}

#[test]
fn genesis_validate_accepts_the_example_and_names_the_bad_field() {
    let ok = agorad(&["genesis", "validate", &repo_file("genesis/example.json")]);
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    assert!(text(&ok.stdout).contains("is a valid genesis file"));

    let dir = tempfile::tempdir().unwrap();
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(repo_file("genesis/example.json")).unwrap())
            .unwrap();
    doc["app_state"]["bank"]["balances"][0]["coins"][0]["amount"] = "-5".into();
    let bad = dir.path().join("genesis.json");
    std::fs::write(&bad, doc.to_string()).unwrap();
    let out = agorad(&["genesis", "validate", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("app_state.bank.balances"), "{err}");

    let missing = agorad(&["genesis", "validate", "/nonexistent/genesis.json"]);
    assert!(!missing.status.success());
    assert!(text(&missing.stderr).contains("cannot read /nonexistent/genesis.json"));
}

#[test]
fn pol_train_then_verify_through_agorad() {
    let dir = tempfile::tempdir().unwrap();
    let spec = agorad(&[
        "pol",
        "example-spec",
        "--arch",
        "mlp",
        "--steps",
        "20",
        "--interval",
        "5",
    ]);
    assert!(spec.status.success(), "{}", text(&spec.stderr));
    let spec_path = dir.path().join("spec.json");
    std::fs::write(&spec_path, &spec.stdout).unwrap();

    let out_dir = dir.path().join("run");
    let train = agorad(&[
        "pol",
        "train",
        "--spec",
        spec_path.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(train.status.success(), "{}", text(&train.stderr));
    let attestation = out_dir.join("attestation.json");
    assert!(attestation.exists());

    let seed = "11".repeat(32);
    let blobs = out_dir.join("blobs");
    let verify = agorad(&[
        "pol",
        "verify",
        "--attestation",
        attestation.to_str().unwrap(),
        "--seed",
        &seed,
        "--store",
        blobs.to_str().unwrap(),
        "--samples",
        "4",
        "--output",
        "json",
    ]);
    assert!(verify.status.success(), "{}", text(&verify.stderr));
    let verdict: serde_json::Value =
        serde_json::from_slice(&verify.stdout).expect("verify --output json prints JSON");
    assert!(
        verdict.to_string().to_lowercase().contains("valid"),
        "{verdict}"
    );

    let bad_seed = agorad(&[
        "pol",
        "verify",
        "--attestation",
        attestation.to_str().unwrap(),
        "--seed",
        "xyz",
        "--store",
        blobs.to_str().unwrap(),
    ]);
    assert!(!bad_seed.status.success());
    assert!(
        text(&bad_seed.stderr).to_lowercase().contains("seed"),
        "{}",
        text(&bad_seed.stderr)
    );
}

#[test]
fn bad_arguments_are_refused_with_usage() {
    let out = agorad(&["start", "--pruning-keep-recent", "lots"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("invalid value 'lots'"),
        "{}",
        text(&out.stderr)
    );
    let out = agorad(&["start", "--abci-only", "--minimum-gas-prices", "cheap"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("gas price"),
        "{}",
        text(&out.stderr)
    );
}
