//! Bad specs and bad files give clear errors naming what is wrong.

mod common;

use agora_pol::blob::{BlobError, BlobStore, FsStore};
use agora_pol::checkpoint::Checkpoint;
use agora_pol::spec::Spec;
use agora_pol::train::Trainer;
use agora_pol::PolError;
use common::{mlp, transformer};

fn spec_json() -> serde_json::Value {
    serde_json::to_value(mlp(10, 5).0).unwrap()
}

fn parse_err(v: serde_json::Value) -> String {
    Spec::from_json(&serde_json::to_vec(&v).unwrap(), "spec.json")
        .unwrap_err()
        .to_string()
}

#[test]
fn bad_specs_are_rejected_with_the_field_named() {
    let mut v = spec_json();
    v["architecture"] = serde_json::json!({"resnet": {"depth": 50}});
    let e = parse_err(v);
    assert!(
        e.contains("spec.json") && e.contains("unknown variant `resnet`"),
        "{e}"
    );

    let mut v = spec_json();
    v["batch_size"] = 0.into();
    assert!(parse_err(v).contains("spec.json: batch_size must be at least 1"));

    let mut v = spec_json();
    v["checkpoint_interval"] = 3.into();
    assert!(parse_err(v).contains("checkpoint_interval = 3 must divide total_steps = 10"));

    let mut v = spec_json();
    v["optimizer"]["sgd"]["lr"] = "fast".into();
    assert!(parse_err(v).contains("optimizer.sgd.lr = \"fast\" is not a finite decimal number"));

    let mut v = spec_json();
    v["runtime"]["device"] = "cuda".into();
    assert!(parse_err(v).contains("runtime candle-0.11/f32/cuda is not supported"));

    let mut v = spec_json();
    v["learning_rate"] = "0.1".into();
    assert!(parse_err(v).contains("unknown field `learning_rate`"));

    let (mut t, _) = transformer(8, 4);
    if let agora_pol::spec::Architecture::CharTransformer(c) = &mut t.architecture {
        c.heads = 5;
    }
    assert!(t
        .validate()
        .unwrap_err()
        .to_string()
        .contains("heads = 5 must divide d_model = 32"));

    // Valid specs round-trip and hash canonically.
    let (spec, _) = mlp(10, 5);
    let back = Spec::from_json(&serde_json::to_vec_pretty(&spec).unwrap(), "x").unwrap();
    assert_eq!(back.hash(), spec.hash());
}

#[test]
fn corrupted_and_foreign_checkpoints_are_rejected() {
    let (spec, data) = mlp(10, 5);
    let mut t = Trainer::new(&spec).unwrap();
    t.train_step(&data.batch(7, 1, 16)).unwrap();
    let bytes = t.snapshot().unwrap().to_bytes();
    assert_eq!(Checkpoint::from_bytes(&bytes).unwrap().step, 1);

    let e = Checkpoint::from_bytes(&bytes[..bytes.len() - 3])
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("invalid checkpoint: not a safetensors file"),
        "{e}"
    );
    let mut flipped = bytes.clone();
    flipped[12] = b'!';
    assert!(Checkpoint::from_bytes(&flipped)
        .unwrap_err()
        .to_string()
        .starts_with("invalid checkpoint"));
    let e = Checkpoint::from_bytes(b"not a checkpoint")
        .unwrap_err()
        .to_string();
    assert!(e.contains("not a safetensors file"), "{e}");

    // Another spec's checkpoint, or the wrong architecture, cannot be resumed.
    let (other, _) = transformer(8, 4);
    let e = Trainer::from_checkpoint(&other, &Checkpoint::from_bytes(&bytes).unwrap())
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("checkpoint belongs to spec"), "{e}");
    let mut ck = Checkpoint::from_bytes(&bytes).unwrap();
    ck.tensors.remove("opt.momentum.l0.bias");
    assert!(Trainer::from_checkpoint(&spec, &ck)
        .err()
        .unwrap()
        .to_string()
        .contains("tensors"));

    // Examples that do not fit the architecture.
    let e = t.train_step(&[vec![0u8; 5]]).err().unwrap();
    assert!(
        matches!(e, PolError::Data(_)) && e.to_string().contains("the MLP expects 17 bytes"),
        "{e}"
    );
}

#[test]
fn wrong_hash_and_missing_blobs_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let store = FsStore::new(dir.path()).unwrap();
    let h = store.put(b"checkpoint bytes").unwrap();
    std::fs::write(store.path(&h), b"tampered bytes").unwrap();
    let e = store.get(&h).unwrap_err();
    assert!(matches!(e, BlobError::Corrupt { expected, .. } if expected == h));
    assert!(e.to_string().contains("is corrupt: its bytes hash to"));
    let absent = agora_pol::Hash::of(b"nothing");
    assert!(matches!(store.get(&absent), Err(BlobError::NotFound(_))));
    assert!("xyz"
        .parse::<agora_pol::Hash>()
        .unwrap_err()
        .to_string()
        .contains("not a hex hash"));
}
