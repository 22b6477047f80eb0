//! `agorad pol ...`: mount [`PolCommand`] as a clap subcommand and call [`PolCommand::run`].

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{anyhow, bail, Context};
use clap::{Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};

use crate::attest::{self, AttestationFile};
use crate::blob::{open_store, BlobServer, BlobStore, FsStore};
use crate::data::{DataFault, Dataset, RemoteDataset};
use crate::golden::{self, selftest};
use crate::hash::Hash;
use crate::spec::Spec;
use crate::verify::{self, Mode, Verdict};

/// Proof-of-learning commands.
#[derive(Debug, Subcommand)]
pub enum PolCommand {
    /// Train a spec as a worker: writes checkpoints to OUT/blobs and OUT/attestation.json.
    Train {
        /// Training spec (JSON).
        #[arg(long)]
        spec: PathBuf,
        /// Output directory.
        #[arg(long)]
        out: PathBuf,
        /// Manifest hash of the dataset; omit to use the built-in dataset whose root the spec names.
        #[arg(long)]
        data: Option<Hash>,
        /// Store holding the dataset shards (directory or http URL); defaults to OUT/blobs.
        #[arg(long)]
        data_store: Option<String>,
        /// Training job id to attest.
        #[arg(long, default_value = "local-job")]
        job_id: String,
        /// Worker address to attest.
        #[arg(long, default_value = "local-worker")]
        worker: String,
    },
    /// Verify an attestation by re-executing sampled segments.
    Verify {
        /// attestation.json written by `train`.
        #[arg(long)]
        attestation: PathBuf,
        /// 32-byte sampling seed, hex.
        #[arg(long)]
        seed: String,
        /// Blob store: a directory or an http:// URL of `serve-blobs`.
        #[arg(long)]
        store: String,
        /// Comparison mode: `auto` (exact if the golden selftest passes here, else tolerance),
        /// `exact` (bit for bit) or `tolerance` (the spec's thresholds).
        #[arg(long, value_enum, default_value_t = ModeArg::Auto)]
        mode: ModeArg,
        /// Uniform samples s (default: the spec's).
        #[arg(long)]
        samples: Option<u32>,
    },
    /// Golden-hash conformance check: can this machine verify in exact mode?
    Selftest,
    /// Serve a blob directory over HTTP (GET/PUT /blobs/SHA256).
    ServeBlobs {
        /// Directory of blobs.
        #[arg(long)]
        dir: PathBuf,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:7070")]
        listen: String,
    },
    /// Print an example spec on a built-in dataset.
    ExampleSpec {
        /// Architecture.
        #[arg(long, value_enum, default_value_t = ArchArg::Mlp)]
        arch: ArchArg,
        /// Total steps N.
        #[arg(long, default_value_t = 100)]
        steps: u64,
        /// Checkpoint interval k.
        #[arg(long, default_value_t = 10)]
        interval: u64,
    },
}

/// `--mode` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    /// Run the golden selftest and pick exact or tolerance.
    Auto,
    /// Bit-for-bit comparison.
    Exact,
    /// Relative L2 / L-inf thresholds from the spec.
    Tolerance,
}

/// `--arch` values for `example-spec`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ArchArg {
    /// MLP on `synthetic-16x4`.
    Mlp,
    /// Char transformer on `apache-2.0-chars-32`.
    CharTransformer,
}

fn bar(len: u64, what: &str) -> ProgressBar {
    let pb = ProgressBar::new(len);
    pb.set_style(
        ProgressStyle::with_template(&format!(
            "{what} {{bar:40}} {{pos}}/{{len}} steps {{per_sec}} eta {{eta}} {{msg}}"
        ))
        .expect("valid template"),
    );
    pb
}

impl PolCommand {
    /// Executes the command. `verify` and `selftest` return an error (non-zero exit) when they
    /// find fraud or a hash mismatch, after printing their report (as JSON if `json`: the
    /// global `--output json` of agorad).
    pub fn run(self, json: bool) -> anyhow::Result<()> {
        match self {
            Self::Train {
                spec,
                out,
                data,
                data_store,
                job_id,
                worker,
            } => {
                let bytes = std::fs::read(&spec)
                    .with_context(|| format!("cannot read spec {}", spec.display()))?;
                let spec_v = Spec::from_json(&bytes, &spec.display().to_string())?;
                let store = FsStore::new(out.join("blobs"))?;
                let dataset = load_dataset(&spec_v, data, data_store.as_deref(), &store)?;
                let pb = bar(spec_v.total_steps, "train");
                let file = attest::train(&spec_v, &dataset, &store, &job_id, &worker, &mut |l| {
                    pb.set_message(format!("loss {:.4}", l.loss()));
                    pb.inc(1);
                })?;
                pb.finish();
                let path = out.join("attestation.json");
                file.write(&path)?;
                eprintln!(
                    "final state {}; attestation {} written to {}",
                    file.attestation.final_state,
                    file.attestation.id(),
                    path.display()
                );
                Ok(())
            }
            Self::Verify {
                attestation,
                seed,
                store,
                mode,
                samples,
            } => {
                let file = AttestationFile::read(&attestation)?;
                let seed = parse_seed(&seed)?;
                let store = open_store(&store)?;
                let mode = match mode {
                    ModeArg::Auto => golden::conformance_mode()?,
                    ModeArg::Exact => Mode::Exact,
                    ModeArg::Tolerance => Mode::Tolerance,
                };
                let v = verify::Verifier::new(&file, store.as_ref(), mode)?;
                let segments = v.sample(&seed, samples, None);
                let pb = bar(
                    segments.len() as u64 * v.spec().checkpoint_interval,
                    "verify",
                );
                let report = v.verify_segments(&segments, &mut |_| pb.inc(1))?;
                pb.finish_and_clear();
                if json {
                    println!("{}", serde_json::to_string_pretty(&report)?)
                } else {
                    let mode = if report.mode == Mode::Exact {
                        "exact"
                    } else {
                        "tolerance"
                    };
                    println!(
                        "attestation {} ({mode} mode), segments {:?}, {} steps re-run",
                        report.attestation_id, report.segments, report.steps_rerun
                    );
                    match &report.verdict {
                            Verdict::Valid => println!("verdict: valid"),
                            Verdict::Fraud(f) => println!(
                                "verdict: FRAUD {:?} at step {} (segment {:?}): {}\n  committed  {}\n  recomputed {}",
                                f.kind, f.step, f.segment, f.detail,
                                f.expected.map_or("-".into(), |h| h.to_hex()),
                                f.recomputed.map_or("-".into(), |h| h.to_hex())
                            ),
                        }
                }
                match report.verdict {
                    Verdict::Valid => Ok(()),
                    Verdict::Fraud(f) => {
                        bail!("attestation rejected: {:?} at step {}", f.kind, f.step)
                    }
                }
            }
            Self::Selftest => {
                let report = selftest()?;
                if json {
                    println!("{}", serde_json::to_string_pretty(&report)?)
                } else {
                    for c in &report.checks {
                        println!(
                            "{:<24} {:>3} steps  {}  {}",
                            c.name,
                            c.steps,
                            c.actual,
                            if c.ok { "ok" } else { "MISMATCH" }
                        );
                    }
                }
                if report.passed {
                    Ok(())
                } else {
                    bail!("golden-hash check failed: this machine does not reproduce the reference arithmetic; verify with --mode tolerance")
                }
            }
            Self::ServeBlobs { dir, listen } => {
                let store: Arc<dyn BlobStore> = Arc::new(FsStore::new(&dir)?);
                let server = BlobServer::start(store, &listen)?;
                eprintln!("serving {} at {}", dir.display(), server.url());
                server.wait();
                Ok(())
            }
            Self::ExampleSpec {
                arch,
                steps,
                interval,
            } => {
                let mut builtin = Dataset::builtin().into_iter().map(|(_, d)| d);
                let (synthetic, chars) = (
                    builtin.next().expect("synthetic"),
                    builtin.next().expect("chars"),
                );
                let spec = match arch {
                    ArchArg::Mlp => golden::mlp_spec(synthetic.root(), steps, interval),
                    ArchArg::CharTransformer => {
                        golden::transformer_spec(chars.root(), steps, interval, 32)
                    }
                };
                spec.validate()?;
                println!("{}", serde_json::to_string_pretty(&spec)?);
                Ok(())
            }
        }
    }
}

/// Parses a 64-character hex sampling seed.
pub fn parse_seed(s: &str) -> anyhow::Result<[u8; 32]> {
    let h: Hash = s.parse().map_err(|e| anyhow!("--seed: {e}"))?;
    Ok(h.0)
}

fn load_dataset(
    spec: &Spec,
    manifest: Option<Hash>,
    data_store: Option<&str>,
    out_store: &FsStore,
) -> anyhow::Result<Dataset> {
    let Some(manifest) = manifest else {
        return Dataset::builtin()
            .into_iter()
            .find(|(_, d)| d.root() == spec.dataset_root)
            .map(|(_, d)| d)
            .ok_or_else(|| anyhow!("dataset_root {} is not a built-in dataset; pass --data <manifest hash> and --data-store", spec.dataset_root));
    };
    let remote_store = data_store.map(open_store).transpose()?;
    let store: &dyn BlobStore = remote_store.as_deref().unwrap_or(out_store);
    let fault = |f: DataFault| match f {
        DataFault::Missing(h) => anyhow!("dataset blob {h} is not in the data store"),
        DataFault::BadProof { index, detail } => anyhow!("dataset example {index}: {detail}"),
        DataFault::Error(e) => e.into(),
    };
    let remote = RemoteDataset::open(store, &manifest, spec.dataset_root).map_err(fault)?;
    let examples = (0..remote.len() as u64)
        .map(|i| remote.example(i))
        .collect::<Result<Vec<_>, _>>()
        .map_err(fault)?;
    Ok(Dataset::new(examples)?)
}
