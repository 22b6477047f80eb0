//! `/agora.market.v1.Msg*`: register, update, pause and deregister a provider; the
//! authority's params.

use agora_core::authority::{authority_signer, check_authority};
use agora_core::{decode_any, Address, Coin, Context, DecodedMsg, Error, Result, SdkCode};
use agora_proto::agora::market::v1 as pb;
use agora_proto::Any;
use prost::{Message, Name};

use crate::keeper::Offer;
use crate::{provider, Keeper, Params};

/// Type URL of `MsgRegisterProvider`.
pub const MSG_REGISTER_PROVIDER_TYPE_URL: &str = "/agora.market.v1.MsgRegisterProvider";
/// Type URL of `MsgUpdateProvider`.
pub const MSG_UPDATE_PROVIDER_TYPE_URL: &str = "/agora.market.v1.MsgUpdateProvider";
/// Type URL of `MsgPauseProvider`.
pub const MSG_PAUSE_PROVIDER_TYPE_URL: &str = "/agora.market.v1.MsgPauseProvider";
/// Type URL of `MsgDeregisterProvider`.
pub const MSG_DEREGISTER_PROVIDER_TYPE_URL: &str = "/agora.market.v1.MsgDeregisterProvider";
/// Type URL of the market's `MsgUpdateParams`.
pub const MSG_UPDATE_PARAMS_TYPE_URL: &str = "/agora.market.v1.MsgUpdateParams";
/// The Msgs the market handles.
pub const TYPE_URLS: &[&str] = &[
    MSG_REGISTER_PROVIDER_TYPE_URL,
    MSG_UPDATE_PROVIDER_TYPE_URL,
    MSG_PAUSE_PROVIDER_TYPE_URL,
    MSG_DEREGISTER_PROVIDER_TYPE_URL,
    MSG_UPDATE_PARAMS_TYPE_URL,
];

/// A market Msg, checked without state.
enum MarketMsg {
    Register {
        owner: Address,
        offer: Offer,
        bond: Coin,
    },
    Update {
        owner: Address,
        offer: Offer,
    },
    Pause {
        owner: Address,
        paused: bool,
    },
    Deregister {
        owner: Address,
    },
    UpdateParams {
        authority: String,
        params: Params,
    },
}

/// An offer checked by [`provider::check`].
fn offer(
    moniker: String,
    endpoint: String,
    resources: Option<pb::Resources>,
    attributes: Vec<pb::Attribute>,
    prices: Option<pb::Prices>,
) -> Result<Offer> {
    provider::check(
        &moniker,
        &endpoint,
        resources.as_ref(),
        &attributes,
        prices.as_ref(),
    )?;
    Ok(Offer {
        moniker,
        endpoint,
        resources: resources.unwrap_or_default(),
        attributes,
        prices: prices.unwrap_or_default(),
    })
}

/// Decodes a market Msg and checks it without state.
pub fn decode(msg: &Any) -> Result<DecodedMsg> {
    let (signer, checked) = match msg.type_url.as_str() {
        MSG_REGISTER_PROVIDER_TYPE_URL => {
            let m: pb::MsgRegisterProvider = decode_any(msg, &msg.type_url)?;
            let owner = Address::from_bech32(&m.owner)?;
            let bond = m
                .bond
                .as_ref()
                .ok_or_else(|| Error::sdk(SdkCode::InvalidCoins, "bond is required"))?;
            let amount = provider::price_amount(&bond.amount)
                .map_err(|e| Error::sdk(SdkCode::InvalidCoins, format!("bond: {e}")))?;
            let bond = Coin::new(amount, bond.denom.clone());
            bond.validate()?;
            let offer = offer(m.moniker, m.endpoint, m.resources, m.attributes, m.prices)?;
            (owner.clone(), MarketMsg::Register { owner, offer, bond })
        }
        MSG_UPDATE_PROVIDER_TYPE_URL => {
            let m: pb::MsgUpdateProvider = decode_any(msg, &msg.type_url)?;
            let owner = Address::from_bech32(&m.owner)?;
            let offer = offer(m.moniker, m.endpoint, m.resources, m.attributes, m.prices)?;
            (owner.clone(), MarketMsg::Update { owner, offer })
        }
        MSG_PAUSE_PROVIDER_TYPE_URL => {
            let m: pb::MsgPauseProvider = decode_any(msg, &msg.type_url)?;
            let owner = Address::from_bech32(&m.owner)?;
            let paused = m.paused;
            (owner.clone(), MarketMsg::Pause { owner, paused })
        }
        MSG_DEREGISTER_PROVIDER_TYPE_URL => {
            let m: pb::MsgDeregisterProvider = decode_any(msg, &msg.type_url)?;
            let owner = Address::from_bech32(&m.owner)?;
            (owner.clone(), MarketMsg::Deregister { owner })
        }
        MSG_UPDATE_PARAMS_TYPE_URL => {
            let m: pb::MsgUpdateParams = decode_any(msg, &msg.type_url)?;
            let params = Params::from_proto(&m.params.unwrap_or_default())?;
            let signer = authority_signer(&m.authority)?;
            let authority = m.authority;
            (signer, MarketMsg::UpdateParams { authority, params })
        }
        other => {
            return Err(Error::sdk(
                SdkCode::UnknownRequest,
                format!("the market handles no message {other}"),
            ))
        }
    };
    Ok(DecodedMsg::new(&msg.type_url, vec![signer], checked))
}

/// Executes a decoded market Msg; returns the encoded response.
pub fn handle(keeper: &Keeper, ctx: &mut Context, msg: &DecodedMsg) -> Result<Vec<u8>> {
    fn done<M: Message + Name + Default>() -> Vec<u8> {
        M::default().encode_to_vec()
    }
    Ok(match msg.value::<MarketMsg>()? {
        MarketMsg::Register { owner, offer, bond } => {
            keeper.register(ctx, owner, offer.clone(), bond.clone())?;
            done::<pb::MsgRegisterProviderResponse>()
        }
        MarketMsg::Update { owner, offer } => {
            keeper.update(ctx, owner, offer.clone())?;
            done::<pb::MsgUpdateProviderResponse>()
        }
        MarketMsg::Pause { owner, paused } => {
            keeper.pause(ctx, owner, *paused)?;
            done::<pb::MsgPauseProviderResponse>()
        }
        MarketMsg::Deregister { owner } => {
            keeper.deregister(ctx, owner)?;
            done::<pb::MsgDeregisterProviderResponse>()
        }
        MarketMsg::UpdateParams { authority, params } => {
            check_authority(keeper.authority(), authority)?;
            keeper.set_params(ctx, params)?;
            done::<pb::MsgUpdateParamsResponse>()
        }
    })
}
