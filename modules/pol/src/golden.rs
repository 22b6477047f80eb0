//! Reference specs and the golden-hash conformance check.
//!
//! [`selftest`] trains fixed specs for a few steps and compares the final checkpoint hashes with
//! values recorded on the reference machine (see BENCHMARKS.md). A verifier whose hardware fails
//! it must verify in [`crate::verify::Mode::Tolerance`].

use serde::{Deserialize, Serialize};

use crate::data::Dataset;
use crate::error::Result;
use crate::hash::Hash;
use crate::spec::{
    Architecture, Decimal, MlpConfig, OptimizerSpec, Runtime, Sampling, Schedule, Spec, Tolerance,
    TransformerConfig,
};
use crate::train::Trainer;
use crate::verify::Mode;

/// Sampling of the reference specs: s = 8 uniform segments plus the top one by update norm.
fn reference_sampling() -> Sampling {
    Sampling {
        segments: 8,
        top_q: 1,
    }
}

/// Tolerance of the reference specs: relative L2 1e-4, L-infinity 1e-3.
fn reference_tolerance() -> Tolerance {
    Tolerance {
        rel_l2: Decimal::new("0.0001"),
        linf: Decimal::new("0.001"),
    }
}

/// MLP 16 -> 32 -> 4 on `synthetic-16x4`, SGD with momentum, batch 16, constant rate.
pub fn mlp_spec(dataset_root: Hash, total_steps: u64, checkpoint_interval: u64) -> Spec {
    Spec {
        architecture: Architecture::Mlp(MlpConfig {
            input_dim: 16,
            hidden: vec![32],
            classes: 4,
        }),
        init_seed: 42,
        optimizer: OptimizerSpec::Sgd {
            lr: Decimal::new("0.05"),
            momentum: Decimal::new("0.9"),
            weight_decay: Decimal::new("0.0001"),
        },
        schedule: Schedule::Constant,
        batch_size: 16,
        total_steps,
        checkpoint_interval,
        dataset_root,
        data_order_seed: 7,
        runtime: Runtime::default(),
        sampling: reference_sampling(),
        tolerance: reference_tolerance(),
    }
}

/// Char transformer (vocab 128, 2 blocks, width 32, 4 heads) over `context`-character windows,
/// AdamW with warm-up and linear decay, batch 8.
pub fn transformer_spec(
    dataset_root: Hash,
    total_steps: u64,
    checkpoint_interval: u64,
    context: u32,
) -> Spec {
    Spec {
        architecture: Architecture::CharTransformer(TransformerConfig {
            vocab: 128,
            context,
            d_model: 32,
            heads: 4,
            layers: 2,
            mlp_hidden: 64,
        }),
        init_seed: 42,
        optimizer: OptimizerSpec::Adamw {
            lr: Decimal::new("0.003"),
            beta1: Decimal::new("0.9"),
            beta2: Decimal::new("0.99"),
            eps: Decimal::new("0.00000001"),
            weight_decay: Decimal::new("0.01"),
        },
        schedule: Schedule::WarmupLinear {
            warmup_steps: total_steps.div_ceil(10),
            final_fraction: Decimal::new("0.1"),
        },
        batch_size: 8,
        total_steps,
        checkpoint_interval,
        dataset_root,
        data_order_seed: 7,
        runtime: Runtime::default(),
        sampling: reference_sampling(),
        tolerance: reference_tolerance(),
    }
}

/// The golden cases: name, spec (on a built-in dataset) and the expected final checkpoint hash.
pub fn cases() -> Vec<(&'static str, Spec, Dataset, &'static str)> {
    let mut builtin = Dataset::builtin().into_iter().map(|(_, d)| d);
    let (synthetic, chars) = (
        builtin.next().expect("synthetic"),
        builtin.next().expect("chars"),
    );
    vec![
        (
            "mlp-sgd",
            mlp_spec(synthetic.root(), 20, 5),
            synthetic,
            GOLDEN_MLP,
        ),
        (
            "char-transformer-adamw",
            transformer_spec(chars.root(), 6, 3, 32),
            chars,
            GOLDEN_TRANSFORMER,
        ),
    ]
}

/// The three workloads benchmarks measure, each with `steps` total steps and k = 10: the golden
/// MLP, a wide MLP (16-256-256-4, batch 64) and the golden char transformer.
pub fn benchmark_jobs(steps: u64) -> Result<Vec<(&'static str, Spec, Dataset)>> {
    let synthetic = Dataset::synthetic_classification(512, 16, 4, 1)?;
    let chars = Dataset::char_windows(crate::data::CORPUS, 32, 4)?;
    let mut wide = mlp_spec(synthetic.root(), steps, 10);
    wide.architecture = Architecture::Mlp(MlpConfig {
        input_dim: 16,
        hidden: vec![256, 256],
        classes: 4,
    });
    wide.batch_size = 64;
    Ok(vec![
        (
            "MLP 16-32-4, batch 16, SGD",
            mlp_spec(synthetic.root(), steps, 10),
            synthetic.clone(),
        ),
        ("MLP 16-256-256-4, batch 64, SGD", wide, synthetic),
        (
            "char transformer ctx 32, d 32, 2 blocks, batch 8, AdamW",
            transformer_spec(chars.root(), steps, 10, 32),
            chars,
        ),
    ])
}

const GOLDEN_MLP: &str = "448e08ae3d1376abb0d7b9912b9375013f9c1761bc10757fc56bb34dbd8fa277";
const GOLDEN_TRANSFORMER: &str = "698039f7547e6990ae20f25369cd8c81ffb7bbc30b7877edfa7efbeffbea6a16";

/// One golden comparison.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GoldenCheck {
    /// Case name.
    pub name: String,
    /// Steps trained.
    pub steps: u64,
    /// Recorded hash.
    pub expected: String,
    /// Hash computed here.
    pub actual: Hash,
    /// Whether they match.
    pub ok: bool,
}

/// Result of [`selftest`].
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SelftestReport {
    /// One entry per case.
    pub checks: Vec<GoldenCheck>,
    /// True when every case matched: exact verification is sound on this machine.
    pub passed: bool,
}

/// Trains every golden case and compares final hashes.
pub fn selftest() -> Result<SelftestReport> {
    let mut checks = Vec::new();
    for (name, spec, data, expected) in cases() {
        let mut t = Trainer::new(&spec)?;
        let mut last = t.snapshot()?.hash();
        for step in 1..=spec.total_steps {
            last = t
                .train_step(&data.batch(spec.data_order_seed, step, spec.batch_size as usize))?
                .leaf
                .checkpoint;
        }
        checks.push(GoldenCheck {
            name: name.into(),
            steps: spec.total_steps,
            expected: expected.into(),
            ok: last.to_hex() == expected,
            actual: last,
        });
    }
    let passed = checks.iter().all(|c| c.ok);
    Ok(SelftestReport { checks, passed })
}

/// The mode a verifier on this machine should use: exact when [`selftest`] passes, else tolerance.
/// Nodes call this once at start-up.
pub fn conformance_mode() -> Result<Mode> {
    Ok(if selftest()?.passed {
        Mode::Exact
    } else {
        Mode::Tolerance
    })
}
