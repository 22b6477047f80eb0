//! Honest runs verify; restore-and-continue is bit-identical; stores, sampling and selftest work.

mod common;

use std::sync::Arc;

use agora_pol::blob::{BlobServer, BlobStore, FsStore, HttpStore};
use agora_pol::checkpoint::Checkpoint;
use agora_pol::golden;
use agora_pol::sample::{derive_seed, sample_segments};
use agora_pol::train::Trainer;
use agora_pol::verify::{verify, FraudKind, Mode, Verdict, Verifier};
use common::{honest, mlp, run_worker, transformer};

fn all_segments(n: u64, k: u64) -> Vec<u64> {
    (0..n / k).collect()
}

#[test]
fn honest_mlp_and_transformer_verify_every_segment() {
    for (spec, data) in [mlp(30, 5), transformer(12, 4)] {
        let dir = tempfile::tempdir().unwrap();
        let store = FsStore::new(dir.path()).unwrap();
        let file = run_worker(&spec, &data, &store, honest);
        let v = Verifier::new(&file, &store, Mode::Exact).unwrap();
        let report = v
            .verify_segments(
                &all_segments(spec.total_steps, spec.checkpoint_interval),
                &mut |_| {},
            )
            .unwrap();
        assert_eq!(report.verdict, Verdict::Valid);
        assert_eq!(report.steps_rerun, spec.total_steps);
        // Training made progress: the loss of the last step is below the first.
        assert!(file.steps.last().unwrap().loss() < file.steps[0].loss());
        // The attestation reproduces the honest worker loop of the library.
        let dir2 = tempfile::tempdir().unwrap();
        let store2 = FsStore::new(dir2.path()).unwrap();
        let lib =
            agora_pol::attest::train(&spec, &data, &store2, "job-1", "agora1worker", &mut |_| {})
                .unwrap();
        assert_eq!(lib, file);
    }
}

#[test]
fn restore_and_continue_is_bit_identical() {
    for (spec, data) in [mlp(12, 4), transformer(8, 4)] {
        let batch = |s| data.batch(spec.data_order_seed, s, spec.batch_size as usize);
        let mut straight = Trainer::new(&spec).unwrap();
        let leaves: Vec<_> = (1..=spec.total_steps)
            .map(|s| straight.train_step(&batch(s)).unwrap().leaf)
            .collect();

        let mut first = Trainer::new(&spec).unwrap();
        for s in 1..=5 {
            first.train_step(&batch(s)).unwrap();
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ckpt.safetensors");
        std::fs::write(&path, first.snapshot().unwrap().to_bytes()).unwrap();
        drop(first);
        let ckpt = Checkpoint::from_bytes(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(ckpt.step, 5);
        let mut resumed = Trainer::from_checkpoint(&spec, &ckpt).unwrap();
        for s in 6..=spec.total_steps {
            let leaf = resumed.train_step(&batch(s)).unwrap().leaf;
            assert_eq!(leaf, leaves[s as usize - 1], "step {s}");
        }
        assert_eq!(
            resumed.snapshot().unwrap().hash(),
            straight.snapshot().unwrap().hash()
        );
    }
}

#[test]
fn http_store_serves_a_verifier() {
    let (spec, data) = mlp(20, 5);
    let dir = tempfile::tempdir().unwrap();
    let store = FsStore::new(dir.path()).unwrap();
    let file = run_worker(&spec, &data, &store, honest);
    let server = BlobServer::start(Arc::new(store), "127.0.0.1:0").unwrap();
    let http = HttpStore::new(&server.url());
    let seed = [9u8; 32];
    let report = verify(&file, &http, &seed, Mode::Exact, Some(4), &mut |_| {}).unwrap();
    assert_eq!(report.verdict, Verdict::Valid);
    assert!(!report.segments.is_empty());

    // PUT then GET round trip, and a missing blob is NotFound.
    let h = http.put(b"hello blobs").unwrap();
    assert_eq!(http.get(&h).unwrap(), b"hello blobs");
    let absent = agora_pol::Hash::of(b"absent");
    assert!(
        matches!(http.get(&absent), Err(agora_pol::blob::BlobError::NotFound(x)) if x == absent)
    );
}

#[test]
fn sampling_is_seeded_in_range_and_includes_top_norm() {
    let (spec, data) = mlp(40, 5);
    let dir = tempfile::tempdir().unwrap();
    let store = FsStore::new(dir.path()).unwrap();
    let file = run_worker(&spec, &data, &store, honest);
    let a = sample_segments(&[1; 32], &file.steps, 5, 4, 1);
    assert_eq!(a, sample_segments(&[1; 32], &file.steps, 5, 4, 1));
    assert!(a.iter().all(|&j| j < 8) && a.len() <= 5);
    let top = file
        .steps
        .chunks(5)
        .enumerate()
        .max_by(|x, y| {
            let m = |c: &[agora_pol::attest::StepLeaf]| {
                c.iter().map(|l| l.update_norm()).fold(0f32, f32::max)
            };
            m(x.1).total_cmp(&m(y.1)).then(y.0.cmp(&x.0))
        })
        .unwrap()
        .0 as u64;
    assert_eq!(sample_segments(&[2; 32], &file.steps, 5, 0, 1), vec![top]);
    // The chain's seed binds a later block hash to the attestation id.
    let id = file.attestation.id();
    assert_eq!(
        derive_seed(b"block-100", &id),
        derive_seed(b"block-100", &id)
    );
    assert_ne!(
        derive_seed(b"block-100", &id),
        derive_seed(b"block-101", &id)
    );
    let distinct: std::collections::BTreeSet<_> = (0..20u8)
        .map(|i| sample_segments(&[i; 32], &file.steps, 5, 1, 0))
        .collect();
    assert!(distinct.len() > 3, "seeds pick different segments");
}

#[test]
fn tolerance_mode_accepts_honest_and_rejects_large_drift() {
    let (spec, data) = mlp(10, 5);
    let dir = tempfile::tempdir().unwrap();
    let store = FsStore::new(dir.path()).unwrap();
    let file = run_worker(&spec, &data, &store, honest);
    let v = Verifier::new(&file, &store, Mode::Tolerance).unwrap();
    assert_eq!(
        v.verify_segments(&[0, 1], &mut |_| {}).unwrap().verdict,
        Verdict::Valid
    );

    // A worker whose step-10 weights are off by 0.01 everywhere exceeds linf = 0.001.
    let dir = tempfile::tempdir().unwrap();
    let store = FsStore::new(dir.path()).unwrap();
    let file = run_worker(&spec, &data, &store, |step, t, b| {
        let out = t.train_step(&b).unwrap();
        if step != 10 {
            return out;
        }
        let mut ck = t.snapshot().unwrap();
        ck.tensors
            .get_mut("param.l1.bias")
            .unwrap()
            .values
            .iter_mut()
            .for_each(|x| *x += 0.01);
        common::replace(t, out, ck)
    });
    let v = Verifier::new(&file, &store, Mode::Tolerance).unwrap();
    let Verdict::Fraud(f) = v.verify_segments(&[1], &mut |_| {}).unwrap().verdict else {
        panic!("drift accepted")
    };
    assert_eq!((f.kind, f.step), (FraudKind::ToleranceExceeded, 10));
    // Tiny drift (one ulp) passes in tolerance mode but not in exact mode.
    let dir = tempfile::tempdir().unwrap();
    let store = FsStore::new(dir.path()).unwrap();
    let file = run_worker(&spec, &data, &store, |step, t, b| {
        let out = t.train_step(&b).unwrap();
        if step != 10 {
            return out;
        }
        let mut ck = t.snapshot().unwrap();
        let x = &mut ck.tensors.get_mut("param.l1.bias").unwrap().values[0];
        *x = f32::from_bits(x.to_bits() + 1);
        common::replace(t, out, ck)
    });
    let tol = Verifier::new(&file, &store, Mode::Tolerance).unwrap();
    assert_eq!(
        tol.verify_segments(&[1], &mut |_| {}).unwrap().verdict,
        Verdict::Valid
    );
    let exact = Verifier::new(&file, &store, Mode::Exact).unwrap();
    assert!(
        matches!(exact.verify_segments(&[1], &mut |_| {}).unwrap().verdict, Verdict::Fraud(f) if f.step == 10)
    );
}

#[test]
fn golden_selftest_passes_on_the_reference_machine() {
    let report = golden::selftest().unwrap();
    for c in &report.checks {
        eprintln!("{} {} -> {}", c.name, c.steps, c.actual);
    }
    assert!(report.passed, "{report:?}");
}
