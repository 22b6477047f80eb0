//! `/agora.market.v1.Query/...`: Provider, Providers (by status, least resources and least
//! reputation; paginated), Params.

use agora_core::pagination::paginate_filtered;
use agora_core::{decode_request, Address, Context, Error, Result, SdkCode};
use agora_proto::agora::market::v1 as pb;
use prost::Message;

use crate::errors::MarketCode;
use crate::state::PROVIDERS;
use crate::Keeper;

const PROVIDER_PATH: &str = "/agora.market.v1.Query/Provider";
const PROVIDERS_PATH: &str = "/agora.market.v1.Query/Providers";
const PARAMS_PATH: &str = "/agora.market.v1.Query/Params";

/// The query paths the market serves.
pub const PATHS: &[&str] = &[PROVIDER_PATH, PROVIDERS_PATH, PARAMS_PATH];

/// Whether `offered` is at least `min` in every resource (and the GPU model, if one is asked).
fn covers(offered: &pb::Resources, min: &pb::Resources) -> bool {
    offered.cpu_millicores >= min.cpu_millicores
        && offered.memory_mib >= min.memory_mib
        && offered.gpu_count >= min.gpu_count
        && offered.storage_gib >= min.storage_gib
        && (min.gpu_model.is_empty() || offered.gpu_model == min.gpu_model)
}

/// Answers one query.
pub fn handle(keeper: &Keeper, ctx: &mut Context, path: &str, data: &[u8]) -> Result<Vec<u8>> {
    Ok(match path {
        PROVIDER_PATH => {
            let req: pb::QueryProviderRequest = decode_request(path, data)?;
            let owner = Address::from_bech32(&req.owner)?;
            let provider = keeper.provider(ctx, &owner)?.ok_or_else(|| {
                MarketCode::UnknownProvider.err(format!("no provider for {owner}"))
            })?;
            pb::QueryProviderResponse {
                provider: Some(provider),
            }
            .encode_to_vec()
        }
        PROVIDERS_PATH => {
            let req: pb::QueryProvidersRequest = decode_request(path, data)?;
            let min = req.min_resources.unwrap_or_default();
            let keep = |_: &[u8], bytes: cosmwasm_std::Binary| {
                let p = pb::Provider::decode(bytes.as_slice())?;
                let matches = (req.status == 0 || p.status == req.status)
                    && p.reputation >= req.min_reputation
                    && covers(&p.resources.clone().unwrap_or_default(), &min);
                Ok(matches.then_some(p))
            };
            let kv = ctx.kv(&keeper.key);
            let (providers, pagination) =
                paginate_filtered(&kv, &PROVIDERS.prefix(()), req.pagination.as_ref(), keep)?;
            pb::QueryProvidersResponse {
                providers,
                pagination: Some(pagination),
            }
            .encode_to_vec()
        }
        PARAMS_PATH => {
            decode_request::<pb::QueryParamsRequest>(path, data)?;
            pb::QueryParamsResponse {
                params: Some(keeper.params(ctx)?.to_proto()),
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
