//! Evidence genesis in the SDK's JSON shape: `{"evidence": [<Equivocation as Any JSON>]}`.

use agora_core::{parse_genesis, Context, Error, Result, SdkCode, VALCONS_PREFIX};
use agora_proto::cosmos::evidence::v1beta1::Equivocation;
use agora_proto::tendermint::google::protobuf::Timestamp;
use prost::Name;
use serde::{Deserialize, Serialize};

use crate::{Keeper, MODULE};

/// `app_state.evidence`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GenesisState {
    #[serde(default)]
    evidence: Vec<EquivocationJson>,
}

/// An `Equivocation` in protobuf JSON, as an `Any`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct EquivocationJson {
    #[serde(rename = "@type")]
    type_url: String,
    #[serde(with = "agora_core::u64_string")]
    height: u64,
    time: tendermint::Time,
    #[serde(with = "agora_core::u64_string")]
    power: u64,
    consensus_address: String,
}

fn invalid(field: &str, detail: impl std::fmt::Display) -> Error {
    Error::sdk(
        SdkCode::JsonUnmarshal,
        format!("app_state.{MODULE}.{field}: {detail}"),
    )
}

impl EquivocationJson {
    fn to_proto(&self, field: &str) -> Result<Equivocation> {
        if self.type_url != Equivocation::type_url() {
            return Err(invalid(
                field,
                format!("unknown evidence type {}", self.type_url),
            ));
        }
        agora_core::Address::from_bech32_with(VALCONS_PREFIX, &self.consensus_address)
            .map_err(|e| invalid(field, e.msg))?;
        let too_big = |what: &str| invalid(field, format!("{what} is too large"));
        Ok(Equivocation {
            height: i64::try_from(self.height).map_err(|_| too_big("height"))?,
            time: Some(Timestamp::from(self.time)),
            power: i64::try_from(self.power).map_err(|_| too_big("power"))?,
            consensus_address: self.consensus_address.clone(),
        })
    }

    fn from_proto(e: &Equivocation) -> Result<Self> {
        let time = e.time.unwrap_or_default();
        Ok(Self {
            type_url: Equivocation::type_url(),
            height: e.height.max(0) as u64,
            time: tendermint::Time::try_from(time)
                .map_err(|err| Error::internal(format!("stored evidence time: {err}")))?,
            power: e.power.max(0) as u64,
            consensus_address: e.consensus_address.clone(),
        })
    }
}

/// The default genesis: no evidence.
pub(crate) fn default_json() -> serde_json::Value {
    serde_json::json!({ "evidence": [] })
}

/// Reads and checks a genesis state without touching state.
pub(crate) fn parse(genesis: &serde_json::Value) -> Result<Vec<Equivocation>> {
    let state: GenesisState = parse_genesis(MODULE, genesis)?;
    let evidence = state.evidence.iter().enumerate();
    evidence
        .map(|(i, e)| e.to_proto(&format!("evidence[{i}]")))
        .collect()
}

/// Writes the evidence.
pub(crate) fn init(keeper: &Keeper, ctx: &mut Context, evidence: &[Equivocation]) -> Result<()> {
    for e in evidence {
        keeper.set_evidence(ctx, e)?;
    }
    Ok(())
}

/// Reads every stored piece of evidence back, by hash.
pub(crate) fn export(keeper: &Keeper, ctx: &mut Context) -> Result<serde_json::Value> {
    let all = keeper.all_evidence(ctx)?;
    let evidence = all
        .iter()
        .map(EquivocationJson::from_proto)
        .collect::<Result<_>>()?;
    serde_json::to_value(GenesisState { evidence })
        .map_err(|e| Error::internal(format!("evidence genesis: {e}")))
}
