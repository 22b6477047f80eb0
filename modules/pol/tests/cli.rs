//! The `pol` subcommands, mounted in a clap parser as `agorad` will mount them.

use std::sync::Arc;

use agora_pol::attest::AttestationFile;
use agora_pol::blob::{BlobServer, FsStore};
use agora_pol::cli::PolCommand;
use agora_pol::data::Dataset;
use agora_pol::golden::mlp_spec;
use clap::Parser;

/// Mounted the way `agorad` mounts it: `agorad pol <subcommand>`.
#[derive(Parser)]
struct Agorad {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Proof-of-learning engine.
    #[command(subcommand)]
    Pol(PolCommand),
}

fn run(args: &[&str]) -> anyhow::Result<()> {
    run_as(args, false)
}

/// Runs with agorad's global `--output json` when `json`.
fn run_as(args: &[&str], json: bool) -> anyhow::Result<()> {
    let Command::Pol(cmd) =
        Agorad::try_parse_from(["agorad", "pol"].into_iter().chain(args.iter().copied()))?.command;
    cmd.run(json)
}

#[test]
fn train_then_verify_from_a_directory_and_over_http() {
    let dir = tempfile::tempdir().unwrap();
    let synthetic = Dataset::builtin().remove(0).1;
    let spec_path = dir.path().join("spec.json");
    std::fs::write(
        &spec_path,
        serde_json::to_vec_pretty(&mlp_spec(synthetic.root(), 20, 5)).unwrap(),
    )
    .unwrap();
    let out = dir.path().join("run");
    let (spec_s, out_s) = (spec_path.to_str().unwrap(), out.to_str().unwrap());
    run(&[
        "train", "--spec", spec_s, "--out", out_s, "--job-id", "7", "--worker", "agora1w",
    ])
    .unwrap();

    let att = out.join("attestation.json");
    let att_s = att.to_str().unwrap();
    let blobs = out.join("blobs");
    let seed = "11".repeat(32);
    run_as(
        &[
            "verify",
            "--attestation",
            att_s,
            "--seed",
            &seed,
            "--store",
            blobs.to_str().unwrap(),
        ],
        true,
    )
    .unwrap();

    let server = BlobServer::start(Arc::new(FsStore::new(&blobs).unwrap()), "127.0.0.1:0").unwrap();
    run(&[
        "verify",
        "--attestation",
        att_s,
        "--seed",
        &seed,
        "--store",
        &server.url(),
        "--samples",
        "16",
    ])
    .unwrap();
    run(&[
        "verify",
        "--attestation",
        att_s,
        "--seed",
        &seed,
        "--store",
        &server.url(),
        "--mode",
        "tolerance",
    ])
    .unwrap();

    // A forged leaf makes verify fail with the verdict in the error.
    let mut file = AttestationFile::read(&att).unwrap();
    file.steps[2].loss_bits ^= 1;
    file.attestation.steps_root = agora_pol::attest::steps_root(&file.steps);
    let forged = dir.path().join("forged.json");
    file.write(&forged).unwrap();
    let e = run(&[
        "verify",
        "--attestation",
        forged.to_str().unwrap(),
        "--seed",
        &seed,
        "--store",
        &server.url(),
        "--samples",
        "64",
    ])
    .unwrap_err()
    .to_string();
    assert_eq!(e, "attestation rejected: LeafMismatch at step 3");
}

#[test]
fn train_on_a_published_dataset() {
    let dir = tempfile::tempdir().unwrap();
    let data = Dataset::synthetic_classification(100, 16, 4, 5).unwrap();
    let data_dir = dir.path().join("data");
    let manifest = data.publish(&FsStore::new(&data_dir).unwrap()).unwrap();
    let spec_path = dir.path().join("spec.json");
    std::fs::write(
        &spec_path,
        serde_json::to_vec(&mlp_spec(data.root(), 10, 5)).unwrap(),
    )
    .unwrap();
    let out = dir.path().join("run");
    let args = |extra: &[&str]| {
        let mut a = vec![
            "train",
            "--spec",
            spec_path.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        a.extend_from_slice(extra);
        a.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let e = run(&args(&[]).iter().map(String::as_str).collect::<Vec<_>>()).unwrap_err();
    assert!(
        e.to_string()
            .contains("is not a built-in dataset; pass --data"),
        "{e}"
    );
    let m = manifest.to_hex();
    run(
        &args(&["--data", &m, "--data-store", data_dir.to_str().unwrap()])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let file = AttestationFile::read(&out.join("attestation.json")).unwrap();
    assert_eq!(file.attestation.data_root, data.root());
    let seed = "22".repeat(32);
    let store = out.join("blobs");
    run(&[
        "verify",
        "--attestation",
        out.join("attestation.json").to_str().unwrap(),
        "--seed",
        &seed,
        "--store",
        store.to_str().unwrap(),
        "--mode",
        "exact",
    ])
    .unwrap();
}

#[test]
fn selftest_and_clear_input_errors() {
    run_as(&["selftest"], true).unwrap();
    let e = run(&[
        "train",
        "--spec",
        "/nonexistent/spec.json",
        "--out",
        "/tmp/x",
    ])
    .unwrap_err();
    assert!(
        format!("{e:#}").contains("cannot read spec /nonexistent/spec.json"),
        "{e:#}"
    );
    let dir = tempfile::tempdir().unwrap();
    let spec_path = dir.path().join("spec.json");
    std::fs::write(&spec_path, br#"{"architecture": {"resnet": {}}}"#).unwrap();
    let e = run(&[
        "train",
        "--spec",
        spec_path.to_str().unwrap(),
        "--out",
        dir.path().to_str().unwrap(),
    ])
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("spec.json: unknown variant `resnet`"),
        "{e}"
    );
    let e = run(&[
        "verify",
        "--attestation",
        "/nonexistent/a.json",
        "--seed",
        "00",
        "--store",
        "/tmp",
    ])
    .unwrap_err();
    assert!(e.to_string().contains("/nonexistent/a.json"), "{e}");
    let att = dir.path().join("a.json");
    std::fs::write(&att, b"{}").unwrap();
    let e = run(&[
        "verify",
        "--attestation",
        att.to_str().unwrap(),
        "--seed",
        "00",
        "--store",
        "/tmp",
    ])
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("a.json: missing field `attestation`"),
        "{e}"
    );
}
