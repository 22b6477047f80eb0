//! `/cosmos.upgrade.v1beta1.Query/...` handlers: CurrentPlan, AppliedPlan,
//! UpgradedConsensusState, ModuleVersions and Authority, answering as x/upgrade v0.50.

use agora_core::{decode_request, Context, Error, Result, SdkCode};
use agora_proto::cosmos::upgrade::v1beta1 as pb;
use prost::Message;

use crate::errors::UpgradeCode;
use crate::Keeper;

const CURRENT_PLAN_PATH: &str = "/cosmos.upgrade.v1beta1.Query/CurrentPlan";
const APPLIED_PLAN_PATH: &str = "/cosmos.upgrade.v1beta1.Query/AppliedPlan";
const UPGRADED_CONSENSUS_STATE_PATH: &str = "/cosmos.upgrade.v1beta1.Query/UpgradedConsensusState";
const MODULE_VERSIONS_PATH: &str = "/cosmos.upgrade.v1beta1.Query/ModuleVersions";
const AUTHORITY_PATH: &str = "/cosmos.upgrade.v1beta1.Query/Authority";

/// The query paths upgrade serves.
pub const PATHS: &[&str] = &[
    CURRENT_PLAN_PATH,
    APPLIED_PLAN_PATH,
    UPGRADED_CONSENSUS_STATE_PATH,
    MODULE_VERSIONS_PATH,
    AUTHORITY_PATH,
];

/// Answers one query.
pub fn handle(keeper: &Keeper, ctx: &mut Context, path: &str, data: &[u8]) -> Result<Vec<u8>> {
    Ok(match path {
        CURRENT_PLAN_PATH => {
            decode_request::<pb::QueryCurrentPlanRequest>(path, data)?;
            pb::QueryCurrentPlanResponse {
                plan: keeper.plan(ctx)?.map(|p| p.to_proto()),
            }
            .encode_to_vec()
        }
        APPLIED_PLAN_PATH => {
            let req: pb::QueryAppliedPlanRequest = decode_request(path, data)?;
            pb::QueryAppliedPlanResponse {
                height: keeper.done_height(ctx, &req.name)? as i64,
            }
            .encode_to_vec()
        }
        UPGRADED_CONSENSUS_STATE_PATH => {
            let req: pb::QueryUpgradedConsensusStateRequest = decode_request(path, data)?;
            let height = u64::try_from(req.last_height).map_err(|_| {
                Error::sdk(SdkCode::InvalidRequest, "last_height must not be negative")
            })?;
            pb::QueryUpgradedConsensusStateResponse {
                upgraded_consensus_state: keeper
                    .upgraded_consensus_state(ctx, height)
                    .unwrap_or_default(),
            }
            .encode_to_vec()
        }
        MODULE_VERSIONS_PATH => {
            let req: pb::QueryModuleVersionsRequest = decode_request(path, data)?;
            let versions = if req.module_name.is_empty() {
                keeper.module_versions(ctx)?
            } else {
                let version = keeper
                    .module_version(ctx, &req.module_name)?
                    .ok_or_else(|| {
                        UpgradeCode::NoModuleVersionFound.err(format!(
                            "x/upgrade: QueryModuleVersions module {} not found",
                            req.module_name
                        ))
                    })?;
                [(req.module_name, version)].into()
            };
            pb::QueryModuleVersionsResponse {
                module_versions: versions
                    .into_iter()
                    .map(|(name, version)| pb::ModuleVersion { name, version })
                    .collect(),
            }
            .encode_to_vec()
        }
        AUTHORITY_PATH => {
            decode_request::<pb::QueryAuthorityRequest>(path, data)?;
            pb::QueryAuthorityResponse {
                address: keeper.authority().to_string(),
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
