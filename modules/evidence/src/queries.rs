//! `/cosmos.evidence.v1beta1.Query/...`: Evidence by hash and AllEvidence, each piece of
//! evidence an `Any` of `/cosmos.evidence.v1beta1.Equivocation`.

use agora_core::{decode_request, Context, Error, Result, SdkCode};
use agora_proto::cosmos::evidence::v1beta1 as pb;
use agora_proto::Any;
use prost::{Message, Name};

use crate::Keeper;

const EVIDENCE_PATH: &str = "/cosmos.evidence.v1beta1.Query/Evidence";
const ALL_EVIDENCE_PATH: &str = "/cosmos.evidence.v1beta1.Query/AllEvidence";

/// The query paths evidence serves.
pub const PATHS: &[&str] = &[EVIDENCE_PATH, ALL_EVIDENCE_PATH];

/// Evidence ready for an `Any` field.
pub(crate) fn to_any(evidence: &pb::Equivocation) -> Any {
    Any {
        type_url: pb::Equivocation::type_url(),
        value: evidence.encode_to_vec(),
    }
}

fn invalid(detail: impl std::fmt::Display) -> Error {
    Error::sdk(SdkCode::InvalidRequest, detail)
}

/// Answers one query.
pub fn handle(keeper: &Keeper, ctx: &mut Context, path: &str, data: &[u8]) -> Result<Vec<u8>> {
    Ok(match path {
        EVIDENCE_PATH => {
            let req: pb::QueryEvidenceRequest = decode_request(path, data)?;
            // `hash` (hex) since SDK v0.47; the deprecated raw `evidence_hash` is still read.
            #[allow(deprecated)]
            let hash = match (req.hash.as_str(), req.evidence_hash) {
                ("", raw) if raw.is_empty() => {
                    return Err(invalid("invalid request; hash is empty"))
                }
                ("", raw) => raw,
                (text, _) => hex::decode(text).map_err(|_| invalid("invalid evidence hash"))?,
            };
            let evidence = keeper.evidence(ctx, &hash)?.ok_or_else(|| {
                Error::new(
                    crate::MODULE,
                    crate::NO_EVIDENCE_EXISTS,
                    format!("{}: evidence does not exist", hex::encode_upper(&hash)),
                )
            })?;
            pb::QueryEvidenceResponse {
                evidence: Some(to_any(&evidence)),
            }
            .encode_to_vec()
        }
        ALL_EVIDENCE_PATH => {
            let req: pb::QueryAllEvidenceRequest = decode_request(path, data)?;
            let (evidence, page) = keeper.evidence_page(ctx, req.pagination.as_ref())?;
            pb::QueryAllEvidenceResponse {
                evidence: evidence.iter().map(to_any).collect(),
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
