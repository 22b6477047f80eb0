//! Shared fixtures: tiny specs, an honest worker loop with a per-step hook for forgeries.
#![allow(dead_code)]

use agora_pol::attest::{AttestationFile, Recorder};
use agora_pol::blob::FsStore;
use agora_pol::checkpoint::Checkpoint;
use agora_pol::data::{Dataset, CORPUS};
use agora_pol::golden::{mlp_spec, transformer_spec};
use agora_pol::spec::Spec;
use agora_pol::train::{StepOutput, Trainer};

/// Tiny MLP job: 256 synthetic examples, N steps, interval k.
pub fn mlp(steps: u64, k: u64) -> (Spec, Dataset) {
    let data = Dataset::synthetic_classification(256, 16, 4, 3).unwrap();
    (mlp_spec(data.root(), steps, k), data)
}

/// MLP 16 -> 256 -> 256 -> 4 with batch 64: large enough for gemm to split work across threads.
pub fn wide_mlp(steps: u64, k: u64) -> (Spec, Dataset) {
    let (mut spec, data) = mlp(steps, k);
    spec.architecture = agora_pol::spec::Architecture::Mlp(agora_pol::spec::MlpConfig {
        input_dim: 16,
        hidden: vec![256, 256],
        classes: 4,
    });
    spec.batch_size = 64;
    (spec, data)
}

/// Tiny transformer job: 8-character windows of the corpus.
pub fn transformer(steps: u64, k: u64) -> (Spec, Dataset) {
    let data = Dataset::char_windows(CORPUS, 8, 16).unwrap();
    (transformer_spec(data.root(), steps, k, 8), data)
}

/// Runs a worker; `hook(step, trainer, batch)` performs each step (honestly or not).
pub fn run_worker(
    spec: &Spec,
    data: &Dataset,
    store: &FsStore,
    mut hook: impl FnMut(u64, &mut Trainer, Vec<Vec<u8>>) -> StepOutput,
) -> AttestationFile {
    let manifest = data.publish(store).unwrap();
    let mut t = Trainer::new(spec).unwrap();
    let mut rec = Recorder::new(spec, store, &t.snapshot().unwrap().to_bytes()).unwrap();
    for step in 1..=spec.total_steps {
        let batch = data.batch(spec.data_order_seed, step, spec.batch_size as usize);
        let out = hook(step, &mut t, batch);
        rec.record(&out).unwrap();
    }
    rec.finish("job-1", "agora1worker", manifest).unwrap()
}

/// The honest step.
pub fn honest(_: u64, t: &mut Trainer, batch: Vec<Vec<u8>>) -> StepOutput {
    t.train_step(&batch).unwrap()
}

/// Replaces the trainer's state with `ckpt` and reports it as the result of the step `out`.
pub fn replace(t: &mut Trainer, out: StepOutput, ckpt: Checkpoint) -> StepOutput {
    *t = Trainer::from_checkpoint(t.spec(), &ckpt).unwrap();
    let mut leaf = out.leaf;
    leaf.checkpoint = ckpt.hash();
    StepOutput {
        leaf,
        checkpoint_bytes: ckpt.to_bytes(),
    }
}
