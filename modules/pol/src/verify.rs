//! Verification: consistency checks, then re-execution of sampled segments.
//!
//! Exact mode re-runs a segment from its start checkpoint and compares every recomputed step leaf
//! with the committed one, bit for bit. Because the worker committed a hash for every step, the
//! first differing leaf *is* the first bad step: the bisection a hash chain allows collapses into
//! one pass that stops at the first divergence. Tolerance mode (for machines that fail
//! [`crate::golden::selftest`]) compares only the segment's end checkpoint numerically.

use serde::{Deserialize, Serialize};

use crate::attest::{steps_root, AttestationFile, StepLeaf};
use crate::blob::{BlobError, BlobStore};
use crate::checkpoint::Checkpoint;
use crate::data::{DataFault, RemoteDataset};
use crate::error::{PolError, Result};
use crate::hash::Hash;
use crate::sample::sample_segments;
use crate::spec::Spec;
use crate::train::Trainer;

/// How recomputed state is compared with committed state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Every step's leaf must match bit for bit.
    Exact,
    /// The segment's end checkpoint must be within the spec's relative-L2 and L-inf thresholds.
    Tolerance,
}

/// What kind of fraud was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FraudKind {
    /// The attestation contradicts its own leaves or the spec (count, roots, final state).
    Inconsistent,
    /// The claimed starting state is not the spec's initial state.
    WrongPrevState,
    /// A recomputed checkpoint hash differs from the committed one.
    HashMismatch,
    /// Checkpoint hashes agree but the committed loss or update norm does not.
    LeafMismatch,
    /// A checkpoint belongs to another job or another step.
    ForeignCheckpoint,
    /// A checkpoint blob is not a canonical checkpoint of this model.
    BadCheckpoint,
    /// An example failed its Merkle proof against the committed data root.
    BadMerkleProof,
    /// A blob the worker must serve is missing (or served with the wrong bytes).
    MissingBlob,
    /// Tolerance mode: the end state is further off than the spec allows.
    ToleranceExceeded,
}

/// Evidence of fraud.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fraud {
    /// Kind of fraud.
    pub kind: FraudKind,
    /// Segment in which it was found, if any.
    pub segment: Option<u64>,
    /// First bad step (0 = the starting state or the attestation as a whole).
    pub step: u64,
    /// What the worker committed, where a hash is involved.
    pub expected: Option<Hash>,
    /// What the verifier recomputed, where a hash is involved.
    pub recomputed: Option<Hash>,
    /// Human-readable explanation.
    pub detail: String,
}

/// Outcome of a verification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Verdict {
    /// Every checked segment reproduced.
    Valid,
    /// The first fraud found.
    Fraud(Fraud),
}

/// A verification report.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Report {
    /// Id of the attestation checked.
    pub attestation_id: Hash,
    /// Comparison mode.
    pub mode: Mode,
    /// Segments selected for re-execution.
    pub segments: Vec<u64>,
    /// Training steps re-executed.
    pub steps_rerun: u64,
    /// The verdict.
    pub verdict: Verdict,
}

/// Verifies one attestation against blobs in a store.
pub struct Verifier<'a> {
    file: &'a AttestationFile,
    store: &'a dyn BlobStore,
    spec: Spec,
    mode: Mode,
}

fn fraud(kind: FraudKind, segment: Option<u64>, step: u64, detail: String) -> Fraud {
    Fraud {
        kind,
        segment,
        step,
        expected: None,
        recomputed: None,
        detail,
    }
}

impl<'a> Verifier<'a> {
    /// Fetches the spec the attestation names; a missing or invalid spec is an error, not fraud.
    pub fn new(file: &'a AttestationFile, store: &'a dyn BlobStore, mode: Mode) -> Result<Self> {
        let h = file.attestation.spec_hash;
        let bytes = store
            .get(&h)
            .map_err(|e| PolError::Attestation(format!("cannot fetch the spec {h}: {e}")))?;
        let spec = Spec::from_json(&bytes, &format!("spec blob {h}"))?;
        if spec.hash() != h {
            return Err(PolError::Attestation(format!(
                "spec blob {h} is not in canonical form (its canonical hash is {})",
                spec.hash()
            )));
        }
        Ok(Self {
            file,
            store,
            spec,
            mode,
        })
    }

    /// The job's spec.
    pub fn spec(&self) -> &Spec {
        &self.spec
    }

    /// Segments to check for `seed`, with `s` and `q` defaulting to the spec's sampling section.
    pub fn sample(&self, seed: &[u8; 32], s: Option<u32>, q: Option<u32>) -> Vec<u64> {
        let p = &self.spec.sampling;
        sample_segments(
            seed,
            &self.file.steps,
            self.spec.checkpoint_interval,
            s.unwrap_or(p.segments),
            q.unwrap_or(p.top_q),
        )
    }

    /// Checks the attestation against its leaves and the spec, without training.
    pub fn check_consistency(&self) -> Result<Option<Fraud>> {
        let (a, steps, n) = (
            &self.file.attestation,
            &self.file.steps,
            self.spec.total_steps,
        );
        let inc = |step, d: String| Ok(Some(fraud(FraudKind::Inconsistent, None, step, d)));
        if steps.len() as u64 != n {
            return inc(0, format!("{} step leaves for a {n}-step job", steps.len()));
        }
        if let Some((i, l)) = steps
            .iter()
            .enumerate()
            .find(|(i, l)| l.step != *i as u64 + 1)
        {
            return inc(i as u64 + 1, format!("leaf {i} is numbered {}", l.step));
        }
        if steps_root(steps) != a.steps_root {
            return inc(0, "the step leaves do not hash to steps_root".into());
        }
        if steps[n as usize - 1].checkpoint != a.final_state {
            return inc(n, "final_state is not the last leaf's checkpoint".into());
        }
        if a.data_root != self.spec.dataset_root {
            return inc(
                0,
                format!(
                    "data_root {} is not the spec's dataset_root {}",
                    a.data_root, self.spec.dataset_root
                ),
            );
        }
        let init = Trainer::new(&self.spec)?.snapshot()?.hash();
        if init != a.prev_state {
            let mut f = fraud(
                FraudKind::WrongPrevState,
                None,
                0,
                "prev_state is not the spec's initial state".into(),
            );
            f.expected = Some(a.prev_state);
            f.recomputed = Some(init);
            return Ok(Some(f));
        }
        Ok(None)
    }

    fn committed(&self, step: u64) -> Hash {
        if step == 0 {
            self.file.attestation.prev_state
        } else {
            self.file.steps[step as usize - 1].checkpoint
        }
    }

    fn fetch_checkpoint(
        &self,
        seg: u64,
        step: u64,
    ) -> Result<std::result::Result<Checkpoint, Fraud>> {
        let hash = self.committed(step);
        let missing = |d: String| {
            let mut f = fraud(FraudKind::MissingBlob, Some(seg), step, d);
            f.expected = Some(hash);
            f
        };
        let bytes = match self.store.get(&hash) {
            Ok(b) => b,
            Err(BlobError::NotFound(_)) => {
                return Ok(Err(missing(format!(
                    "checkpoint of step {step} is not served"
                ))))
            }
            Err(e @ BlobError::Corrupt { .. }) => return Ok(Err(missing(e.to_string()))),
            Err(e) => return Err(e.into()),
        };
        let ckpt = match Checkpoint::from_bytes(&bytes) {
            Ok(c) => c,
            Err(e) => {
                return Ok(Err(fraud(
                    FraudKind::BadCheckpoint,
                    Some(seg),
                    step,
                    e.to_string(),
                )))
            }
        };
        if ckpt.spec_hash != self.file.attestation.spec_hash || ckpt.step != step {
            let mut f = fraud(
                FraudKind::ForeignCheckpoint,
                Some(seg),
                step,
                format!(
                    "checkpoint {hash} is step {} of spec {}, not step {step} of this job",
                    ckpt.step, ckpt.spec_hash
                ),
            );
            f.expected = Some(self.file.attestation.spec_hash);
            f.recomputed = Some(ckpt.spec_hash);
            return Ok(Err(f));
        }
        Ok(Ok(ckpt))
    }

    fn fetch_batches(
        &self,
        seg: u64,
        first: u64,
        last: u64,
    ) -> Result<std::result::Result<Vec<Vec<Vec<u8>>>, Fraud>> {
        let a = &self.file.attestation;
        let to_fraud = |step: u64, f: DataFault| match f {
            DataFault::Missing(h) => Ok(fraud(
                FraudKind::MissingBlob,
                Some(seg),
                step,
                format!("data blob {h} is not served"),
            )),
            DataFault::BadProof { index, detail } => Ok(fraud(
                FraudKind::BadMerkleProof,
                Some(seg),
                step,
                format!("example {index}: {detail}"),
            )),
            DataFault::Error(e) => Err(e),
        };
        let data = match RemoteDataset::open(self.store, &a.data_manifest, self.spec.dataset_root) {
            Ok(d) => d,
            Err(f) => return to_fraud(first, f).map(Err),
        };
        let mut out = Vec::new();
        for step in first..=last {
            match data.batch(
                self.spec.data_order_seed,
                step,
                self.spec.batch_size as usize,
            ) {
                Ok(b) => out.push(b),
                Err(f) => return to_fraud(step, f).map(Err),
            }
        }
        Ok(Ok(out))
    }

    /// Re-executes segment `seg`; `progress` is called after each re-run step.
    pub fn verify_segment(&self, seg: u64, progress: &mut dyn FnMut(u64)) -> Result<Option<Fraud>> {
        let k = self.spec.checkpoint_interval;
        let (start, end) = (seg * k, (seg + 1) * k);
        if end > self.spec.total_steps {
            return Err(PolError::Attestation(format!(
                "segment {seg} is beyond step {}",
                self.spec.total_steps
            )));
        }
        let ckpt = match self.fetch_checkpoint(seg, start)? {
            Ok(c) => c,
            Err(f) => return Ok(Some(f)),
        };
        let batches = match self.fetch_batches(seg, start + 1, end)? {
            Ok(b) => b,
            Err(f) => return Ok(Some(f)),
        };
        let mut trainer = match Trainer::from_checkpoint(&self.spec, &ckpt) {
            Ok(t) => t,
            Err(PolError::Checkpoint(m)) => {
                return Ok(Some(fraud(FraudKind::BadCheckpoint, Some(seg), start, m)))
            }
            Err(e) => return Err(e),
        };
        let mut last_bytes = Vec::new();
        for batch in &batches {
            let out = trainer.train_step(batch)?;
            progress(out.leaf.step);
            if self.mode == Mode::Exact {
                let committed = self.file.steps[out.leaf.step as usize - 1];
                if let Some(f) = compare_leaf(seg, &committed, &out.leaf) {
                    return Ok(Some(f));
                }
            }
            last_bytes = out.checkpoint_bytes;
        }
        match self.mode {
            // The recomputed end state matched; the worker must still serve it (every k-th
            // checkpoint is an obligation, and the last one is the job's output).
            Mode::Exact => Ok(self.fetch_checkpoint(seg, end)?.err()),
            Mode::Tolerance => self.compare_end(seg, end, &last_bytes),
        }
    }

    fn compare_end(&self, seg: u64, end: u64, recomputed: &[u8]) -> Result<Option<Fraud>> {
        let theirs = match self.fetch_checkpoint(seg, end)? {
            Ok(c) => c,
            Err(f) => return Ok(Some(f)),
        };
        let ours = Checkpoint::from_bytes(recomputed)?;
        let (mut diff2, mut ref2, mut linf) = (0f64, 0f64, 0f64);
        for (name, t) in &ours.tensors {
            let Some(u) = theirs.tensors.get(name).filter(|u| u.shape == t.shape) else {
                return Ok(Some(fraud(
                    FraudKind::BadCheckpoint,
                    Some(seg),
                    end,
                    format!("tensor `{name}` missing or reshaped"),
                )));
            };
            for (a, b) in t.values.iter().zip(&u.values) {
                let d = (*a as f64 - *b as f64).abs();
                diff2 += d * d;
                ref2 += (*b as f64) * (*b as f64);
                linf = linf.max(if d.is_nan() { f64::INFINITY } else { d });
            }
        }
        let rel = diff2.sqrt() / ref2.sqrt().max(f64::MIN_POSITIVE);
        let max_rel = self.spec.tolerance.rel_l2.value("tolerance.rel_l2")?;
        let max_inf = self.spec.tolerance.linf.value("tolerance.linf")?;
        if rel.is_nan() || rel > max_rel || linf > max_inf {
            let mut f = fraud(
                FraudKind::ToleranceExceeded,
                Some(seg),
                end,
                format!("relative L2 {rel:e} (max {max_rel:e}), L-inf {linf:e} (max {max_inf:e})"),
            );
            f.expected = Some(self.committed(end));
            f.recomputed = Some(Hash::of(recomputed));
            return Ok(Some(f));
        }
        Ok(None)
    }

    /// Consistency checks, then the given segments in order; stops at the first fraud.
    pub fn verify_segments(
        &self,
        segments: &[u64],
        progress: &mut dyn FnMut(u64),
    ) -> Result<Report> {
        let mut report = Report {
            attestation_id: self.file.attestation.id(),
            mode: self.mode,
            segments: segments.to_vec(),
            steps_rerun: 0,
            verdict: Verdict::Valid,
        };
        if let Some(f) = self.check_consistency()? {
            report.verdict = Verdict::Fraud(f);
            return Ok(report);
        }
        for &seg in segments {
            let mut count = |s: u64| {
                report.steps_rerun += 1;
                progress(s);
            };
            if let Some(f) = self.verify_segment(seg, &mut count)? {
                report.verdict = Verdict::Fraud(f);
                break;
            }
        }
        Ok(report)
    }
}

fn compare_leaf(seg: u64, committed: &StepLeaf, ours: &StepLeaf) -> Option<Fraud> {
    if committed == ours {
        return None;
    }
    let (kind, detail) = if committed.checkpoint != ours.checkpoint {
        (
            FraudKind::HashMismatch,
            format!(
                "step {} does not reproduce the committed checkpoint",
                ours.step
            ),
        )
    } else {
        (
            FraudKind::LeafMismatch,
            format!(
                "step {}: committed loss {} / update norm {}, recomputed {} / {}",
                ours.step,
                committed.loss(),
                committed.update_norm(),
                ours.loss(),
                ours.update_norm()
            ),
        )
    };
    Some(Fraud {
        kind,
        segment: Some(seg),
        step: ours.step,
        expected: Some(committed.checkpoint),
        recomputed: Some(ours.checkpoint),
        detail,
    })
}

/// Full verification for a sampling seed: sample (spec's s and Q unless overridden), check,
/// re-execute. `progress` is called after each re-run step.
pub fn verify(
    file: &AttestationFile,
    store: &dyn BlobStore,
    seed: &[u8; 32],
    mode: Mode,
    samples: Option<u32>,
    progress: &mut dyn FnMut(u64),
) -> Result<Report> {
    let v = Verifier::new(file, store, mode)?;
    let segments = v.sample(seed, samples, None);
    v.verify_segments(&segments, progress)
}
