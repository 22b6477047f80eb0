//! The evidence keeper: the only way to evidence's store. Equivocations by hash, and the
//! SDK's `handleEquivocationEvidence` run on each block's `misbehavior`.

use std::sync::Arc;
use std::time::Duration;

use agora_core::pagination::paginate;
use agora_core::{Context, Misbehavior, Result, StoreKey};
use agora_proto::cosmos::base::query::v1beta1::{PageRequest, PageResponse};
use agora_proto::cosmos::evidence::v1beta1::Equivocation;
use agora_proto::tendermint::google::protobuf::Timestamp;
use agora_slashing::{double_sign_jail_end, valcons, Infraction, VALIDATOR_UPDATE_DELAY};
use agora_staking::BondStatus;
use cw_storage_plus::Map;
use prost::Message;
use sha2::{Digest, Sha256};

use crate::expected::{ConsensusKeeper, SlashingKeeper, StakingKeeper};

/// Encoded `Equivocation`s by their SHA-256 hash.
pub(crate) const EVIDENCE: Map<&[u8], Vec<u8>> = Map::new("e");

/// An equivocation's hash: SHA-256 of its protobuf encoding (the SDK's `Equivocation.Hash`).
pub fn evidence_hash(evidence: &Equivocation) -> Vec<u8> {
    Sha256::digest(evidence.encode_to_vec()).to_vec()
}

/// The evidence keeper.
pub struct Keeper {
    pub(crate) key: StoreKey,
    staking: Arc<dyn StakingKeeper>,
    slashing: Arc<dyn SlashingKeeper>,
    consensus: Arc<dyn ConsensusKeeper>,
}

impl Keeper {
    /// A keeper over `key` that finds validators with `staking`, punishes them with
    /// `slashing` and reads the evidence age limits from `consensus`.
    pub fn new(
        key: StoreKey,
        staking: Arc<dyn StakingKeeper>,
        slashing: Arc<dyn SlashingKeeper>,
        consensus: Arc<dyn ConsensusKeeper>,
    ) -> Self {
        Self {
            key,
            staking,
            slashing,
            consensus,
        }
    }

    /// The equivocation with `hash`, if stored.
    pub fn evidence(&self, ctx: &mut Context, hash: &[u8]) -> Result<Option<Equivocation>> {
        match EVIDENCE.may_load(&ctx.kv(&self.key), hash)? {
            Some(bytes) => Ok(Some(Equivocation::decode(bytes.as_slice())?)),
            None => Ok(None),
        }
    }

    /// Stores an equivocation under its hash.
    pub(crate) fn set_evidence(&self, ctx: &mut Context, evidence: &Equivocation) -> Result<()> {
        let hash = evidence_hash(evidence);
        Ok(EVIDENCE.save(&mut ctx.kv(&self.key), &hash, &evidence.encode_to_vec())?)
    }

    /// Every stored equivocation, by hash (genesis export).
    pub(crate) fn all_evidence(&self, ctx: &mut Context) -> Result<Vec<Equivocation>> {
        let kv = ctx.kv(&self.key);
        let all = EVIDENCE.range(&kv, None, None, cosmwasm_std::Order::Ascending);
        all.map(|item| Ok(Equivocation::decode(item?.1.as_slice())?))
            .collect()
    }

    /// One page of stored equivocations, by hash.
    pub fn evidence_page(
        &self,
        ctx: &mut Context,
        page: Option<&PageRequest>,
    ) -> Result<(Vec<Equivocation>, PageResponse)> {
        let kv = ctx.kv(&self.key);
        paginate(&kv, &EVIDENCE.prefix(()), page, |_, bytes| {
            Ok(Equivocation::decode(bytes.as_slice())?)
        })
    }

    /// BeginBlock: handles each misbehavior consensus reports. Light-client attacks are
    /// treated as double signs, as in the SDK.
    pub(crate) fn begin_block(&self, ctx: &mut Context) -> Result<()> {
        let reports = ctx.block.comet.misbehavior.clone();
        for report in &reports {
            self.handle_equivocation(ctx, &equivocation(report))?;
        }
        Ok(())
    }

    /// The SDK's `handleEquivocationEvidence`: evidence of a bonded or unbonding validator,
    /// not too old and not yet tombstoned, slashes it by `slash_fraction_double_sign` at
    /// its power then, jails it for ever and tombstones it, and is stored.
    pub fn handle_equivocation(&self, ctx: &mut Context, evidence: &Equivocation) -> Result<()> {
        let consensus = agora_core::Address::from_bech32_with(
            agora_core::VALCONS_PREFIX,
            &evidence.consensus_address,
        )?;
        let consensus = consensus.as_bytes();
        let Some(validator) = self
            .staking
            .validator_by_consensus_address(ctx, consensus)?
        else {
            return Ok(());
        };
        if validator.status == BondStatus::Unbonded {
            return Ok(());
        }
        if self.too_old(ctx, evidence)? {
            tracing::info!(
                validator = %evidence.consensus_address,
                infraction_height = evidence.height,
                "ignored equivocation: evidence too old"
            );
            return Ok(());
        }
        let Some(info) = self.slashing.signing_info(ctx, consensus)? else {
            return Err(agora_core::Error::internal(format!(
                "expected signing info for validator {} but not found",
                valcons(consensus)
            )));
        };
        if info.tombstoned {
            tracing::info!(validator = %evidence.consensus_address, "ignored equivocation: validator already tombstoned");
            return Ok(());
        }
        let distribution_height = evidence.height - VALIDATOR_UPDATE_DELAY;
        let fraction = self.slashing.slash_fraction_double_sign(ctx)?;
        let burned = self.slashing.slash(
            ctx,
            consensus,
            fraction,
            evidence.power,
            distribution_height,
            Infraction::DoubleSign,
        )?;
        if !validator.jailed {
            self.slashing.jail(ctx, consensus)?;
        }
        self.slashing
            .jail_until(ctx, consensus, double_sign_jail_end())?;
        self.slashing.tombstone(ctx, consensus)?;
        self.set_evidence(ctx, evidence)?;
        tracing::warn!(
            height = ctx.block.height,
            validator = %validator.operator_address(),
            infraction_height = evidence.height,
            burned = %burned,
            "validator slashed, jailed and tombstoned for double signing"
        );
        Ok(())
    }

    /// Whether the evidence is older than both of the consensus params' limits.
    fn too_old(&self, ctx: &mut Context, evidence: &Equivocation) -> Result<bool> {
        let Some((max_blocks, max_age)) = self.consensus.evidence_max_age(ctx)? else {
            return Ok(false);
        };
        let now = ctx.block.time;
        let now = Duration::new(now.seconds(), now.subsec_nanos() as u32);
        let then = evidence.time.unwrap_or_default();
        let then = Duration::new(then.seconds.max(0) as u64, then.nanos.max(0) as u32);
        let age = now.saturating_sub(then);
        let age_blocks = ctx.block.height as i64 - evidence.height;
        Ok(age > max_age && age_blocks > max_blocks)
    }
}

/// The `Equivocation` of a consensus misbehavior report.
fn equivocation(report: &Misbehavior) -> Equivocation {
    Equivocation {
        height: report.height as i64,
        time: Some(Timestamp {
            seconds: report.time.seconds() as i64,
            nanos: report.time.subsec_nanos() as i32,
        }),
        power: report.power,
        consensus_address: valcons(&report.address),
    }
}
