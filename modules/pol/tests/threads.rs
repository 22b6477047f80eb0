//! Honest runs give the same hashes at RAYON_NUM_THREADS = 1, 2 and 4, and verify.
//!
//! The test re-invokes its own binary with `AGORA_POL_CHILD_OUT` set; in that mode it trains both
//! architectures into the given directory (the child sees the thread count from its environment).

mod common;

use std::path::Path;
use std::process::Command;

use agora_pol::attest::AttestationFile;
use agora_pol::blob::FsStore;
use agora_pol::verify::{Mode, Verdict, Verifier};
use common::{honest, mlp, run_worker, transformer, wide_mlp};

const CHILD: &str = "AGORA_POL_CHILD_OUT";

fn train_into(dir: &Path) {
    for (name, (spec, data)) in [
        ("mlp", mlp(20, 5)),
        ("wide-mlp", wide_mlp(10, 5)),
        ("transformer", transformer(8, 4)),
    ] {
        let store = FsStore::new(dir.join("blobs")).unwrap();
        run_worker(&spec, &data, &store, honest)
            .write(&dir.join(format!("{name}.json")))
            .unwrap();
    }
}

#[test]
fn honest_runs_agree_across_thread_counts() {
    if let Ok(out) = std::env::var(CHILD) {
        train_into(Path::new(&out));
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let mut finals = Vec::new();
    for threads in [1, 2, 4] {
        let dir = root.path().join(format!("t{threads}"));
        let status = Command::new(std::env::current_exe().unwrap())
            .args([
                "honest_runs_agree_across_thread_counts",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD, &dir)
            .env("RAYON_NUM_THREADS", threads.to_string())
            .status()
            .unwrap();
        assert!(status.success(), "child with {threads} threads failed");
        let store = FsStore::new(dir.join("blobs")).unwrap();
        let mut hashes = Vec::new();
        for name in ["mlp", "wide-mlp", "transformer"] {
            let file = AttestationFile::read(&dir.join(format!("{name}.json"))).unwrap();
            let v = Verifier::new(&file, &store, Mode::Exact).unwrap();
            let segments: Vec<u64> = (0..v.spec().segments()).collect();
            assert_eq!(
                v.verify_segments(&segments, &mut |_| {}).unwrap().verdict,
                Verdict::Valid,
                "{name} at {threads} threads"
            );
            hashes.push(file.attestation.final_state);
        }
        finals.push(hashes);
    }
    assert_eq!(finals[0], finals[1], "1 vs 2 threads");
    assert_eq!(finals[0], finals[2], "1 vs 4 threads");
}
