//! Every forgery is caught when its segment is sampled, and the verdict names the first bad step.
//! Job: MLP, N = 30, k = 5 (segments 0..6); forgeries sit in segment 2 (steps 11..=15) unless noted.

mod common;

use agora_pol::attest::AttestationFile;
use agora_pol::blob::{BlobStore, FsStore};
use agora_pol::data::{batch_indices, Dataset, Manifest, Shard};
use agora_pol::sample::sample_segments;
use agora_pol::spec::{Decimal, OptimizerSpec};
use agora_pol::train::Trainer;
use agora_pol::verify::{verify, Fraud, FraudKind, Mode, Verdict, Verifier};
use common::{honest, mlp, replace, run_worker};

const BAD: u64 = 12;

fn check(file: &AttestationFile, store: &FsStore, segments: &[u64]) -> Verdict {
    Verifier::new(file, store, Mode::Exact)
        .unwrap()
        .verify_segments(segments, &mut |_| {})
        .unwrap()
        .verdict
}

fn fraud(file: &AttestationFile, store: &FsStore, segment: u64) -> Fraud {
    match check(file, store, &[segment]) {
        Verdict::Fraud(f) => f,
        Verdict::Valid => panic!("segment {segment} verified although forged"),
    }
}

/// Runs a worker that forges at step BAD; returns the attestation and store.
fn forged(
    hook: impl FnMut(u64, &mut Trainer, Vec<Vec<u8>>) -> agora_pol::train::StepOutput,
) -> (AttestationFile, FsStore, tempfile::TempDir) {
    let (spec, data) = mlp(30, 5);
    let dir = tempfile::tempdir().unwrap();
    let store = FsStore::new(dir.path()).unwrap();
    let file = run_worker(&spec, &data, &store, hook);
    (file, store, dir)
}

/// The forged segment is caught at `step` with `kind`; the segments before it still verify.
fn assert_caught(
    file: &AttestationFile,
    store: &FsStore,
    segment: u64,
    kind: FraudKind,
    step: u64,
) -> Fraud {
    let f = fraud(file, store, segment);
    assert_eq!(
        (f.kind, f.step, f.segment),
        (kind, step, Some(segment)),
        "{f:?}"
    );
    assert_eq!(
        check(file, store, &[0, 1]),
        Verdict::Valid,
        "segments before the forgery are honest"
    );
    f
}

#[test]
fn perturbed_weights_one_ulp() {
    let (file, store, _d) = forged(|step, t, b| {
        let out = t.train_step(&b).unwrap();
        if step != BAD {
            return out;
        }
        let mut ck = t.snapshot().unwrap();
        let x = &mut ck.tensors.get_mut("param.l0.weight").unwrap().values[7];
        *x = f32::from_bits(x.to_bits() + 1);
        replace(t, out, ck)
    });
    let f = assert_caught(&file, &store, 2, FraudKind::HashMismatch, BAD);
    assert_eq!(f.expected, Some(file.steps[BAD as usize - 1].checkpoint));
    assert_ne!(f.expected, f.recomputed);
    // Later segments start from the committed (perturbed) state and are internally consistent.
    assert_eq!(check(&file, &store, &[3, 4, 5]), Verdict::Valid);
    // Through the seed: a seed that samples segment 2 catches it, one that does not, passes.
    let seeds: Vec<[u8; 32]> = (0..=255u8).map(|i| [i; 32]).collect();
    let hit = seeds
        .iter()
        .find(|s| sample_segments(s, &file.steps, 5, 1, 0) == vec![2])
        .unwrap();
    let miss = seeds
        .iter()
        .find(|s| sample_segments(s, &file.steps, 5, 1, 0) == vec![4])
        .unwrap();
    let r = verify(&file, &store, hit, Mode::Exact, Some(1), &mut |_| {}).unwrap();
    assert!(matches!(r.verdict, Verdict::Fraud(f) if f.step == BAD));
    // (top_q = 1 of the spec adds the largest-norm segment, which is honest here.)
    let r = verify(&file, &store, miss, Mode::Exact, Some(1), &mut |_| {}).unwrap();
    assert_eq!(r.verdict, Verdict::Valid, "segments {:?}", r.segments);
}

#[test]
fn changed_learning_rate() {
    let (spec, _) = mlp(30, 5);
    let mut fast = spec.clone();
    fast.optimizer = OptimizerSpec::Sgd {
        lr: Decimal::new("0.06"),
        momentum: Decimal::new("0.9"),
        weight_decay: Decimal::new("0.0001"),
    };
    let (file, store, _d) = forged(|step, t, b| {
        if !(BAD..BAD + 3).contains(&step) {
            return t.train_step(&b).unwrap();
        }
        let mut ck = t.snapshot().unwrap();
        ck.spec_hash = fast.hash();
        let mut other = Trainer::from_checkpoint(&fast, &ck).unwrap();
        let out = other.train_step(&b).unwrap();
        let mut ck = other.snapshot().unwrap();
        ck.spec_hash = spec.hash();
        replace(t, out, ck)
    });
    assert_caught(&file, &store, 2, FraudKind::HashMismatch, BAD);
}

#[test]
fn skipped_step() {
    let (file, store, _d) = forged(|step, t, b| {
        if step != BAD {
            return t.train_step(&b).unwrap();
        }
        // Pretend: advance the counter without training, reuse the previous leaf's numbers.
        let mut ck = t.snapshot().unwrap();
        ck.step = step;
        let mut probe = Trainer::from_checkpoint(t.spec(), &t.snapshot().unwrap()).unwrap();
        let out = probe.train_step(&b).unwrap();
        replace(t, out, ck)
    });
    assert_caught(&file, &store, 2, FraudKind::HashMismatch, BAD);
}

#[test]
fn trained_on_other_data() {
    let other = Dataset::synthetic_classification(256, 16, 4, 99).unwrap();
    let (file, store, _d) = forged(|step, t, b| {
        if step < BAD {
            return t.train_step(&b).unwrap();
        }
        t.train_step(&other.batch(7, step, 16)).unwrap()
    });
    assert_caught(&file, &store, 2, FraudKind::HashMismatch, BAD);
    assert!(matches!(check(&file, &store, &[4]), Verdict::Fraud(f) if f.step == 21));
}

#[test]
fn reordered_batch() {
    let (file, store, _d) = forged(|step, t, mut b| {
        if step == BAD {
            b.reverse();
        }
        t.train_step(&b).unwrap()
    });
    assert_caught(&file, &store, 2, FraudKind::HashMismatch, BAD);
}

#[test]
fn checkpoint_replayed_from_another_job() {
    let (spec, data) = mlp(30, 5);
    let mut other_spec = spec.clone();
    other_spec.init_seed = 43;
    let mut other = Trainer::new(&other_spec).unwrap();
    for s in 1..=10 {
        other
            .train_step(&data.batch(other_spec.data_order_seed, s, 16))
            .unwrap();
    }
    let foreign = other.snapshot().unwrap();
    let (file, store, _d) = forged(|step, t, b| {
        let out = t.train_step(&b).unwrap();
        if step != 10 {
            return out;
        }
        // Commit the other job's step-10 checkpoint, then keep training from its weights.
        let mut leaf = out.leaf;
        leaf.checkpoint = foreign.hash();
        let mut relabelled = foreign.clone();
        relabelled.spec_hash = spec.hash();
        *t = Trainer::from_checkpoint(&spec, &relabelled).unwrap();
        agora_pol::train::StepOutput {
            leaf,
            checkpoint_bytes: foreign.to_bytes(),
        }
    });
    // The segment ending at step 10 does not reproduce it ...
    let f = fraud(&file, &store, 1);
    assert_eq!((f.kind, f.step), (FraudKind::HashMismatch, 10));
    assert_eq!(f.expected, Some(foreign.hash()));
    // ... and the segment starting from it sees another job's checkpoint.
    let f = fraud(&file, &store, 2);
    assert_eq!((f.kind, f.step), (FraudKind::ForeignCheckpoint, 10));
    assert_eq!(f.recomputed, Some(other_spec.hash()));
}

#[test]
fn forged_optimizer_state() {
    let (file, store, _d) = forged(|step, t, b| {
        let out = t.train_step(&b).unwrap();
        if step != BAD {
            return out;
        }
        let mut ck = t.snapshot().unwrap();
        for (name, tensor) in ck.tensors.iter_mut() {
            if name.starts_with("opt.momentum.") {
                tensor.values.iter_mut().for_each(|v| *v = 0.0);
            }
        }
        replace(t, out, ck)
    });
    assert_caught(&file, &store, 2, FraudKind::HashMismatch, BAD);
}

#[test]
fn lied_about_loss_only() {
    let (file, store, _d) = forged(|step, t, b| {
        let mut out = t.train_step(&b).unwrap();
        if step == BAD {
            out.leaf.update_norm_bits = 0f32.to_bits();
        }
        out
    });
    assert_caught(&file, &store, 2, FraudKind::LeafMismatch, BAD);
}

#[test]
fn bad_merkle_proof() {
    let (spec, data) = mlp(30, 5);
    let dir = tempfile::tempdir().unwrap();
    let store = FsStore::new(dir.path()).unwrap();
    let mut file = run_worker(&spec, &data, &store, honest);
    // The worker serves a manifest whose shard has one example of step BAD altered.
    let index = batch_indices(spec.data_order_seed, BAD, 16, data.len())[0] as u64;
    let mut manifest: Manifest =
        serde_json::from_slice(&store.get(&file.attestation.data_manifest).unwrap()).unwrap();
    let s = (index / manifest.shard_size) as usize;
    let mut shard: Shard =
        serde_json::from_slice(&store.get(&manifest.shards[s]).unwrap()).unwrap();
    let ex = &mut shard.examples[(index - shard.first) as usize];
    let mut bytes = hex::decode(&ex.data).unwrap();
    bytes[1] ^= 1;
    ex.data = hex::encode(bytes);
    manifest.shards[s] = store.put(&serde_json::to_vec(&shard).unwrap()).unwrap();
    file.attestation.data_manifest = store.put(&serde_json::to_vec(&manifest).unwrap()).unwrap();
    assert_caught(&file, &store, 2, FraudKind::BadMerkleProof, BAD);
    assert!(fraud(&file, &store, 2)
        .detail
        .contains(&format!("example {index}")));
}

#[test]
fn missing_blobs() {
    let (spec, data) = mlp(30, 5);
    let dir = tempfile::tempdir().unwrap();
    let store = FsStore::new(dir.path()).unwrap();
    let file = run_worker(&spec, &data, &store, honest);
    // The step-10 checkpoint (end of segment 1, start of segment 2) is not served.
    std::fs::remove_file(store.path(&file.steps[9].checkpoint)).unwrap();
    assert_eq!(check(&file, &store, &[0, 3]), Verdict::Valid);
    for segment in [1, 2] {
        let f = fraud(&file, &store, segment);
        assert_eq!(
            (f.kind, f.step, f.expected),
            (FraudKind::MissingBlob, 10, Some(file.steps[9].checkpoint))
        );
    }
    // A missing data shard is caught too.
    let manifest: Manifest =
        serde_json::from_slice(&store.get(&file.attestation.data_manifest).unwrap()).unwrap();
    for s in &manifest.shards {
        std::fs::remove_file(store.path(s)).unwrap();
    }
    let f = fraud(&file, &store, 3);
    assert_eq!((f.kind, f.step), (FraudKind::MissingBlob, 16));
}

#[test]
fn inconsistent_attestations() {
    let (spec, data) = mlp(10, 5);
    let dir = tempfile::tempdir().unwrap();
    let store = FsStore::new(dir.path()).unwrap();
    let honest_file = run_worker(&spec, &data, &store, honest);
    type Tamper = Box<dyn Fn(&mut AttestationFile)>;
    let cases: Vec<(Tamper, FraudKind)> = vec![
        (
            Box::new(|f| f.attestation.final_state = f.steps[3].checkpoint),
            FraudKind::Inconsistent,
        ),
        (
            Box::new(|f| f.steps[4].loss_bits ^= 1),
            FraudKind::Inconsistent,
        ),
        (
            Box::new(|f| {
                f.steps.pop();
            }),
            FraudKind::Inconsistent,
        ),
        (
            Box::new(|f| f.attestation.prev_state = f.steps[0].checkpoint),
            FraudKind::WrongPrevState,
        ),
    ];
    for (tamper, kind) in cases {
        let mut f = honest_file.clone();
        tamper(&mut f);
        match check(&f, &store, &[]) {
            Verdict::Fraud(fr) => assert_eq!(fr.kind, kind),
            Verdict::Valid => panic!("tampered attestation accepted"),
        }
    }
}
