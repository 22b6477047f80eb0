//! Redelegation: moving a delegation from one validator to another at once, with an entry
//! that stays until the source's unbonding time has passed (slashing reaches it until then,
//! and it blocks chaining a redelegation out of the destination).

use agora_core::pagination::paginate;
use agora_core::{Address, Coin, Context, Dec, Error, Result, SdkCode};
use agora_proto::cosmos::base::query::v1beta1::{PageRequest, PageResponse};
use cosmwasm_std::Order;
use cw_storage_plus::Bound;
use serde::{Deserialize, Serialize};

use crate::errors::StakingCode;
use crate::keeper::TokenSource;
use crate::state::{REDELEGATIONS, REDELEGATIONS_BY_DST, REDELEGATIONS_BY_SRC, REDELEGATION_QUEUE};
use crate::{events, BondStatus, Keeper};

/// One redelegation waiting for its completion time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedelegationEntry {
    /// The height it was created at.
    pub creation_height: u64,
    /// When it completes, in nanoseconds since the epoch.
    pub completion_time_nanos: u64,
    /// The tokens moved.
    #[serde(with = "agora_core::amount_string")]
    pub initial_balance: u128,
    /// The shares issued by the destination.
    pub shares_dst: Dec,
}

/// A (delegator, source, destination) triple's entries, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redelegation {
    /// The entries.
    pub entries: Vec<RedelegationEntry>,
}

type Triple<'a> = (&'a [u8], &'a [u8], &'a [u8]);

/// A redelegation with the addresses it is stored under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RedelegationRecord {
    /// Who redelegated.
    pub delegator: Address,
    /// From which validator.
    pub src: Address,
    /// To which validator.
    pub dst: Address,
    /// Its entries.
    pub redelegation: Redelegation,
}

/// The raw address bytes of a redelegation's key.
type TripleKey = (Vec<u8>, Vec<u8>, Vec<u8>);

/// Two addresses as one key part: the first's length, the first, the second.
pub(crate) fn joined(src: &[u8], dst: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + src.len() + dst.len());
    out.push(src.len() as u8);
    out.extend_from_slice(src);
    out.extend_from_slice(dst);
    out
}

/// The two address parts of a cw-storage-plus key under a one-part prefix: each but the last
/// is written with a two-byte length.
fn split_key(rest: &[u8]) -> Result<(Vec<u8>, Vec<u8>)> {
    let bad = || Error::internal("bad redelegation key");
    let (len, rest) = rest.split_at_checked(2).ok_or_else(bad)?;
    let len = u16::from_be_bytes([len[0], len[1]]) as usize;
    let (first, second) = rest.split_at_checked(len).ok_or_else(bad)?;
    Ok((first.to_vec(), second.to_vec()))
}

/// The two addresses of a [`joined`] key part.
fn split(joined: &[u8]) -> Option<(&[u8], &[u8])> {
    let (&len, rest) = joined.split_first()?;
    (rest.len() >= len as usize).then(|| rest.split_at(len as usize))
}

impl Keeper {
    /// The redelegation entries of a triple, if any.
    pub fn redelegation(
        &self,
        ctx: &mut Context,
        delegator: &Address,
        src: &Address,
        dst: &Address,
    ) -> Result<Option<Redelegation>> {
        let key: Triple = (delegator.as_bytes(), src.as_bytes(), dst.as_bytes());
        Ok(REDELEGATIONS.may_load(&ctx.kv(&self.key), key)?)
    }

    /// One page of redelegations as `Query/Redelegations` selects them: of `delegator` (all,
    /// or only from `src`), or every redelegation from `src`.
    pub fn redelegations_page(
        &self,
        ctx: &mut Context,
        delegator: Option<&Address>,
        src: Option<&Address>,
        page: Option<&PageRequest>,
    ) -> Result<(Vec<RedelegationRecord>, PageResponse)> {
        let triples: (Vec<TripleKey>, PageResponse) = {
            let kv = ctx.kv(&self.key);
            match (delegator, src) {
                (Some(d), Some(s)) => {
                    let prefix = REDELEGATIONS.prefix((d.as_bytes(), s.as_bytes()));
                    paginate(&kv, &prefix, page, |dst, _| {
                        Ok((d.as_bytes().to_vec(), s.as_bytes().to_vec(), dst.to_vec()))
                    })?
                }
                (Some(d), None) => {
                    let prefix = REDELEGATIONS.sub_prefix(d.as_bytes());
                    paginate(&kv, &prefix, page, |rest, _| {
                        let (s, dst) = split_key(rest)?;
                        Ok((d.as_bytes().to_vec(), s, dst))
                    })?
                }
                (None, Some(s)) => {
                    let prefix = REDELEGATIONS_BY_SRC.sub_prefix(s.as_bytes());
                    paginate(&kv, &prefix, page, |rest, ()| {
                        let (d, dst) = split_key(rest)?;
                        Ok((d, s.as_bytes().to_vec(), dst))
                    })?
                }
                (None, None) => {
                    return Err(Error::sdk(
                        SdkCode::InvalidRequest,
                        "a delegator or a source validator address is required",
                    ))
                }
            }
        };
        let (keys, response) = triples;
        let mut out = Vec::with_capacity(keys.len());
        for (d, s, dst) in keys {
            let (d, s, dst) = (
                Address::from_bytes(d)?,
                Address::from_bytes(s)?,
                Address::from_bytes(dst)?,
            );
            let redelegation = self.redelegation(ctx, &d, &s, &dst)?.unwrap_or_default();
            out.push(RedelegationRecord {
                delegator: d,
                src: s,
                dst,
                redelegation,
            });
        }
        Ok((out, response))
    }

    /// Every redelegation, by (delegator, source, destination) (genesis export).
    pub(crate) fn all_redelegations(&self, ctx: &mut Context) -> Result<Vec<RedelegationRecord>> {
        let kv = ctx.kv(&self.key);
        let mut out = Vec::new();
        for record in REDELEGATIONS.range(&kv, None, None, Order::Ascending) {
            let ((delegator, src, dst), redelegation) = record?;
            out.push(RedelegationRecord {
                delegator: Address::from_bytes(delegator)?,
                src: Address::from_bytes(src)?,
                dst: Address::from_bytes(dst)?,
                redelegation,
            });
        }
        Ok(out)
    }

    /// Genesis import of a triple's redelegation entries, queued by their completion times.
    pub(crate) fn import_redelegation(
        &self,
        ctx: &mut Context,
        delegator: &Address,
        src: &Address,
        dst: &Address,
        red: &Redelegation,
    ) -> Result<()> {
        let key: Triple = (delegator.as_bytes(), src.as_bytes(), dst.as_bytes());
        self.set_redelegation(ctx, key, red)?;
        let pair = joined(key.1, key.2);
        for entry in &red.entries {
            let queued = (entry.completion_time_nanos, key.0, pair.as_slice());
            REDELEGATION_QUEUE.save(&mut ctx.kv(&self.key), queued, &())?;
        }
        Ok(())
    }

    fn set_redelegation(&self, ctx: &mut Context, key: Triple, red: &Redelegation) -> Result<()> {
        let (delegator, src, dst) = key;
        let mut kv = ctx.kv(&self.key);
        if red.entries.is_empty() {
            REDELEGATIONS.remove(&mut kv, key);
            REDELEGATIONS_BY_DST.remove(&mut kv, (delegator, dst, src));
            REDELEGATIONS_BY_SRC.remove(&mut kv, (src, delegator, dst));
            return Ok(());
        }
        REDELEGATIONS.save(&mut kv, key, red)?;
        REDELEGATIONS_BY_SRC.save(&mut kv, (src, delegator, dst), &())?;
        Ok(REDELEGATIONS_BY_DST.save(&mut kv, (delegator, dst, src), &())?)
    }

    /// The SDK's `BeginRedelegation` of `amount` tokens' worth of `delegator`'s shares in
    /// `src` to `dst`: unbonded from the source, delegated to the destination at once; the
    /// entry completes when the source's unbonding would (at once from an unbonded source).
    /// Returns the completion time (nanos).
    pub fn begin_redelegation(
        &self,
        ctx: &mut Context,
        delegator: &Address,
        src: &Address,
        dst: &Address,
        amount: u128,
    ) -> Result<u64> {
        if src == dst {
            return Err(StakingCode::SelfRedelegation.bare());
        }
        let params = self.params(ctx)?;
        let mut source = self.existing_validator(ctx, src)?;
        let mut destination = self
            .validator(ctx, dst)?
            .ok_or_else(|| StakingCode::BadRedelegationDst.bare())?;
        let (shares, held) = self.shares_to_unbond(ctx, delegator, &source, amount)?;
        let receiving = {
            let kv = ctx.kv(&self.key);
            let found = REDELEGATIONS_BY_DST
                .prefix((delegator.as_bytes(), src.as_bytes()))
                .keys_raw(&kv, None, None, Order::Ascending)
                .next()
                .is_some();
            found
        };
        if receiving {
            return Err(StakingCode::TransitiveRedelegation.bare());
        }
        let mut red = self
            .redelegation(ctx, delegator, src, dst)?
            .unwrap_or_default();
        if red.entries.len() >= params.max_entries as usize {
            return Err(StakingCode::MaxRedelegationEntries.bare());
        }
        let source_status = source.status;
        let tokens = self.unbond(ctx, delegator, &mut source, held, shares)?;
        if tokens == 0 {
            return Err(StakingCode::TinyRedelegationAmount.bare());
        }
        let from_pool = match source_status {
            BondStatus::Bonded => TokenSource::BondedPool,
            _ => TokenSource::NotBondedPool,
        };
        let shares_dst = self.delegate(ctx, delegator, &mut destination, tokens, from_pool)?;
        let now = ctx.block.time.nanos();
        let completion = match source_status {
            BondStatus::Unbonded => now,
            BondStatus::Unbonding => source.unbonding_time_nanos,
            BondStatus::Bonded => ctx.block.time.plus_seconds(params.unbonding_time).nanos(),
        };
        let coin = Coin::new(tokens, params.bond_denom);
        ctx.emit(events::redelegate(src, dst, &coin, completion));
        if completion <= now {
            return Ok(completion);
        }
        red.entries.push(RedelegationEntry {
            creation_height: ctx.block.height,
            completion_time_nanos: completion,
            initial_balance: tokens,
            shares_dst,
        });
        let key: Triple = (delegator.as_bytes(), src.as_bytes(), dst.as_bytes());
        self.set_redelegation(ctx, key, &red)?;
        let pair = joined(key.1, key.2);
        REDELEGATION_QUEUE.save(&mut ctx.kv(&self.key), (completion, key.0, &pair), &())?;
        Ok(completion)
    }

    /// EndBlock: removes every redelegation entry whose time has come.
    pub(crate) fn complete_mature_redelegations(&self, ctx: &mut Context) -> Result<()> {
        let now = ctx.block.time.nanos();
        let due: Vec<(u64, Vec<u8>, Vec<u8>)> = {
            let kv = ctx.kv(&self.key);
            let max = [0xffu8; 80];
            let end = Bound::inclusive((now, &max[..], &max[..]));
            REDELEGATION_QUEUE
                .keys(&kv, None, Some(end), Order::Ascending)
                .collect::<std::result::Result<_, _>>()?
        };
        for (time, delegator, pair) in due {
            REDELEGATION_QUEUE.remove(&mut ctx.kv(&self.key), (time, &delegator, &pair));
            let (src, dst) =
                split(&pair).ok_or_else(|| Error::internal("bad redelegation queue key"))?;
            let (src, dst) = (src.to_vec(), dst.to_vec());
            let key: Triple = (&delegator, &src, &dst);
            let Some(mut red) = REDELEGATIONS.may_load(&ctx.kv(&self.key), key)? else {
                continue;
            };
            red.entries.retain(|e| e.completion_time_nanos > now);
            self.set_redelegation(ctx, key, &red)?;
            ctx.emit(events::complete_redelegation(
                &Address::from_bytes(delegator.clone())?,
                &Address::from_bytes(src.clone())?,
                &Address::from_bytes(dst.clone())?,
            ));
        }
        Ok(())
    }
}
