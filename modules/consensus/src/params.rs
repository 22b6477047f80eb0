//! The consensus params' defaults and CometBFT's checks of them.

use agora_core::{Error, Result, SdkCode};
use agora_proto::tendermint::google::protobuf::Duration;
use agora_proto::tendermint::v0_38::types::{
    AbciParams, BlockParams, ConsensusParams, EvidenceParams, ValidatorParams, VersionParams,
};

/// CometBFT's largest block (`types.MaxBlockSizeBytes`, 100 MiB).
pub const MAX_BLOCK_SIZE_BYTES: i64 = 104_857_600;

/// Key types CometBFT v0.38 accepts for validators.
const KNOWN_KEY_TYPES: &[&str] = &["ed25519", "secp256k1"];

/// CometBFT v0.38's default consensus params (`types.DefaultConsensusParams`).
pub fn default_params() -> ConsensusParams {
    ConsensusParams {
        block: Some(BlockParams {
            max_bytes: 22_020_096,
            max_gas: -1,
        }),
        evidence: Some(EvidenceParams {
            max_age_num_blocks: 100_000,
            max_age_duration: Some(Duration {
                seconds: 48 * 3600,
                nanos: 0,
            }),
            max_bytes: 1_048_576,
        }),
        validator: Some(ValidatorParams {
            pub_key_types: vec!["ed25519".into()],
        }),
        version: Some(VersionParams { app: 0 }),
        abci: Some(AbciParams {
            vote_extensions_enable_height: 0,
        }),
    }
}

/// `params` with every missing section taken from the defaults.
pub(crate) fn with_defaults(params: ConsensusParams) -> ConsensusParams {
    let d = default_params();
    ConsensusParams {
        block: params.block.or(d.block),
        evidence: params.evidence.or(d.evidence),
        validator: params.validator.or(d.validator),
        version: params.version.or(d.version),
        abci: params.abci.or(d.abci),
    }
}

fn invalid(detail: impl std::fmt::Display) -> Error {
    Error::sdk(SdkCode::InvalidRequest, detail)
}

/// CometBFT's `ConsensusParams.ValidateBasic`: the errors name the bad field.
pub fn validate(params: &ConsensusParams) -> Result<()> {
    let block = params
        .block
        .as_ref()
        .ok_or_else(|| invalid("block params are missing"))?;
    if block.max_bytes == 0 {
        return Err(invalid("block.max_bytes cannot be 0"));
    }
    if block.max_bytes < -1 || block.max_bytes > MAX_BLOCK_SIZE_BYTES {
        return Err(invalid(format!(
            "block.max_bytes must be -1 or in 1..={MAX_BLOCK_SIZE_BYTES}, got {}",
            block.max_bytes
        )));
    }
    if block.max_gas < -1 {
        return Err(invalid(format!(
            "block.max_gas must be >= -1, got {}",
            block.max_gas
        )));
    }
    let evidence = params
        .evidence
        .as_ref()
        .ok_or_else(|| invalid("evidence params are missing"))?;
    if evidence.max_age_num_blocks <= 0 {
        return Err(invalid(format!(
            "evidence.max_age_num_blocks must be positive, got {}",
            evidence.max_age_num_blocks
        )));
    }
    let age = evidence.max_age_duration.as_ref();
    if age.is_none_or(|d| d.seconds < 0 || (d.seconds == 0 && d.nanos <= 0)) {
        return Err(invalid("evidence.max_age_duration must be positive"));
    }
    let block_bytes = if block.max_bytes == -1 {
        MAX_BLOCK_SIZE_BYTES
    } else {
        block.max_bytes
    };
    if evidence.max_bytes < 0 || evidence.max_bytes > block_bytes {
        return Err(invalid(format!(
            "evidence.max_bytes must be in 0..={block_bytes} (the block's size), got {}",
            evidence.max_bytes
        )));
    }
    let validator = params
        .validator
        .as_ref()
        .ok_or_else(|| invalid("validator params are missing"))?;
    if validator.pub_key_types.is_empty() {
        return Err(invalid(
            "validator.pub_key_types must name at least one key type",
        ));
    }
    if let Some(unknown) = validator
        .pub_key_types
        .iter()
        .find(|t| !KNOWN_KEY_TYPES.contains(&t.as_str()))
    {
        return Err(invalid(format!(
            "validator.pub_key_types: unknown key type {unknown:?} (known: {})",
            KNOWN_KEY_TYPES.join(", ")
        )));
    }
    if let Some(abci) = &params.abci {
        if abci.vote_extensions_enable_height < 0 {
            return Err(invalid(format!(
                "abci.vote_extensions_enable_height must be >= 0, got {}",
                abci.vote_extensions_enable_height
            )));
        }
    }
    Ok(())
}

/// CometBFT's `ValidateUpdate` at `height`: vote extensions, once enabled, stay as they are,
/// and cannot be set to start at or below the current height.
pub(crate) fn validate_update(
    current: &ConsensusParams,
    update: Option<&AbciParams>,
    height: u64,
) -> Result<()> {
    let Some(update) = update else {
        return Ok(());
    };
    let now = current
        .abci
        .map(|a| a.vote_extensions_enable_height)
        .unwrap_or(0);
    let next = update.vote_extensions_enable_height;
    if now == next {
        return Ok(());
    }
    let height = height as i64;
    if now != 0 && now <= height {
        return Err(invalid(format!(
            "vote extensions cannot be changed once enabled (enabled at height {now})"
        )));
    }
    if next != 0 && next <= height {
        return Err(invalid(format!(
            "abci.vote_extensions_enable_height {next} must be above the current height {height}"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_pass_and_each_bad_field_is_named() {
        validate(&default_params()).unwrap();
        let mut p = default_params();
        p.block.as_mut().unwrap().max_bytes = 0;
        assert!(validate(&p).unwrap_err().msg.contains("block.max_bytes"));
        let mut p = default_params();
        p.evidence.as_mut().unwrap().max_bytes = 30_000_000;
        assert!(validate(&p).unwrap_err().msg.contains("evidence.max_bytes"));
        let mut p = default_params();
        p.validator.as_mut().unwrap().pub_key_types = vec!["rsa".into()];
        assert!(validate(&p).unwrap_err().msg.contains("unknown key type"));
        let mut p = default_params();
        p.evidence.as_mut().unwrap().max_age_duration = None;
        assert!(validate(&p).unwrap_err().msg.contains("max_age_duration"));
    }

    #[test]
    fn vote_extensions_cannot_move_once_enabled() {
        let mut enabled = default_params();
        enabled.abci = Some(AbciParams {
            vote_extensions_enable_height: 5,
        });
        let later = AbciParams {
            vote_extensions_enable_height: 20,
        };
        assert!(validate_update(&enabled, Some(&later), 10).is_err());
        validate_update(&enabled, Some(&later), 3).unwrap();
        let past = AbciParams {
            vote_extensions_enable_height: 2,
        };
        assert!(validate_update(&default_params(), Some(&past), 3).is_err());
        validate_update(&default_params(), None, 3).unwrap();
    }
}
