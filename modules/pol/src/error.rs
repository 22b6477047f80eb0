//! The engine's error type: every variant reads as a sentence naming what was wrong.

use crate::blob::BlobError;

/// Errors from building, training, loading and verifying. Fraud by a worker is not an error: it is
/// a [`crate::verify::Verdict`].
#[derive(Debug, thiserror::Error)]
pub enum PolError {
    /// The training spec is malformed or inconsistent.
    #[error("invalid training spec: {0}")]
    Spec(String),
    /// Checkpoint bytes are not a canonical Agora checkpoint, or do not fit the spec.
    #[error("invalid checkpoint: {0}")]
    Checkpoint(String),
    /// Dataset examples, shards or manifests are malformed.
    #[error("invalid data: {0}")]
    Data(String),
    /// An attestation file is malformed.
    #[error("invalid attestation: {0}")]
    Attestation(String),
    /// A value (hash, seed, address) could not be parsed.
    #[error("{0}")]
    Parse(String),
    /// Storing or fetching a blob failed.
    #[error(transparent)]
    Blob(#[from] BlobError),
    /// candle reported an error while computing.
    #[error("candle: {0}")]
    Candle(#[from] candle_core::Error),
    /// Reading or writing a local file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory involved.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// Result with [`PolError`].
pub type Result<T> = std::result::Result<T, PolError>;

impl PolError {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl AsRef<std::path::Path>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.as_ref().display().to_string(),
            source,
        }
    }
}
