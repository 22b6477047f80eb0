//! Verification cost and detection-rate measurements for BENCHMARKS.md.
//!
//! `cargo run --release -p agora-pol --example pol_bench`
//!
//! 1. ms per step for each architecture at 1 and 2 threads (wall clock over 200 steps).
//! 2. Verification cost: N = 1000, k = 10; time to verify s = 4, 8, 16 sampled segments (Q = 0)
//!    as a fraction of the time the worker spent training.
//! 3. Detection: a lazy worker skips the steps of a fraction f of the 100 segments. Every
//!    segment is verified once for real; then 10,000 random seeds each pick s segments and
//!    count as a detection if any picked segment was found fraudulent.

use std::collections::BTreeSet;
use std::time::Instant;

use agora_pol::attest::{AttestationFile, Recorder, StepLeaf};
use agora_pol::blob::FsStore;
use agora_pol::data::Dataset;
use agora_pol::golden::benchmark_jobs;
use agora_pol::sample::{below, sample_segments};
use agora_pol::spec::Spec;
use agora_pol::train::{StepOutput, Trainer};
use agora_pol::verify::{Mode, Verdict, Verifier};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

/// Trains with `fake` deciding which segments the worker skips; returns attestation and seconds.
fn work(
    spec: &Spec,
    data: &Dataset,
    store: &FsStore,
    fake: &BTreeSet<u64>,
) -> (AttestationFile, f64) {
    let start = Instant::now();
    let manifest = data.publish(store).unwrap();
    let mut t = Trainer::new(spec).unwrap();
    let mut rec = Recorder::new(spec, store, &t.snapshot().unwrap().to_bytes()).unwrap();
    let mut prev: Option<StepLeaf> = None;
    for step in 1..=spec.total_steps {
        let batch = data.batch(spec.data_order_seed, step, spec.batch_size as usize);
        let out = match prev {
            Some(p) if fake.contains(&((step - 1) / spec.checkpoint_interval)) => {
                // Lazy: advance the counter, keep the weights, repeat the last loss and norm.
                let mut ck = t.snapshot().unwrap();
                ck.step = step;
                t = Trainer::from_checkpoint(spec, &ck).unwrap();
                let leaf = StepLeaf {
                    step,
                    checkpoint: ck.hash(),
                    ..p
                };
                StepOutput {
                    leaf,
                    checkpoint_bytes: ck.to_bytes(),
                }
            }
            _ => t.train_step(&batch).unwrap(),
        };
        prev = Some(out.leaf);
        rec.record(&out).unwrap();
    }
    (
        rec.finish("bench", "worker", manifest).unwrap(),
        start.elapsed().as_secs_f64(),
    )
}

fn main() {
    println!("## ms per training step\n");
    println!("| model | 1 thread | 2 threads |\n|---|---|---|");
    for (name, spec, data) in benchmark_jobs(1_000_000).expect("reference jobs build") {
        let mut row = format!("| {name} |");
        for threads in [1, 2] {
            std::env::set_var("RAYON_NUM_THREADS", threads.to_string());
            let mut t = Trainer::new(&spec).unwrap();
            for s in 1..=20 {
                t.train_step(&data.batch(spec.data_order_seed, s, spec.batch_size as usize))
                    .unwrap();
            }
            let n = 200;
            let start = Instant::now();
            for s in 21..21 + n {
                t.train_step(&data.batch(spec.data_order_seed, s, spec.batch_size as usize))
                    .unwrap();
            }
            row.push_str(&format!(
                " {:.3} |",
                start.elapsed().as_secs_f64() * 1e3 / n as f64
            ));
        }
        println!("{row}");
    }
    std::env::remove_var("RAYON_NUM_THREADS");

    println!("\n## Verification time / training time, N = 1000, k = 10 (Q = 0, mean of 5 seeds; distinct re-run steps in brackets)\n");
    println!("| model | train s | s = 4 | s = 8 | s = 16 |\n|---|---|---|---|---|");
    for (name, spec, data) in benchmark_jobs(1000).expect("reference jobs build") {
        let dir = tempfile::tempdir().unwrap();
        let store = FsStore::new(dir.path()).unwrap();
        let (file, train_s) = work(&spec, &data, &store, &BTreeSet::new());
        let v = Verifier::new(&file, &store, Mode::Exact).unwrap();
        let mut row = format!("| {name} | {train_s:.2} |");
        for s in [4, 8, 16] {
            let (mut total, mut rerun) = (0.0, 0);
            for seed in 0..5u8 {
                let segs = v.sample(&[seed; 32], Some(s), Some(0));
                let start = Instant::now();
                let report = v.verify_segments(&segs, &mut |_| {}).unwrap();
                total += start.elapsed().as_secs_f64();
                assert_eq!(report.verdict, Verdict::Valid);
                rerun += report.steps_rerun;
            }
            let steps = 100.0 * rerun as f64 / 5.0 / spec.total_steps as f64;
            row.push_str(&format!(
                " {:.2}% ({steps:.1}% of steps) |",
                100.0 * total / 5.0 / train_s
            ));
        }
        println!("{row}");
    }

    println!("\n## Detection rate (MLP 16-32-4, N = 1000, k = 10, 100 segments, 10,000 seeds per cell)\n");
    println!("| f | s | measured | predicted 1-(1-f)^s |\n|---|---|---|---|");
    let (_, spec, data) = benchmark_jobs(1000)
        .expect("reference jobs build")
        .remove(0);
    let segments = spec.segments();
    for f in [0.05, 0.25, 0.5] {
        let mut rng = ChaCha20Rng::seed_from_u64((f * 100.0) as u64);
        let mut fake = BTreeSet::new();
        while (fake.len() as f64) < f * segments as f64 {
            fake.insert(below(&mut rng, segments));
        }
        let dir = tempfile::tempdir().unwrap();
        let store = FsStore::new(dir.path()).unwrap();
        let (file, _) = work(&spec, &data, &store, &fake);
        let v = Verifier::new(&file, &store, Mode::Exact).unwrap();
        let caught: BTreeSet<u64> = (0..segments)
            .filter(|&j| v.verify_segment(j, &mut |_| {}).unwrap().is_some())
            .collect();
        assert_eq!(caught, fake, "exactly the faked segments fail re-execution");
        for s in [4u32, 8, 16] {
            let trials = 10_000u32;
            let hits = (0..trials)
                .filter(|i| {
                    let seed = agora_pol::Hash::of_parts(&[
                        &f.to_bits().to_le_bytes(),
                        &s.to_le_bytes(),
                        &i.to_le_bytes(),
                    ])
                    .0;
                    sample_segments(&seed, &file.steps, spec.checkpoint_interval, s, 0)
                        .iter()
                        .any(|j| caught.contains(j))
                })
                .count();
            let predicted = 1.0 - (1.0 - f).powi(s as i32);
            println!(
                "| {f} | {s} | {:.4} | {predicted:.4} |",
                hits as f64 / trials as f64
            );
        }
    }
}
