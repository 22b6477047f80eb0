//! Milliseconds per training step (forward, backward, optimizer update, canonical checkpoint
//! hash) for each architecture at 1 and 2 threads. `cargo bench -p agora-pol --bench train_step`

use agora_pol::golden::benchmark_jobs;
use agora_pol::train::Trainer;
use criterion::{criterion_group, criterion_main, Criterion};

const STEPS: u64 = 1_000_000;

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("train_step");
    for (name, spec, data) in benchmark_jobs(STEPS).expect("reference jobs build") {
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
