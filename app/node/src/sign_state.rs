//! `data/priv_validator_state.json`: the last height, round and step the validator signed, with
//! the sign bytes and the signature, in the format of CometBFT's `FilePVLastSignState`. It is
//! saved (fsynced) before a signature leaves the signer, so that a restarted, restored or
//! wiped node never signs a second, different block at a height it signed.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use prost::Message as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use tendermint::Time;
use tendermint_proto::v0_38::types::CanonicalVote;

use crate::files;

/// CometBFT's `stepPrecommit`: the only step the embedded engine signs.
pub const STEP_PRECOMMIT: i8 = 3;

/// The last signature: CometBFT's JSON (`height` as a string, `signature` base64,
/// `signbytes` upper-case hex, both left out when empty).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignState {
    /// Last signed height.
    #[serde(with = "height_string")]
    pub height: u64,
    /// Its round.
    pub round: i32,
    /// Its step (3 = precommit).
    pub step: i8,
    /// The signature given out.
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "base64_bytes")]
    pub signature: Vec<u8>,
    /// What was signed: the length-prefixed canonical vote.
    #[serde(
        default,
        rename = "signbytes",
        skip_serializing_if = "Vec::is_empty",
        with = "hex_bytes"
    )]
    pub sign_bytes: Vec<u8>,
}

/// What the signer may do with a request, by CometBFT's `CheckHRS` and `signVote`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// A later height, round or step: sign it.
    Sign,
    /// The very vote signed last: give out the stored signature again.
    Same,
    /// The vote signed last with another timestamp: give out the stored signature with the
    /// stored timestamp.
    SameButTimestamp(Time),
}

impl SignState {
    /// Whether a vote at (`height`, `round`, `step`) over `sign_bytes` may be signed. Refuses
    /// any regression and any different vote at the height, round and step signed last.
    pub fn check(&self, height: u64, round: i32, step: i8, sign_bytes: &[u8]) -> Result<Decision> {
        if self.height > height {
            bail!(
                "height regression: asked to sign height {height}, but this validator already signed height {}",
                self.height
            );
        }
        if self.height < height {
            return Ok(Decision::Sign);
        }
        if self.round > round {
            bail!(
                "round regression at height {height}: asked to sign round {round}, already signed round {}",
                self.round
            );
        }
        if self.round < round {
            return Ok(Decision::Sign);
        }
        if self.step > step {
            bail!(
                "step regression at height {height} round {round}: asked to sign step {step}, already signed step {}",
                self.step
            );
        }
        if self.step < step {
            return Ok(Decision::Sign);
        }
        if self.sign_bytes.is_empty() || self.signature.is_empty() {
            bail!("height {height} round {round} step {step} was signed, but its sign bytes are not recorded: refusing to sign it again");
        }
        if self.sign_bytes == sign_bytes {
            return Ok(Decision::Same);
        }
        if let Some(timestamp) = only_timestamp_differs(&self.sign_bytes, sign_bytes) {
            return Ok(Decision::SameButTimestamp(timestamp));
        }
        bail!(
            "conflicting data: refusing to sign a different block at height {height} round {round} step {step}, which this validator already signed (double-sign protection)"
        )
    }
}

/// CometBFT's `checkVotesOnlyDifferByTimestamp`: the timestamp of `last` when the two
/// canonical votes differ only in their timestamps.
fn only_timestamp_differs(last: &[u8], new: &[u8]) -> Option<Time> {
    let mut last = CanonicalVote::decode_length_delimited(last).ok()?;
    let mut new = CanonicalVote::decode_length_delimited(new).ok()?;
    let timestamp = last.timestamp.take()?;
    new.timestamp = None;
    (last == new).then(|| Time::try_from(timestamp).ok())?
}

/// The sign state and the file it is kept in.
#[derive(Debug)]
pub struct SignStateFile {
    path: PathBuf,
    state: SignState,
}

impl SignStateFile {
    /// Loads `path`, creating it when missing. The state is raised to `floor` (what the block
    /// store proves was signed) when it is lower, and saved so.
    pub fn open(path: &Path, floor: Option<SignState>) -> Result<Self> {
        let loaded = match std::fs::read(path) {
            Ok(bytes) => Some(
                serde_json::from_slice::<SignState>(&bytes).with_context(|| {
                    format!(
                        "{} is not a valid priv_validator_state.json",
                        path.display()
                    )
                })?,
            ),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        let mut file = Self {
            path: path.to_path_buf(),
            state: loaded.clone().unwrap_or_default(),
        };
        if let Some(floor) = floor {
            let key = |s: &SignState| (s.height, s.round, s.step);
            if key(&floor) > key(&file.state) {
                tracing::warn!(
                    file = %path.display(),
                    signed = file.state.height,
                    stored = floor.height,
                    "the sign state is behind the block store; raising it to the last stored commit"
                );
                file.state = floor;
            }
        }
        if loaded.as_ref() != Some(&file.state) {
            file.save(file.state.clone())?;
        }
        Ok(file)
    }

    /// The last signature's state.
    pub fn state(&self) -> &SignState {
        &self.state
    }

    /// Makes `state` durable (atomically, fsynced), then current.
    pub fn save(&mut self, state: SignState) -> Result<()> {
        let json = serde_json::to_string_pretty(&state)?;
        files::write_atomic(&self.path, json.as_bytes(), true)?;
        self.state = state;
        Ok(())
    }
}

mod height_string {
    use super::*;

    pub fn serialize<S: Serializer>(height: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&height.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

mod base64_bytes {
    use super::*;

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&BASE64.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = Option::<String>::deserialize(d)?.unwrap_or_default();
        BASE64.decode(text).map_err(serde::de::Error::custom)
    }
}

mod hex_bytes {
    use super::*;

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode_upper(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = Option::<String>::deserialize(d)?.unwrap_or_default();
        hex::decode(text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tendermint_proto::google::protobuf::Timestamp;

    fn vote(height: i64, block: u8, seconds: i64) -> Vec<u8> {
        CanonicalVote {
            r#type: 2,
            height,
            round: 0,
            block_id: Some(tendermint_proto::v0_38::types::CanonicalBlockId {
                hash: vec![block; 32],
                part_set_header: None,
            }),
            timestamp: Some(Timestamp { seconds, nanos: 0 }),
            chain_id: "agora-test".into(),
        }
        .encode_length_delimited_to_vec()
    }

    fn signed(height: u64, sign_bytes: Vec<u8>) -> SignState {
        SignState {
            height,
            round: 0,
            step: STEP_PRECOMMIT,
            signature: vec![9; 64],
            sign_bytes,
        }
    }

    #[test]
    fn refuses_a_different_block_and_any_regression() {
        let state = signed(5, vote(5, 1, 100));
        let err = state.check(5, 0, STEP_PRECOMMIT, &vote(5, 2, 100));
        assert!(err.unwrap_err().to_string().contains("conflicting data"));
        let err = state.check(4, 0, STEP_PRECOMMIT, &vote(4, 1, 100));
        assert!(err.unwrap_err().to_string().contains("height regression"));
        let err = state.check(5, 0, 2, &vote(5, 1, 100));
        assert!(err.unwrap_err().to_string().contains("step regression"));
        let later = SignState {
            round: 1,
            ..state.clone()
        };
        let err = later.check(5, 0, STEP_PRECOMMIT, &vote(5, 1, 100));
        assert!(err.unwrap_err().to_string().contains("round regression"));
        assert_eq!(
            state.check(6, 0, STEP_PRECOMMIT, &vote(6, 2, 100)).unwrap(),
            Decision::Sign
        );
        assert_eq!(
            state.check(5, 1, STEP_PRECOMMIT, &vote(5, 2, 100)).unwrap(),
            Decision::Sign
        );
        let derived_without_bytes = SignState {
            height: 5,
            step: STEP_PRECOMMIT,
            ..Default::default()
        };
        assert!(derived_without_bytes
            .check(5, 0, STEP_PRECOMMIT, &vote(5, 1, 100))
            .is_err());
    }

    #[test]
    fn the_same_vote_gets_the_stored_signature_even_with_another_timestamp() {
        let state = signed(5, vote(5, 1, 100));
        assert_eq!(
            state.check(5, 0, STEP_PRECOMMIT, &vote(5, 1, 100)).unwrap(),
            Decision::Same
        );
        assert_eq!(
            state.check(5, 0, STEP_PRECOMMIT, &vote(5, 1, 200)).unwrap(),
            Decision::SameButTimestamp(Time::from_unix_timestamp(100, 0).unwrap())
        );
    }

    #[test]
    fn the_file_is_cometbft_json_and_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("priv_validator_state.json");
        let mut file = SignStateFile::open(&path, None).unwrap();
        assert_eq!(file.state(), &SignState::default());
        let fresh: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(
            fresh,
            serde_json::json!({"height": "0", "round": 0, "step": 0})
        );

        let state = signed(7, vote(7, 1, 100));
        file.save(state.clone()).unwrap();
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(json["height"], "7");
        assert_eq!(json["step"], 3);
        assert_eq!(json["signature"], BASE64.encode([9; 64]));
        assert_eq!(json["signbytes"], hex::encode_upper(vote(7, 1, 100)));
        assert_eq!(files::exposed_mode(&path).unwrap(), None);

        // After a restart the state refuses what it refused before.
        let reopened = SignStateFile::open(&path, None).unwrap();
        assert_eq!(reopened.state(), &state);
        assert!(reopened
            .state()
            .check(7, 0, STEP_PRECOMMIT, &vote(7, 2, 100))
            .is_err());
        assert!(reopened
            .state()
            .check(6, 0, STEP_PRECOMMIT, &vote(6, 1, 100))
            .is_err());

        // A lower file is raised to what the block store proves, never lowered.
        let floor = signed(9, vote(9, 1, 100));
        let raised = SignStateFile::open(&path, Some(floor.clone())).unwrap();
        assert_eq!(raised.state(), &floor);
        let kept = SignStateFile::open(&path, Some(state)).unwrap();
        assert_eq!(kept.state(), &floor);
    }
}
