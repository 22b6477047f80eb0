//! `/cosmos.mint.v1beta1.Query/...` handlers: Params, Inflation, AnnualProvisions. The two
//! decimals travel as the SDK's `LegacyDec` bytes: the ASCII of the 10^18-scaled integer.

use agora_core::{decode_request, Context, Error, Result, SdkCode};
use agora_proto::cosmos::mint::v1beta1 as pb;
use prost::Message;

use crate::Keeper;

const PARAMS_PATH: &str = "/cosmos.mint.v1beta1.Query/Params";
const INFLATION_PATH: &str = "/cosmos.mint.v1beta1.Query/Inflation";
const ANNUAL_PROVISIONS_PATH: &str = "/cosmos.mint.v1beta1.Query/AnnualProvisions";

/// The query paths mint serves.
pub const PATHS: &[&str] = &[PARAMS_PATH, INFLATION_PATH, ANNUAL_PROVISIONS_PATH];

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
        INFLATION_PATH => {
            decode_request::<pb::QueryInflationRequest>(path, data)?;
            let inflation = keeper.minter(ctx)?.inflation;
            pb::QueryInflationResponse {
                inflation: inflation.to_atomics_string().into_bytes(),
            }
            .encode_to_vec()
        }
        ANNUAL_PROVISIONS_PATH => {
            decode_request::<pb::QueryAnnualProvisionsRequest>(path, data)?;
            let provisions = keeper.minter(ctx)?.annual_provisions;
            pb::QueryAnnualProvisionsResponse {
                annual_provisions: provisions.to_atomics_string().into_bytes(),
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
