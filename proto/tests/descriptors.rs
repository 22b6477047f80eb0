//! The vendored `.proto` descriptors agree with the Rust types the node encodes with
//! (cosmos-sdk-proto's): a message with every field set, encoded from its descriptor, decodes
//! into the Rust type and re-encodes to the same message. A field only the descriptor has (or
//! one whose wire type differs) would be dropped or misread, and the JSON and reflection the
//! node derives from the descriptors would describe messages it does not send.

use std::collections::{BTreeSet, HashMap};

use agora_proto::cosmos;
use agora_proto::descriptors;
use prost::{Message, Name};
use prost_reflect::{DynamicMessage, FieldDescriptor, Kind, MapKey, MessageDescriptor, Value};

/// Recursion depth of nested messages to fill (deep enough for every field of a tx or block).
const DEPTH: usize = 6;

fn scalar(kind: &Kind, depth: usize) -> Option<Value> {
    Some(match kind {
        Kind::Double => Value::F64(1.5),
        Kind::Float => Value::F32(2.5),
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => Value::I32(-7),
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => Value::I64(-9),
        Kind::Uint32 | Kind::Fixed32 => Value::U32(11),
        Kind::Uint64 | Kind::Fixed64 => Value::U64(13),
        Kind::Bool => Value::Bool(true),
        Kind::String => Value::String("s".into()),
        Kind::Bytes => Value::Bytes(vec![1, 2, 3].into()),
        Kind::Enum(e) => Value::EnumNumber(e.values().last().map_or(0, |v| v.number())),
        Kind::Message(m) => Value::Message(filled(m, depth.checked_sub(1)?)),
    })
}

fn map_key(field: &FieldDescriptor) -> MapKey {
    match field.kind() {
        Kind::Bool => MapKey::Bool(true),
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => MapKey::I32(-7),
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => MapKey::I64(-9),
        Kind::Uint32 | Kind::Fixed32 => MapKey::U32(11),
        Kind::Uint64 | Kind::Fixed64 => MapKey::U64(13),
        _ => MapKey::String("k".into()),
    }
}

/// `desc` with every field set (the first of each oneof), nested messages to `depth`.
fn filled(desc: &MessageDescriptor, depth: usize) -> DynamicMessage {
    let mut message = DynamicMessage::new(desc.clone());
    let mut oneofs = BTreeSet::new();
    for field in desc.fields() {
        if let Some(oneof) = field.containing_oneof() {
            if !oneofs.insert(oneof.name().to_string()) {
                continue;
            }
        }
        let value = if field.is_map() {
            let Kind::Message(entry) = field.kind() else {
                unreachable!("map fields are entry messages")
            };
            let key = map_key(&entry.map_entry_key_field());
            match scalar(&entry.map_entry_value_field().kind(), depth) {
                Some(v) => Value::Map(HashMap::from([(key, v)])),
                None => continue,
            }
        } else if field.is_list() {
            match scalar(&field.kind(), depth) {
                Some(v) => Value::List(vec![v]),
                None => continue,
            }
        } else {
            match scalar(&field.kind(), depth) {
                Some(v) => v,
                None => continue,
            }
        };
        message.set_field(&field, value);
    }
    message
}

fn round_trips<T: Message + Name + Default>() -> Result<(), String> {
    let name = T::full_name();
    let desc = descriptors()
        .get_message_by_name(&name)
        .ok_or_else(|| format!("{name}: not in the descriptor set"))?;
    let full = filled(&desc, DEPTH);
    let rust = T::decode(full.encode_to_vec().as_slice())
        .map_err(|e| format!("{name}: the Rust type cannot decode it: {e}"))?;
    let back = DynamicMessage::decode(desc, rust.encode_to_vec().as_slice())
        .map_err(|e| format!("{name}: {e}"))?;
    if back != full {
        return Err(format!(
            "{name}: fields differ\n descriptor: {full:?}\n via Rust:   {back:?}"
        ));
    }
    Ok(())
}

macro_rules! check_all {
    ($($ty:ty),* $(,)?) => {{
        let mut failures = Vec::new();
        $( if let Err(e) = round_trips::<$ty>() { failures.push(e); } )*
        failures
    }};
}

#[test]
fn served_messages_have_the_fields_of_the_rust_types() {
    use cosmos::auth::v1beta1 as auth;
    use cosmos::bank::v1beta1 as bank;
    use cosmos::base::node::v1beta1 as node;
    use cosmos::base::tendermint::v1beta1 as tm;
    use cosmos::distribution::v1beta1 as distr;
    use cosmos::evidence::v1beta1 as evidence;
    use cosmos::mint::v1beta1 as mint;
    use cosmos::slashing::v1beta1 as slashing;
    use cosmos::staking::v1beta1 as staking;
    use cosmos::tx::v1beta1 as tx;
    let failures = check_all![
        auth::BaseAccount,
        auth::ModuleAccount,
        auth::Params,
        auth::QueryAccountResponse,
        auth::QueryAccountsResponse,
        auth::QueryAccountInfoResponse,
        auth::MsgUpdateParams,
        auth::QueryModuleAccountsResponse,
        bank::MsgSend,
        bank::MsgMultiSend,
        bank::MsgUpdateParams,
        bank::MsgSetSendEnabled,
        bank::QueryBalanceResponse,
        bank::QueryAllBalancesRequest,
        bank::QueryAllBalancesResponse,
        bank::QuerySpendableBalancesResponse,
        bank::QueryTotalSupplyResponse,
        bank::QueryDenomMetadataResponse,
        bank::QueryDenomsMetadataResponse,
        bank::QueryParamsResponse,
        bank::QuerySendEnabledResponse,
        staking::MsgCreateValidator,
        staking::MsgEditValidator,
        staking::MsgDelegate,
        staking::MsgBeginRedelegate,
        staking::MsgUndelegate,
        staking::MsgCancelUnbondingDelegation,
        staking::MsgUpdateParams,
        staking::QueryValidatorsResponse,
        staking::QueryValidatorResponse,
        staking::QueryDelegationResponse,
        staking::QueryDelegatorDelegationsResponse,
        staking::QueryUnbondingDelegationResponse,
        staking::QueryRedelegationsResponse,
        staking::QueryHistoricalInfoResponse,
        staking::QueryPoolResponse,
        staking::QueryParamsResponse,
        distr::MsgSetWithdrawAddress,
        distr::MsgWithdrawDelegatorReward,
        distr::MsgWithdrawValidatorCommission,
        distr::MsgFundCommunityPool,
        distr::MsgCommunityPoolSpend,
        distr::MsgDepositValidatorRewardsPool,
        distr::MsgUpdateParams,
        distr::QueryParamsResponse,
        distr::QueryValidatorDistributionInfoResponse,
        distr::QueryValidatorOutstandingRewardsResponse,
        distr::QueryValidatorCommissionResponse,
        distr::QueryValidatorSlashesResponse,
        distr::QueryDelegationRewardsResponse,
        distr::QueryDelegationTotalRewardsResponse,
        distr::QueryCommunityPoolResponse,
        slashing::MsgUnjail,
        slashing::MsgUpdateParams,
        slashing::QuerySigningInfoResponse,
        slashing::QuerySigningInfosResponse,
        slashing::QueryParamsResponse,
        mint::MsgUpdateParams,
        mint::QueryParamsResponse,
        mint::QueryInflationResponse,
        mint::QueryAnnualProvisionsResponse,
        mint::Minter,
        evidence::Equivocation,
        evidence::QueryEvidenceResponse,
        evidence::QueryAllEvidenceResponse,
        evidence::MsgSubmitEvidence,
        tx::Tx,
        tx::TxRaw,
        tx::SignDoc,
        tx::SimulateRequest,
        tx::SimulateResponse,
        tx::BroadcastTxRequest,
        tx::BroadcastTxResponse,
        tx::GetTxResponse,
        tx::GetTxsEventRequest,
        tx::GetTxsEventResponse,
        tx::GetBlockWithTxsResponse,
        tm::GetNodeInfoResponse,
        tm::GetSyncingResponse,
        tm::GetLatestBlockResponse,
        tm::GetBlockByHeightResponse,
        tm::GetLatestValidatorSetResponse,
        tm::GetValidatorSetByHeightResponse,
        tm::AbciQueryRequest,
        tm::AbciQueryResponse,
        node::ConfigResponse,
        node::StatusResponse,
        cosmos::crypto::secp256k1::PubKey,
        cosmos::crypto::ed25519::PubKey,
        cosmos::crypto::multisig::LegacyAminoPubKey,
    ];
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_field_the_rust_type_lacks_is_caught() {
    // The check itself: a message whose descriptor has more fields than the Rust type it is
    // decoded as (Coin's descriptor, decoded as the one-field QueryBalanceRequest's layout) fails.
    #[derive(Clone, PartialEq, Message)]
    struct DenomOnly {
        #[prost(string, tag = "1")]
        denom: String,
    }
    impl Name for DenomOnly {
        const NAME: &'static str = "Coin";
        const PACKAGE: &'static str = "cosmos.base.v1beta1";
    }
    let error = round_trips::<DenomOnly>().expect_err("amount is missing from the Rust type");
    assert!(error.contains("fields differ"), "{error}");
}
