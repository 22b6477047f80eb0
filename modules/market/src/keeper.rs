//! The market keeper: the only way to the market's store; params and providers, their
//! bonds, and the release of deregistered providers' bonds.

use std::sync::Arc;

use agora_core::{Address, Coin, Coins, Context, Error, Result, StoreKey};
use agora_proto::agora::market::v1::{self as pb, ProviderStatus};
use agora_proto::tendermint::google::protobuf::Timestamp;
use cosmwasm_std::{Binary, Order};
use cw_storage_plus::Bound;
use prost::Message;

use crate::errors::MarketCode;
use crate::expected::BankKeeper;
use crate::state::{PARAMS, PROVIDERS, RELEASES};
use crate::{events, Params, MARKET_MODULE};

/// The market keeper.
pub struct Keeper {
    pub(crate) key: StoreKey,
    authority: Address,
    bank: Arc<dyn BankKeeper>,
}

/// A provider's new description, resources and prices.
#[derive(Clone)]
pub struct Offer {
    /// Its display name.
    pub moniker: String,
    /// Where posters reach it.
    pub endpoint: String,
    /// What it offers.
    pub resources: pb::Resources,
    /// Its properties.
    pub attributes: Vec<pb::Attribute>,
    /// Its asking prices.
    pub prices: pb::Prices,
}

fn nanos(t: &Option<Timestamp>) -> u64 {
    t.as_ref()
        .map(|t| t.seconds.max(0) as u64 * 1_000_000_000 + t.nanos.max(0) as u64)
        .unwrap_or_default()
}

impl Keeper {
    /// A keeper over `key`, changed by `authority`, locking bonds with `bank`.
    pub fn new(key: StoreKey, authority: Address, bank: Arc<dyn BankKeeper>) -> Self {
        Self {
            key,
            authority,
            bank,
        }
    }

    /// Who may change the params.
    pub fn authority(&self) -> &Address {
        &self.authority
    }

    /// The params (the defaults before genesis wrote any).
    pub fn params(&self, ctx: &mut Context) -> Result<Params> {
        match PARAMS.may_load(&ctx.kv(&self.key))? {
            Some(bytes) => Params::from_proto(&pb::Params::decode(bytes.as_slice())?),
            None => Ok(Params::default()),
        }
    }

    /// Replaces the params.
    pub(crate) fn set_params(&self, ctx: &mut Context, params: &Params) -> Result<()> {
        let bytes = Binary::from(params.to_proto().encode_to_vec());
        Ok(PARAMS.save(&mut ctx.kv(&self.key), &bytes)?)
    }

    /// The provider `owner` registered, if any.
    pub fn provider(&self, ctx: &mut Context, owner: &Address) -> Result<Option<pb::Provider>> {
        PROVIDERS
            .may_load(&ctx.kv(&self.key), owner.as_bytes())?
            .map(|b| pb::Provider::decode(b.as_slice()).map_err(Error::from))
            .transpose()
    }

    fn existing(&self, ctx: &mut Context, owner: &Address) -> Result<pb::Provider> {
        self.provider(ctx, owner)?
            .ok_or_else(|| MarketCode::UnknownProvider.err(format!("no provider for {owner}")))
    }

    pub(crate) fn set_provider(&self, ctx: &mut Context, p: &pb::Provider) -> Result<()> {
        let owner = Address::from_bech32(&p.owner)?;
        let bytes = Binary::from(p.encode_to_vec());
        Ok(PROVIDERS.save(&mut ctx.kv(&self.key), owner.as_bytes(), &bytes)?)
    }

    /// Registers `owner` as an active provider with `offer`, locking `bond` (at least the
    /// params' minimum, in the market's denom) in the market module account.
    pub(crate) fn register(
        &self,
        ctx: &mut Context,
        owner: &Address,
        offer: Offer,
        bond: Coin,
    ) -> Result<()> {
        if self.provider(ctx, owner)?.is_some() {
            return Err(MarketCode::ProviderExists.err(format!("{owner} is a provider")));
        }
        let min = self.params(ctx)?.min_provider_bond;
        if bond.denom != min.denom || bond.amount < min.amount {
            return Err(
                MarketCode::InsufficientBond.err(format!("bond {bond} is not at least {min}"))
            );
        }
        self.bank.send_coins_from_account_to_module(
            ctx,
            owner,
            MARKET_MODULE,
            &Coins::from(bond.clone()),
        )?;
        let provider = pb::Provider {
            owner: owner.to_string(),
            moniker: offer.moniker,
            endpoint: offer.endpoint,
            resources: Some(offer.resources),
            attributes: offer.attributes,
            prices: Some(offer.prices),
            bond: Some(crate::params::proto_coin(&bond)),
            status: ProviderStatus::Active as i32,
            reputation: crate::STARTING_REPUTATION,
            active_leases: 0,
            bond_release_time: None,
        };
        self.set_provider(ctx, &provider)?;
        ctx.emit(events::register_provider(owner, &bond));
        Ok(())
    }

    /// A provider that is not leaving, or the error saying why it cannot change.
    fn staying(&self, ctx: &mut Context, owner: &Address) -> Result<pb::Provider> {
        let provider = self.existing(ctx, owner)?;
        if provider.status == ProviderStatus::Deregistering as i32 {
            return Err(MarketCode::ProviderDeregistering.err(format!("provider {owner}")));
        }
        Ok(provider)
    }

    /// Replaces a provider's description, resources and prices.
    pub(crate) fn update(&self, ctx: &mut Context, owner: &Address, offer: Offer) -> Result<()> {
        let mut provider = self.staying(ctx, owner)?;
        provider.moniker = offer.moniker;
        provider.endpoint = offer.endpoint;
        provider.resources = Some(offer.resources);
        provider.attributes = offer.attributes;
        provider.prices = Some(offer.prices);
        self.set_provider(ctx, &provider)?;
        ctx.emit(events::update_provider(owner));
        Ok(())
    }

    /// Pauses or resumes a provider.
    pub(crate) fn pause(&self, ctx: &mut Context, owner: &Address, paused: bool) -> Result<()> {
        let mut provider = self.staying(ctx, owner)?;
        provider.status = if paused {
            ProviderStatus::Paused
        } else {
            ProviderStatus::Active
        } as i32;
        self.set_provider(ctx, &provider)?;
        ctx.emit(events::pause_provider(owner, paused));
        Ok(())
    }

    /// Starts a provider's exit: refused while it has active leases; its bond returns after
    /// the unbonding time.
    pub(crate) fn deregister(&self, ctx: &mut Context, owner: &Address) -> Result<()> {
        let mut provider = self.staying(ctx, owner)?;
        if provider.active_leases > 0 {
            return Err(MarketCode::ProviderHasLeases.err(format!(
                "provider {owner} has {} active leases; close them first",
                provider.active_leases
            )));
        }
        let unbonding = self.params(ctx)?.provider_unbonding_seconds;
        let release = ctx.block.time.nanos() + unbonding * 1_000_000_000;
        provider.status = ProviderStatus::Deregistering as i32;
        provider.bond_release_time = Some(Timestamp {
            seconds: (release / 1_000_000_000) as i64,
            nanos: (release % 1_000_000_000) as i32,
        });
        self.set_provider(ctx, &provider)?;
        RELEASES.save(&mut ctx.kv(&self.key), (release, owner.as_bytes()), &true)?;
        ctx.emit(events::deregister_provider(owner, release));
        Ok(())
    }

    /// Queues a deregistering provider from genesis for the release of its bond.
    pub(crate) fn queue_release(&self, ctx: &mut Context, p: &pb::Provider) -> Result<()> {
        let owner = Address::from_bech32(&p.owner)?;
        let release = nanos(&p.bond_release_time);
        Ok(RELEASES.save(&mut ctx.kv(&self.key), (release, owner.as_bytes()), &true)?)
    }

    /// EndBlock: returns the bonds whose release time has come and removes their providers.
    /// Reads only the due entries of the release queue.
    pub(crate) fn release_bonds(&self, ctx: &mut Context) -> Result<()> {
        let now = ctx.block.time.nanos();
        let due: Vec<(u64, Vec<u8>)> = {
            let kv = ctx.kv(&self.key);
            RELEASES
                .keys(
                    &kv,
                    None,
                    Some(Bound::exclusive((now + 1, &[][..]))),
                    Order::Ascending,
                )
                .collect::<std::result::Result<_, _>>()?
        };
        for (release, owner) in due {
            let owner = Address::from_bytes(owner)?;
            let provider = self.existing(ctx, &owner)?;
            let bond = Coins::from_msg(provider.bond.as_slice())?;
            if !bond.is_empty() {
                self.bank
                    .send_coins_from_module_to_account(ctx, MARKET_MODULE, &owner, &bond)?;
            }
            let mut kv = ctx.kv(&self.key);
            RELEASES.remove(&mut kv, (release, owner.as_bytes()));
            PROVIDERS.remove(&mut kv, owner.as_bytes());
            for coin in bond.iter() {
                ctx.emit(events::release_provider_bond(&owner, coin));
            }
        }
        Ok(())
    }
}

impl Keeper {
    /// Every provider, in owner order (for export).
    pub(crate) fn providers(&self, ctx: &mut Context) -> Result<Vec<pb::Provider>> {
        let kv = ctx.kv(&self.key);
        PROVIDERS
            .range(&kv, None, None, Order::Ascending)
            .map(|entry| Ok(pb::Provider::decode(entry?.1.as_slice())?))
            .collect()
    }
}
