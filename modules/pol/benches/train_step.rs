//! Milliseconds per training step (forward, backward, optimizer update, canonical checkpoint
//! hash) for each architecture at 1 and 2 threads. `cargo bench -p agora-pol --bench train_step`

use agora_pol::data::{Dataset, CORPUS};
use agora_pol::golden::{mlp_spec, transformer_spec};
use agora_pol::spec::{Architecture, MlpConfig, Spec};
use agora_pol::train::Trainer;
use criterion::{criterion_group, criterion_main, Criterion};

const STEPS: u64 = 1_000_000;

fn jobs() -> Vec<(&'static str, Spec, Dataset)> {
    let synthetic = Dataset::synthetic_classification(512, 16, 4, 1).unwrap();
    let chars = Dataset::char_windows(CORPUS, 32, 4).unwrap();
    let mut wide = mlp_spec(synthetic.root(), STEPS, 10);
    wide.architecture = Architecture::Mlp(MlpConfig {
        input_dim: 16,
        hidden: vec![256, 256],
        classes: 4,
    });
    wide.batch_size = 64;
    vec![
        (
            "mlp-16-32-4-b16",
            mlp_spec(synthetic.root(), STEPS, 10),
            synthetic.clone(),
        ),
        ("mlp-16-256-256-4-b64", wide, synthetic),
        (
            "char-transformer-c32-d32-l2-b8",
            transformer_spec(chars.root(), STEPS, 10, 32),
            chars,
        ),
    ]
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("train_step");
    for (name, spec, data) in jobs() {
        for threads in [1, 2] {
            // candle reads RAYON_NUM_THREADS on every matmul to decide how far to split it.
            std::env::set_var("RAYON_NUM_THREADS", threads.to_string());
            let mut t = Trainer::new(&spec).unwrap();
            group.bench_function(format!("{name}/{threads}t"), |b| {
                b.iter(|| {
                    let step = t.step() + 1;
                    t.train_step(&data.batch(spec.data_order_seed, step, spec.batch_size as usize))
                        .unwrap()
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
