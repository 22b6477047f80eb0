//! Validators and delegations as stored, their SDK share arithmetic, and their protobuf form.

use agora_core::{amount_string, Address, Dec, Error, Result, VALOPER_PREFIX};
use agora_proto::cosmos::crypto::ed25519;
use agora_proto::cosmos::staking::v1beta1 as pb;
use agora_proto::tendermint::google::protobuf::Timestamp;
use agora_proto::Any;
use prost::{Message, Name};
use serde::{Deserialize, Serialize};

use crate::errors::StakingCode;

/// The consensus power of one token unit: power = tokens / 10^6 (the SDK's `PowerReduction`).
pub const POWER_REDUCTION: u128 = 1_000_000;

/// Where a validator stands (the SDK's `BondStatus`, with its protobuf numbers).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BondStatus {
    /// Not in the set, not unbonding: its tokens sit in the not-bonded pool.
    Unbonded = 1,
    /// Left the set; its tokens mature out of the bonded pool after the unbonding time.
    Unbonding = 2,
    /// In the set: it signs blocks and can be slashed.
    Bonded = 3,
}

impl BondStatus {
    /// The SDK's name, as queries filter by it (`BOND_STATUS_BONDED`, ...).
    pub fn name(self) -> &'static str {
        match self {
            BondStatus::Unbonded => "BOND_STATUS_UNBONDED",
            BondStatus::Unbonding => "BOND_STATUS_UNBONDING",
            BondStatus::Bonded => "BOND_STATUS_BONDED",
        }
    }
}

/// A validator's self-description.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Description {
    /// Its name.
    pub moniker: String,
    /// An identity proof (keybase).
    pub identity: String,
    /// Its website.
    pub website: String,
    /// Who to contact about security.
    pub security_contact: String,
    /// Anything else.
    pub details: String,
}

/// A description field an edit leaves as it is (the SDK's `DoNotModifyDesc`).
pub const DO_NOT_MODIFY: &str = "[do-not-modify]";

/// The SDK's length limits on description fields.
const DESCRIPTION_LIMITS: [(&str, usize); 5] = [
    ("moniker", 70),
    ("identity", 3000),
    ("website", 140),
    ("security contact", 140),
    ("details", 280),
];

impl Description {
    /// From the protobuf form.
    pub fn from_proto(d: &pb::Description) -> Self {
        Self {
            moniker: d.moniker.clone(),
            identity: d.identity.clone(),
            website: d.website.clone(),
            security_contact: d.security_contact.clone(),
            details: d.details.clone(),
        }
    }

    /// The protobuf form.
    pub fn to_proto(&self) -> pb::Description {
        pb::Description {
            moniker: self.moniker.clone(),
            identity: self.identity.clone(),
            website: self.website.clone(),
            security_contact: self.security_contact.clone(),
            details: self.details.clone(),
        }
    }

    /// This description with `update`'s fields, except those set to `[do-not-modify]`
    /// (the SDK's `UpdateDescription`).
    pub fn updated(&self, update: &Description) -> Description {
        let keep = |new: &str, old: &str| {
            if new == DO_NOT_MODIFY {
                old.to_string()
            } else {
                new.to_string()
            }
        };
        Description {
            moniker: keep(&update.moniker, &self.moniker),
            identity: keep(&update.identity, &self.identity),
            website: keep(&update.website, &self.website),
            security_contact: keep(&update.security_contact, &self.security_contact),
            details: keep(&update.details, &self.details),
        }
    }

    /// Whether every field is empty (the SDK refuses such a validator).
    pub fn is_empty(&self) -> bool {
        self.fields().iter().all(|f| f.is_empty())
    }

    /// The SDK's `EnsureLength`.
    pub fn ensure_length(&self) -> Result<()> {
        for (value, (name, max)) in self.fields().iter().zip(DESCRIPTION_LIMITS) {
            if value.len() > max {
                return Err(Error::sdk(
                    agora_core::SdkCode::InvalidRequest,
                    format!("invalid {name} length; got: {}, max: {max}", value.len()),
                ));
            }
        }
        Ok(())
    }

    fn fields(&self) -> [&str; 5] {
        [
            &self.moniker,
            &self.identity,
            &self.website,
            &self.security_contact,
            &self.details,
        ]
    }
}

/// A validator's commission: its rate, its ceiling, and how fast it may change per day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commission {
    /// The share of rewards the validator keeps.
    pub rate: Dec,
    /// The highest rate it may ever set.
    pub max_rate: Dec,
    /// The most the rate may change in a day.
    pub max_change_rate: Dec,
    /// When the rate last changed (block time, nanoseconds since the epoch).
    pub update_time_nanos: u64,
}

impl Commission {
    /// The rates of a protobuf `CommissionRates`, checked as the SDK's `CommissionRates.Validate`.
    pub fn from_rates(rates: &pb::CommissionRates, update_time_nanos: u64) -> Result<Self> {
        let commission = Self {
            rate: Dec::from_atomics_str(&rates.rate)?,
            max_rate: Dec::from_atomics_str(&rates.max_rate)?,
            max_change_rate: Dec::from_atomics_str(&rates.max_change_rate)?,
            update_time_nanos,
        };
        if commission.max_rate > Dec::one() {
            return Err(StakingCode::CommissionHuge.bare());
        }
        if commission.rate > commission.max_rate {
            return Err(StakingCode::CommissionGtMaxRate.bare());
        }
        if commission.max_change_rate > commission.max_rate {
            return Err(StakingCode::CommissionChangeRateGtMaxRate.bare());
        }
        Ok(commission)
    }

    /// The SDK's `ValidateNewRate` and `UpdateValidatorCommission`: at most once a day, within
    /// the max rate, rising by at most the max change rate, not below `min_rate`; the new
    /// commission dated `now_nanos`.
    pub fn with_new_rate(&self, rate: Dec, now_nanos: u64, min_rate: Dec) -> Result<Self> {
        const DAY_NANOS: u64 = 24 * 3600 * 1_000_000_000;
        if now_nanos.saturating_sub(self.update_time_nanos) < DAY_NANOS {
            return Err(StakingCode::CommissionUpdateTime.bare());
        }
        if rate > self.max_rate {
            return Err(StakingCode::CommissionGtMaxRate.bare());
        }
        if rate > self.rate && rate.checked_sub(self.rate)? > self.max_change_rate {
            return Err(StakingCode::CommissionGtMaxChangeRate.bare());
        }
        if rate < min_rate {
            return Err(StakingCode::CommissionLtMinRate.err(format!(
                "cannot set validator commission to less than minimum rate of {min_rate}"
            )));
        }
        Ok(Self {
            rate,
            update_time_nanos: now_nanos,
            ..self.clone()
        })
    }

    /// The protobuf form.
    pub fn to_proto(&self) -> pb::Commission {
        pb::Commission {
            commission_rates: Some(pb::CommissionRates {
                rate: self.rate.to_atomics_string(),
                max_rate: self.max_rate.to_atomics_string(),
                max_change_rate: self.max_change_rate.to_atomics_string(),
            }),
            update_time: Some(timestamp(self.update_time_nanos)),
        }
    }
}

/// A validator as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validator {
    /// The operator's account address (shown as `agoravaloper1...`).
    pub operator: Address,
    /// The 32-byte ed25519 consensus public key.
    pub consensus_pubkey: Vec<u8>,
    /// Whether it is jailed (out of the set until unjailed).
    pub jailed: bool,
    /// Where it stands.
    pub status: BondStatus,
    /// Tokens bonded to it, its own and its delegators'.
    #[serde(with = "amount_string")]
    pub tokens: u128,
    /// Shares issued to its delegators; tokens per share is its exchange rate.
    pub delegator_shares: Dec,
    /// Its self-description.
    pub description: Description,
    /// The height it began unbonding at.
    pub unbonding_height: u64,
    /// When its unbonding completes (nanoseconds since the epoch).
    pub unbonding_time_nanos: u64,
    /// Its commission.
    pub commission: Commission,
    /// The least it must delegate to itself.
    #[serde(with = "amount_string")]
    pub min_self_delegation: u128,
}

impl Validator {
    /// The operator address, `agoravaloper1...`.
    pub fn operator_address(&self) -> String {
        self.operator.to_bech32_with(VALOPER_PREFIX)
    }

    /// The consensus address: the first 20 bytes of SHA-256 of the consensus key, as
    /// CometBFT derives an ed25519 validator's address (`agoravalcons1...`).
    pub fn consensus_address(&self) -> Address {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(&self.consensus_pubkey);
        Address::from_bytes(digest[..20].to_vec()).expect("20 bytes make an address")
    }

    /// Voting power in the consensus engine: tokens / 10^6 while bonded, else 0.
    pub fn consensus_power(&self) -> i64 {
        if self.status == BondStatus::Bonded {
            self.potential_power()
        } else {
            0
        }
    }

    /// The power it would have if bonded.
    pub fn potential_power(&self) -> i64 {
        i64::try_from(self.tokens / POWER_REDUCTION).unwrap_or(i64::MAX)
    }

    /// The shares `amount` tokens buy (the SDK's `SharesFromTokens`: shares * amount / tokens,
    /// truncated).
    pub fn shares_from_tokens(&self, amount: u128) -> Result<Dec> {
        if self.tokens == 0 {
            return Err(StakingCode::DelegatorShareExRateInvalid.bare());
        }
        self.delegator_shares.mul_int_quo_int(amount, self.tokens)
    }

    /// Adds delegated tokens; returns the shares issued for them (the SDK's
    /// `AddTokensFromDel`: 1 share per token for the first delegation).
    pub fn add_tokens_from_delegation(&mut self, amount: u128) -> Result<Dec> {
        let issued = if self.delegator_shares.is_zero() {
            Dec::from_int(amount)?
        } else {
            self.shares_from_tokens(amount)?
        };
        self.tokens = self
            .tokens
            .checked_add(amount)
            .ok_or_else(|| Error::internal("validator tokens overflow"))?;
        self.delegator_shares = self.delegator_shares.checked_add(issued)?;
        Ok(issued)
    }

    /// Removes delegator shares; returns the tokens they were worth (the SDK's
    /// `RemoveDelShares`: the last shares take every remaining token).
    pub fn remove_delegator_shares(&mut self, shares: Dec) -> Result<u128> {
        let remaining = self.delegator_shares.checked_sub(shares)?;
        let tokens = if remaining.is_zero() {
            self.tokens
        } else {
            self.tokens_from_shares(shares)?
        };
        self.tokens = self
            .tokens
            .checked_sub(tokens)
            .ok_or_else(|| Error::internal("validator tokens below zero"))?;
        self.delegator_shares = remaining;
        Ok(tokens)
    }

    /// The tokens `shares` are worth (shares * tokens / delegator shares, truncated).
    pub fn tokens_from_shares(&self, shares: Dec) -> Result<u128> {
        if self.delegator_shares.is_zero() {
            return Ok(0);
        }
        let scaled = shares.mul_int_quo_int(self.tokens, 1)?;
        scaled.checked_div(self.delegator_shares)?.truncate()
    }

    /// The protobuf `cosmos.staking.v1beta1.Validator` (shares and rates in the SDK's wire
    /// form, integers scaled by 10^18).
    pub fn to_proto(&self) -> pb::Validator {
        pb::Validator {
            operator_address: self.operator_address(),
            consensus_pubkey: Some(consensus_pubkey_any(&self.consensus_pubkey)),
            jailed: self.jailed,
            status: self.status as i32,
            tokens: self.tokens.to_string(),
            delegator_shares: self.delegator_shares.to_atomics_string(),
            description: Some(self.description.to_proto()),
            unbonding_height: self.unbonding_height as i64,
            unbonding_time: Some(timestamp(self.unbonding_time_nanos)),
            commission: Some(self.commission.to_proto()),
            min_self_delegation: self.min_self_delegation.to_string(),
            unbonding_on_hold_ref_count: 0,
            unbonding_ids: vec![],
        }
    }
}

/// An ed25519 consensus key as an `Any` (`/cosmos.crypto.ed25519.PubKey`).
pub fn consensus_pubkey_any(key: &[u8]) -> Any {
    Any {
        type_url: ed25519::PubKey::type_url(),
        value: ed25519::PubKey { key: key.to_vec() }.encode_to_vec(),
    }
}

fn timestamp(nanos: u64) -> Timestamp {
    Timestamp {
        seconds: (nanos / 1_000_000_000) as i64,
        nanos: (nanos % 1_000_000_000) as i32,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn validator() -> Validator {
        Validator {
            operator: Address::from_bytes(vec![1; 20]).unwrap(),
            consensus_pubkey: vec![2; 32],
            jailed: false,
            status: BondStatus::Unbonded,
            tokens: 0,
            delegator_shares: Dec::zero(),
            description: Description::default(),
            unbonding_height: 0,
            unbonding_time_nanos: 0,
            commission: Commission {
                rate: Dec::zero(),
                max_rate: Dec::zero(),
                max_change_rate: Dec::zero(),
                update_time_nanos: 0,
            },
            min_self_delegation: 1,
        }
    }

    #[test]
    fn the_first_delegation_gets_a_share_per_token_and_later_ones_the_exchange_rate() {
        let mut v = validator();
        assert_eq!(
            v.add_tokens_from_delegation(1_000).unwrap(),
            Dec::from_int(1_000).unwrap()
        );
        assert_eq!(
            v.add_tokens_from_delegation(3_000).unwrap(),
            Dec::from_int(3_000).unwrap()
        );
        // a slash-like loss of tokens: 2 tokens per 4 shares, so a share now costs half a token
        v.tokens = 2_000;
        assert_eq!(
            v.add_tokens_from_delegation(1_000).unwrap(),
            Dec::from_int(2_000).unwrap()
        );
        assert_eq!(
            v.tokens_from_shares(Dec::from_int(2_000).unwrap()).unwrap(),
            1_000
        );
        assert_eq!(
            v.potential_power(),
            0,
            "3,000 tokens are below one unit of power"
        );
        v.tokens = 5_000_000;
        v.status = BondStatus::Bonded;
        assert_eq!(v.consensus_power(), 5);
    }

    #[test]
    fn a_validator_with_shares_but_no_tokens_takes_no_delegation() {
        let mut v = validator();
        v.add_tokens_from_delegation(10).unwrap();
        v.tokens = 0;
        let err = v.add_tokens_from_delegation(5).unwrap_err();
        assert_eq!(err.code, StakingCode::DelegatorShareExRateInvalid as u32);
    }

    proptest! {
        /// Shares bought with tokens are never worth more tokens than were paid.
        #[test]
        fn delegations_never_create_tokens(amounts in proptest::collection::vec(1u128..10u128.pow(15), 1..20), loss in 0u128..1000) {
            let mut v = validator();
            v.add_tokens_from_delegation(amounts[0]).unwrap();
            v.tokens -= v.tokens * loss / 1000;
            prop_assume!(v.tokens > 0);
            for &amount in &amounts[1..] {
                let shares = v.add_tokens_from_delegation(amount).unwrap();
                prop_assert!(v.tokens_from_shares(shares).unwrap() <= amount);
            }
            prop_assert!(v.tokens_from_shares(v.delegator_shares).unwrap() <= v.tokens);
        }
    }
}
