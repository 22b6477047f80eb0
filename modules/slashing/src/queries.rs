//! `/cosmos.slashing.v1beta1.Query/...`: Params, SigningInfo and SigningInfos.

use agora_core::pagination::paginate;
use agora_core::{decode_request, Address, Context, Error, Result, SdkCode, VALCONS_PREFIX};
use agora_proto::cosmos::slashing::v1beta1 as pb;
use agora_proto::tendermint::google::protobuf::Timestamp;
use prost::Message;

use crate::state::{SigningInfo, SIGNING_INFOS};
use crate::Keeper;

const PARAMS_PATH: &str = "/cosmos.slashing.v1beta1.Query/Params";
const SIGNING_INFO_PATH: &str = "/cosmos.slashing.v1beta1.Query/SigningInfo";
const SIGNING_INFOS_PATH: &str = "/cosmos.slashing.v1beta1.Query/SigningInfos";

/// The query paths slashing serves.
pub const PATHS: &[&str] = &[PARAMS_PATH, SIGNING_INFO_PATH, SIGNING_INFOS_PATH];

/// A signing info as the protobuf `ValidatorSigningInfo` of consensus address `consensus`.
pub(crate) fn signing_info_proto(consensus: &[u8], info: &SigningInfo) -> pb::ValidatorSigningInfo {
    pb::ValidatorSigningInfo {
        address: crate::keeper::valcons(consensus),
        start_height: info.start_height as i64,
        index_offset: info.index_offset as i64,
        jailed_until: Some(Timestamp::from(info.jailed_until)),
        tombstoned: info.tombstoned,
        missed_blocks_counter: info.missed_blocks_counter as i64,
    }
}

/// Answers one query.
pub fn handle(keeper: &Keeper, ctx: &mut Context, path: &str, data: &[u8]) -> Result<Vec<u8>> {
    Ok(match path {
        PARAMS_PATH => {
            decode_request::<pb::QueryParamsRequest>(path, data)?;
            pb::QueryParamsResponse {
                params: Some(keeper.params(ctx)?.to_proto()),
            }
            .encode_to_vec()
        }
        SIGNING_INFO_PATH => {
            let req: pb::QuerySigningInfoRequest = decode_request(path, data)?;
            if req.cons_address.is_empty() {
                return Err(Error::sdk(
                    SdkCode::InvalidRequest,
                    "empty consensus address",
                ));
            }
            let consensus = Address::from_bech32_with(VALCONS_PREFIX, &req.cons_address)?;
            let info = keeper
                .signing_info(ctx, consensus.as_bytes())?
                .ok_or_else(|| {
                    Error::not_found(format!("signing info for validator {}", req.cons_address))
                })?;
            pb::QuerySigningInfoResponse {
                val_signing_info: Some(signing_info_proto(consensus.as_bytes(), &info)),
            }
            .encode_to_vec()
        }
        SIGNING_INFOS_PATH => {
            let req: pb::QuerySigningInfosRequest = decode_request(path, data)?;
            let kv = ctx.kv(&keeper.key);
            let (info, page) = paginate(
                &kv,
                &SIGNING_INFOS.prefix(()),
                req.pagination.as_ref(),
                |key, info| Ok(signing_info_proto(key, &info)),
            )?;
            pb::QuerySigningInfosResponse {
                info,
                pagination: Some(page),
            }
            .encode_to_vec()
        }
        other => {
            return Err(Error::sdk(
                SdkCode::UnknownRequest,
                format!("unknown query path {other}"),
            ))
        }
    })
}
