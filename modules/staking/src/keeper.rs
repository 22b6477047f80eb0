//! The staking keeper: the only way to staking's store. Validators, delegations, the pools,
//! and the bonded set the engine follows.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use agora_core::pagination::{paginate, paginate_filtered};
use agora_core::{Address, Coin, Coins, Context, Dec, Result, StoreKey, ValidatorUpdate};
use agora_proto::cosmos::base::query::v1beta1::{PageRequest, PageResponse};
use agora_proto::tendermint::v0_38::crypto::{public_key::Sum, PublicKey};
use cosmwasm_std::Order;

use crate::errors::StakingCode;
use crate::expected::{BankKeeper, ConsensusKeeper};
use crate::hooks::StakingHooks;
use crate::state::{
    BY_CONSENSUS_ADDRESS, BY_CONSENSUS_KEY, BY_VALIDATOR, DELEGATIONS, LAST_POWER, PARAMS,
    VALIDATORS,
};
use crate::{events, BondStatus, Params, Validator};

/// The module account holding the tokens of bonded validators.
pub const BONDED_POOL: &str = "bonded_tokens_pool";
/// The module account holding the tokens of unbonded and unbonding validators.
pub const NOT_BONDED_POOL: &str = "not_bonded_tokens_pool";

/// Where delegated tokens come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenSource {
    /// The delegator's account.
    Account,
    /// Tokens already in the not-bonded pool (a cancelled unbonding, a redelegation from an
    /// unbonded validator).
    NotBondedPool,
    /// Tokens already in the bonded pool (a redelegation from a bonded validator).
    BondedPool,
}

/// One delegation: who delegated, to which validator, how many shares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delegation {
    /// The delegator's account.
    pub delegator: Address,
    /// The validator's operator account.
    pub validator: Address,
    /// The shares held.
    pub shares: Dec,
}

/// The staking keeper.
pub struct Keeper {
    pub(crate) key: StoreKey,
    authority: Address,
    pub(crate) bank: Arc<dyn BankKeeper>,
    consensus: Arc<dyn ConsensusKeeper>,
    hooks: OnceLock<Vec<Arc<dyn StakingHooks>>>,
}

impl Keeper {
    /// A keeper over `key`, changed by `authority`, moving coins with `bank` and reading the
    /// accepted consensus key types from `consensus`.
    pub fn new(
        key: StoreKey,
        authority: Address,
        bank: Arc<dyn BankKeeper>,
        consensus: Arc<dyn ConsensusKeeper>,
    ) -> Self {
        Self {
            key,
            authority,
            bank,
            consensus,
            hooks: OnceLock::new(),
        }
    }

    /// Registers the hooks (distribution, slashing), in call order; once, at wiring.
    /// Panics if called twice, a wiring bug (as the SDK's `SetHooks`).
    pub fn set_hooks(&self, hooks: Vec<Arc<dyn StakingHooks>>) {
        assert!(self.hooks.set(hooks).is_ok(), "staking hooks set twice");
    }

    /// Runs `call` on every registered hook, in order, stopping at the first error.
    pub(crate) fn each_hook(
        &self,
        ctx: &mut Context,
        mut call: impl FnMut(&dyn StakingHooks, &mut Context) -> Result<()>,
    ) -> Result<()> {
        for hook in self.hooks.get().map(Vec::as_slice).unwrap_or_default() {
            call(hook.as_ref(), ctx)?;
        }
        Ok(())
    }

    /// Who may change staking's params.
    pub fn authority(&self) -> &Address {
        &self.authority
    }

    /// The params.
    pub fn params(&self, ctx: &mut Context) -> Result<Params> {
        Ok(PARAMS.may_load(&ctx.kv(&self.key))?.unwrap_or_default())
    }

    /// Replaces the params; errors if they are invalid.
    pub(crate) fn set_params(&self, ctx: &mut Context, params: &Params) -> Result<()> {
        params.validate()?;
        Ok(PARAMS.save(&mut ctx.kv(&self.key), params)?)
    }

    /// The consensus key types validators may use.
    pub(crate) fn accepted_key_types(&self, ctx: &mut Context) -> Result<Vec<String>> {
        self.consensus.validator_pub_key_types(ctx)
    }

    /// The validator operated by `operator`, if any.
    pub fn validator(&self, ctx: &mut Context, operator: &Address) -> Result<Option<Validator>> {
        Ok(VALIDATORS.may_load(&ctx.kv(&self.key), operator.as_bytes())?)
    }

    /// The validator operated by `operator`; `staking/3` if none.
    pub fn existing_validator(&self, ctx: &mut Context, operator: &Address) -> Result<Validator> {
        self.validator(ctx, operator)?.ok_or_else(|| {
            StakingCode::NoValidatorFound.err(operator.to_bech32_with(agora_core::VALOPER_PREFIX))
        })
    }

    /// Whether a validator uses the consensus key `key`.
    pub fn has_consensus_key(&self, ctx: &mut Context, key: &[u8]) -> bool {
        BY_CONSENSUS_KEY.has(&ctx.kv(&self.key), key)
    }

    /// The validator whose consensus address is `consensus` (as CometBFT names it in votes
    /// and evidence), if any.
    pub fn validator_by_consensus_address(
        &self,
        ctx: &mut Context,
        consensus: &[u8],
    ) -> Result<Option<Validator>> {
        let kv = ctx.kv(&self.key);
        match BY_CONSENSUS_ADDRESS.may_load(&kv, consensus)? {
            Some(operator) => Ok(VALIDATORS.may_load(&kv, &operator)?),
            None => Ok(None),
        }
    }

    /// Saves a validator.
    pub(crate) fn set_validator(&self, ctx: &mut Context, validator: &Validator) -> Result<()> {
        let mut kv = ctx.kv(&self.key);
        Ok(VALIDATORS.save(&mut kv, validator.operator.as_bytes(), validator)?)
    }

    /// Saves a new validator and indexes its consensus key and address.
    pub(crate) fn add_validator(&self, ctx: &mut Context, validator: &Validator) -> Result<()> {
        self.set_validator(ctx, validator)?;
        let mut kv = ctx.kv(&self.key);
        let operator = validator.operator.as_bytes().to_vec();
        BY_CONSENSUS_KEY.save(&mut kv, &validator.consensus_pubkey, &operator)?;
        let consensus = validator.consensus_address();
        BY_CONSENSUS_ADDRESS.save(&mut kv, consensus.as_bytes(), &operator)?;
        Ok(())
    }

    /// The shares `delegator` holds in `validator`'s pool, if any.
    pub fn delegation(
        &self,
        ctx: &mut Context,
        delegator: &Address,
        validator: &Address,
    ) -> Result<Option<Dec>> {
        let key = (delegator.as_bytes(), validator.as_bytes());
        Ok(DELEGATIONS.may_load(&ctx.kv(&self.key), key)?)
    }

    /// Deletes a delegation (both indexes).
    pub(crate) fn remove_delegation(
        &self,
        ctx: &mut Context,
        delegator: &Address,
        validator: &Address,
    ) {
        let mut kv = ctx.kv(&self.key);
        DELEGATIONS.remove(&mut kv, (delegator.as_bytes(), validator.as_bytes()));
        BY_VALIDATOR.remove(&mut kv, (validator.as_bytes(), delegator.as_bytes()));
    }

    /// Deletes a validator that has no shares left.
    pub(crate) fn remove_validator(&self, ctx: &mut Context, validator: &Validator) -> Result<()> {
        {
            let mut kv = ctx.kv(&self.key);
            VALIDATORS.remove(&mut kv, validator.operator.as_bytes());
            BY_CONSENSUS_KEY.remove(&mut kv, &validator.consensus_pubkey);
            BY_CONSENSUS_ADDRESS.remove(&mut kv, validator.consensus_address().as_bytes());
        }
        let consensus = validator.consensus_address();
        self.each_hook(ctx, |h, ctx| {
            h.after_validator_removed(ctx, &consensus, &validator.operator)
        })
    }

    /// Saves a delegation's shares (both indexes).
    pub(crate) fn set_delegation(&self, ctx: &mut Context, d: &Delegation) -> Result<()> {
        let mut kv = ctx.kv(&self.key);
        let (delegator, validator) = (d.delegator.as_bytes(), d.validator.as_bytes());
        DELEGATIONS.save(&mut kv, (delegator, validator), &d.shares)?;
        BY_VALIDATOR.save(&mut kv, (validator, delegator), &())?;
        Ok(())
    }

    /// Delegates `amount` bond-denom tokens to `validator` (the SDK's `Delegate`): from
    /// `delegator`'s account, or from an unbonding entry's tokens in the not-bonded pool. The
    /// tokens end in the pool of the validator's status and the validator issues shares for
    /// them; returns the new shares. Emits `delegate`.
    pub fn delegate(
        &self,
        ctx: &mut Context,
        delegator: &Address,
        validator: &mut Validator,
        amount: u128,
        source: TokenSource,
    ) -> Result<Dec> {
        if validator.tokens == 0 && !validator.delegator_shares.is_zero() {
            return Err(StakingCode::DelegatorShareExRateInvalid.bare());
        }
        let denom = self.params(ctx)?.bond_denom;
        let coins: Coins = Coin::new(amount, denom.clone()).into();
        let pool = match validator.status {
            BondStatus::Bonded => BONDED_POOL,
            _ => NOT_BONDED_POOL,
        };
        match source {
            TokenSource::Account => self
                .bank
                .delegate_coins_from_account_to_module(ctx, delegator, pool, &coins)?,
            TokenSource::NotBondedPool if pool == BONDED_POOL => self
                .bank
                .send_coins_from_module_to_module(ctx, NOT_BONDED_POOL, BONDED_POOL, &coins)?,
            TokenSource::BondedPool if pool == NOT_BONDED_POOL => self
                .bank
                .send_coins_from_module_to_module(ctx, BONDED_POOL, NOT_BONDED_POOL, &coins)?,
            TokenSource::NotBondedPool | TokenSource::BondedPool => {}
        }
        let operator = validator.operator.clone();
        let existing = self.delegation(ctx, delegator, &operator)?;
        self.each_hook(ctx, |h, ctx| match existing {
            Some(_) => h.before_delegation_shares_modified(ctx, delegator, &operator),
            None => h.before_delegation_created(ctx, delegator, &operator),
        })?;
        let issued = validator.add_tokens_from_delegation(amount)?;
        self.set_validator(ctx, validator)?;
        let held = existing.unwrap_or_default();
        self.set_delegation(
            ctx,
            &Delegation {
                delegator: delegator.clone(),
                validator: validator.operator.clone(),
                shares: held.checked_add(issued)?,
            },
        )?;
        self.each_hook(ctx, |h, ctx| {
            h.after_delegation_modified(ctx, delegator, &operator)
        })?;
        ctx.emit(events::delegate(
            validator,
            delegator,
            &Coin::new(amount, denom),
            issued,
        ));
        Ok(issued)
    }

    /// One page of validators by operator address, those of `status` only if given.
    pub fn validators_page(
        &self,
        ctx: &mut Context,
        status: Option<BondStatus>,
        page: Option<&PageRequest>,
    ) -> Result<(Vec<Validator>, PageResponse)> {
        let kv = ctx.kv(&self.key);
        let keep = |_: &[u8], v: Validator| Ok(status.is_none_or(|s| v.status == s).then_some(v));
        paginate_filtered(&kv, &VALIDATORS.prefix(()), page, keep)
    }

    /// One page of the delegations to `validator`, by delegator address.
    pub fn validator_delegations_page(
        &self,
        ctx: &mut Context,
        validator: &Address,
        page: Option<&PageRequest>,
    ) -> Result<(Vec<Delegation>, PageResponse)> {
        let (delegators, response) = {
            let kv = ctx.kv(&self.key);
            paginate(
                &kv,
                &BY_VALIDATOR.prefix(validator.as_bytes()),
                page,
                |key, ()| Address::from_bytes(key.to_vec()),
            )?
        };
        let mut out = Vec::with_capacity(delegators.len());
        for delegator in delegators {
            let shares = self
                .delegation(ctx, &delegator, validator)?
                .unwrap_or_default();
            out.push(Delegation {
                delegator,
                validator: validator.clone(),
                shares,
            });
        }
        Ok((out, response))
    }

    /// Every delegation of `delegator`, by validator address (the SDK's `IterateDelegations`;
    /// a delegator holds one per validator at most).
    pub fn delegator_delegations(
        &self,
        ctx: &mut Context,
        delegator: &Address,
    ) -> Result<Vec<Delegation>> {
        let kv = ctx.kv(&self.key);
        let all = DELEGATIONS
            .prefix(delegator.as_bytes())
            .range(&kv, None, None, Order::Ascending);
        all.map(|item| {
            let (validator, shares) = item?;
            Ok(Delegation {
                delegator: delegator.clone(),
                validator: Address::from_bytes(validator)?,
                shares,
            })
        })
        .collect()
    }

    /// One page of `delegator`'s delegations, by validator address.
    pub fn delegator_delegations_page(
        &self,
        ctx: &mut Context,
        delegator: &Address,
        page: Option<&PageRequest>,
    ) -> Result<(Vec<Delegation>, PageResponse)> {
        let kv = ctx.kv(&self.key);
        paginate(
            &kv,
            &DELEGATIONS.prefix(delegator.as_bytes()),
            page,
            |key, shares| {
                Ok(Delegation {
                    delegator: delegator.clone(),
                    validator: Address::from_bytes(key.to_vec())?,
                    shares,
                })
            },
        )
    }

    /// Every validator, by operator address (genesis export and the set update).
    pub(crate) fn all_validators(&self, ctx: &mut Context) -> Result<Vec<Validator>> {
        let kv = ctx.kv(&self.key);
        let all = VALIDATORS.range(&kv, None, None, Order::Ascending);
        Ok(all.map(|r| r.map(|(_, v)| v)).collect::<Result<_, _>>()?)
    }

    /// Every delegation, by (delegator, validator) (genesis export).
    pub(crate) fn all_delegations(&self, ctx: &mut Context) -> Result<Vec<Delegation>> {
        let kv = ctx.kv(&self.key);
        let mut out = Vec::new();
        for record in DELEGATIONS.range(&kv, None, None, Order::Ascending) {
            let ((delegator, validator), shares) = record?;
            out.push(Delegation {
                delegator: Address::from_bytes(delegator)?,
                validator: Address::from_bytes(validator)?,
                shares,
            });
        }
        Ok(out)
    }

    /// The last validator set's powers, by operator (genesis export).
    pub(crate) fn last_power_list(&self, ctx: &mut Context) -> Result<Vec<(Address, i64)>> {
        self.last_powers(ctx)?
            .into_iter()
            .map(|(op, power)| Ok((Address::from_bytes(op)?, power)))
            .collect()
    }

    /// Genesis import of an exported chain's last validator set: stored as the last powers
    /// and returned as the genesis validator set.
    pub(crate) fn import_last_powers(
        &self,
        ctx: &mut Context,
        powers: &[(Address, i64)],
    ) -> Result<Vec<ValidatorUpdate>> {
        let mut updates = Vec::with_capacity(powers.len());
        for (operator, power) in powers {
            LAST_POWER.save(&mut ctx.kv(&self.key), operator.as_bytes(), power)?;
            updates.push(update(&self.existing_validator(ctx, operator)?, *power));
        }
        Ok(updates)
    }

    /// The power of each validator in the last set sent to the engine, by operator bytes.
    pub(crate) fn last_powers(&self, ctx: &mut Context) -> Result<BTreeMap<Vec<u8>, i64>> {
        let kv = ctx.kv(&self.key);
        let all = LAST_POWER.range(&kv, None, None, Order::Ascending);
        Ok(all.collect::<Result<_, _>>()?)
    }

    /// The validators of the last set sent to the engine (the bonded set as of the last
    /// EndBlock), by operator address.
    pub fn last_validators(&self, ctx: &mut Context) -> Result<Vec<Validator>> {
        let operators = self.last_powers(ctx)?;
        let mut validators = Vec::with_capacity(operators.len());
        for operator in operators.into_keys() {
            let operator = Address::from_bytes(operator)?;
            validators.push(self.existing_validator(ctx, &operator)?);
        }
        Ok(validators)
    }

    /// The tokens of the not-bonded and bonded pools.
    pub fn pool(&self, ctx: &mut Context) -> Result<(u128, u128)> {
        let denom = self.params(ctx)?.bond_denom;
        let not_bonded = self
            .bank
            .balance(ctx, &Address::module(NOT_BONDED_POOL), &denom)?;
        let bonded = self
            .bank
            .balance(ctx, &Address::module(BONDED_POOL), &denom)?;
        Ok((not_bonded, bonded))
    }

    /// The SDK's `ApplyAndReturnValidatorSetUpdates`: the `max_validators` unjailed
    /// validators with the most power (ties by operator address) form the bonded set.
    /// Newly bonded validators' tokens move to the bonded pool; validators leaving the set
    /// begin unbonding (their tokens move back) and get power 0. Returns the power changes.
    pub fn apply_validator_set_updates(&self, ctx: &mut Context) -> Result<Vec<ValidatorUpdate>> {
        let params = self.params(ctx)?;
        let mut candidates: Vec<Validator> = self
            .all_validators(ctx)?
            .into_iter()
            .filter(|v| !v.jailed && v.potential_power() > 0)
            .collect();
        candidates.sort_by(|a, b| {
            b.potential_power()
                .cmp(&a.potential_power())
                .then_with(|| a.operator.as_bytes().cmp(b.operator.as_bytes()))
        });
        candidates.truncate(params.max_validators as usize);
        let mut last = self.last_powers(ctx)?;
        let mut updates = Vec::new();
        for mut validator in candidates {
            let operator = validator.operator.as_bytes().to_vec();
            if validator.status != BondStatus::Bonded {
                self.move_tokens(ctx, &validator, NOT_BONDED_POOL, BONDED_POOL, &params)?;
                validator.status = BondStatus::Bonded;
                validator.unbonding_height = 0;
                validator.unbonding_time_nanos = 0;
                self.set_validator(ctx, &validator)?;
                let consensus = validator.consensus_address();
                self.each_hook(ctx, |h, ctx| {
                    h.after_validator_bonded(ctx, &consensus, &validator.operator)
                })?;
            }
            let power = validator.consensus_power();
            if last.remove(&operator) != Some(power) {
                updates.push(update(&validator, power));
                LAST_POWER.save(&mut ctx.kv(&self.key), &operator, &power)?;
            }
        }
        for operator in last.into_keys() {
            let mut validator =
                self.existing_validator(ctx, &Address::from_bytes(operator.clone())?)?;
            self.move_tokens(ctx, &validator, BONDED_POOL, NOT_BONDED_POOL, &params)?;
            validator.status = BondStatus::Unbonding;
            validator.unbonding_height = ctx.block.height;
            validator.unbonding_time_nanos =
                ctx.block.time.plus_seconds(params.unbonding_time).nanos();
            self.set_validator(ctx, &validator)?;
            let consensus = validator.consensus_address();
            self.each_hook(ctx, |h, ctx| {
                h.after_validator_begin_unbonding(ctx, &consensus, &validator.operator)
            })?;
            LAST_POWER.remove(&mut ctx.kv(&self.key), &operator);
            updates.push(update(&validator, 0));
        }
        Ok(updates)
    }

    /// Moves a validator's tokens from one pool to the other.
    pub(crate) fn move_tokens(
        &self,
        ctx: &mut Context,
        validator: &Validator,
        from: &str,
        to: &str,
        params: &Params,
    ) -> Result<()> {
        if validator.tokens == 0 {
            return Ok(());
        }
        let coins: Coins = Coin::new(validator.tokens, params.bond_denom.clone()).into();
        self.bank
            .send_coins_from_module_to_module(ctx, from, to, &coins)
    }
}

/// A validator's power as the engine takes it.
fn update(validator: &Validator, power: i64) -> ValidatorUpdate {
    ValidatorUpdate {
        pub_key: Some(PublicKey {
            sum: Some(Sum::Ed25519(validator.consensus_pubkey.clone())),
        }),
        power,
    }
}
