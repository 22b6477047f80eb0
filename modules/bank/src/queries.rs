//! `/cosmos.bank.v1beta1.Query/...` handlers: protobuf request in, protobuf response out.

use agora_core::{decode_request, validate_denom, Address, Coin, Context, Error, Result, SdkCode};
use agora_proto::cosmos::bank::v1beta1 as pb;
use agora_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use prost::Message;

use crate::{Keeper, Metadata, SendEnabled};

const BALANCE: &str = "/cosmos.bank.v1beta1.Query/Balance";
const ALL_BALANCES: &str = "/cosmos.bank.v1beta1.Query/AllBalances";
const SPENDABLE_BALANCES: &str = "/cosmos.bank.v1beta1.Query/SpendableBalances";
const SPENDABLE_BALANCE_BY_DENOM: &str = "/cosmos.bank.v1beta1.Query/SpendableBalanceByDenom";
const TOTAL_SUPPLY: &str = "/cosmos.bank.v1beta1.Query/TotalSupply";
const SUPPLY_OF: &str = "/cosmos.bank.v1beta1.Query/SupplyOf";
const PARAMS: &str = "/cosmos.bank.v1beta1.Query/Params";
const DENOM_METADATA_PATH: &str = "/cosmos.bank.v1beta1.Query/DenomMetadata";
const DENOMS_METADATA: &str = "/cosmos.bank.v1beta1.Query/DenomsMetadata";
const SEND_ENABLED_PATH: &str = "/cosmos.bank.v1beta1.Query/SendEnabled";

/// The query paths bank serves.
pub const PATHS: &[&str] = &[
    BALANCE,
    ALL_BALANCES,
    SPENDABLE_BALANCES,
    SPENDABLE_BALANCE_BY_DENOM,
    TOTAL_SUPPLY,
    SUPPLY_OF,
    PARAMS,
    DENOM_METADATA_PATH,
    DENOMS_METADATA,
    SEND_ENABLED_PATH,
];

/// Answers one query. Lists come a page at a time (`pagination`, see [`agora_core::pagination`]).
pub fn handle(keeper: &Keeper, ctx: &mut Context, path: &str, data: &[u8]) -> Result<Vec<u8>> {
    Ok(match path {
        BALANCE => {
            let req: pb::QueryBalanceRequest = decode_request(path, data)?;
            let balance = Some(balance_of(keeper, ctx, &req.address, &req.denom)?);
            pb::QueryBalanceResponse { balance }.encode_to_vec()
        }
        SPENDABLE_BALANCE_BY_DENOM => {
            let req: pb::QuerySpendableBalanceByDenomRequest = decode_request(path, data)?;
            let balance = Some(balance_of(keeper, ctx, &req.address, &req.denom)?);
            pb::QuerySpendableBalanceByDenomResponse { balance }.encode_to_vec()
        }
        ALL_BALANCES => {
            let req: pb::QueryAllBalancesRequest = decode_request(path, data)?;
            let addr = address(&req.address)?;
            let (coins, pagination) = keeper.balances_page(ctx, &addr, req.pagination.as_ref())?;
            pb::QueryAllBalancesResponse {
                balances: coins.iter().map(proto_coin).collect(),
                pagination: Some(pagination),
            }
            .encode_to_vec()
        }
        SPENDABLE_BALANCES => {
            // No vesting accounts yet: everything held is spendable.
            let req: pb::QuerySpendableBalancesRequest = decode_request(path, data)?;
            let addr = address(&req.address)?;
            let (coins, pagination) = keeper.balances_page(ctx, &addr, req.pagination.as_ref())?;
            pb::QuerySpendableBalancesResponse {
                balances: coins.iter().map(proto_coin).collect(),
                pagination: Some(pagination),
            }
            .encode_to_vec()
        }
        TOTAL_SUPPLY => {
            let req: pb::QueryTotalSupplyRequest = decode_request(path, data)?;
            let (coins, pagination) = keeper.supply_page(ctx, req.pagination.as_ref())?;
            pb::QueryTotalSupplyResponse {
                supply: coins.iter().map(proto_coin).collect(),
                pagination: Some(pagination),
            }
            .encode_to_vec()
        }
        SUPPLY_OF => {
            let req: pb::QuerySupplyOfRequest = decode_request(path, data)?;
            validate_denom(&req.denom)?;
            let amount = Some(proto_coin(&Coin::new(
                keeper.supply_of(ctx, &req.denom)?,
                req.denom,
            )));
            pb::QuerySupplyOfResponse { amount }.encode_to_vec()
        }
        PARAMS => {
            decode_request::<pb::QueryParamsRequest>(path, data)?;
            pb::QueryParamsResponse {
                params: Some(keeper.params(ctx)?.to_proto()),
            }
            .encode_to_vec()
        }
        DENOM_METADATA_PATH => {
            let req: pb::QueryDenomMetadataRequest = decode_request(path, data)?;
            validate_denom(&req.denom)?;
            let metadata = keeper.denom_metadata(ctx, &req.denom)?.ok_or_else(|| {
                // the SDK's handler answers gRPC NotFound, which its ABCI query turns into
                // sdk's ErrKeyNotFound
                Error::not_found(format!("client metadata for denom {}", req.denom))
            })?;
            pb::QueryDenomMetadataResponse {
                metadata: Some(metadata.to_proto()),
            }
            .encode_to_vec()
        }
        DENOMS_METADATA => {
            let req: pb::QueryDenomsMetadataRequest = decode_request(path, data)?;
            let (metadatas, pagination) =
                keeper.denom_metadata_page(ctx, req.pagination.as_ref())?;
            pb::QueryDenomsMetadataResponse {
                metadatas: metadatas.iter().map(Metadata::to_proto).collect(),
                pagination: Some(pagination),
            }
            .encode_to_vec()
        }
        SEND_ENABLED_PATH => {
            // Listed denoms come without pagination, as the SDK answers them.
            let req: pb::QuerySendEnabledRequest = decode_request(path, data)?;
            let (entries, pagination) = if req.denoms.is_empty() {
                let (entries, page) = keeper.send_enabled_page(ctx, req.pagination.as_ref())?;
                (entries, Some(page))
            } else {
                (keeper.send_enabled_entries(ctx, &req.denoms)?, None)
            };
            pb::QuerySendEnabledResponse {
                send_enabled: entries.iter().map(SendEnabled::to_proto).collect(),
                pagination,
            }
            .encode_to_vec()
        }
        _ => {
            return Err(Error::sdk(
                SdkCode::UnknownRequest,
                format!("unknown query path {path}"),
            ))
        }
    })
}

fn address(s: &str) -> Result<Address> {
    if s.is_empty() {
        return Err(Error::sdk(
            SdkCode::InvalidAddress,
            "address cannot be empty",
        ));
    }
    Address::from_bech32(s)
}

fn balance_of(keeper: &Keeper, ctx: &mut Context, addr: &str, denom: &str) -> Result<ProtoCoin> {
    let addr = address(addr)?;
    validate_denom(denom)?;
    Ok(proto_coin(&Coin::new(
        keeper.balance(ctx, &addr, denom)?,
        denom,
    )))
}

fn proto_coin(coin: &Coin) -> ProtoCoin {
    ProtoCoin {
        denom: coin.denom.clone(),
        amount: coin.amount.to_string(),
    }
}
