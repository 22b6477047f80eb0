//! `agorad tx slashing unjail`, `agorad query slashing signing-info | signing-infos | params`
//! and `agorad query evidence list | evidence`, with gaiad's names and the SDK's JSON in its
//! field order (int64s as strings, times in RFC 3339, decimals as `"0.500000000000000000"`,
//! evidence as `{"@type":"/cosmos.evidence.v1beta1.Equivocation",...}`).

use agora_core::VALOPER_PREFIX;
use agora_proto::cosmos::evidence::v1beta1 as evidence;
use agora_proto::cosmos::slashing::v1beta1 as pb;
use agora_proto::Any;
use anyhow::{anyhow, bail, Result};
use prost::{Message, Name};
use serde::Serialize;

use super::args::{parse_consensus, NodeArg};
use super::query::page::{self, PageArgs, PageJson};
use super::response::{dec_bytes, time_json};
use super::rpc::{query_at, query_error, Rpc};
use super::tx::{checked, TxFlags};
use crate::{output, Globals};

/// `agorad tx slashing` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum SlashingTx {
    /// Unjails the signer's validator (jailed for downtime, once its jail time is over).
    Unjail {
        /// The operator's key: the validator is its account's.
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxFlags,
    },
}

impl SlashingTx {
    /// Builds the Msg, then prints it unsigned or signs and broadcasts it.
    pub fn run(self, globals: &Globals) -> Result<()> {
        match self {
            SlashingTx::Unjail { from, tx } => tx.run(&from, globals, |operator| {
                checked(vec![Any::from_msg(&pb::MsgUnjail {
                    validator_addr: operator.to_bech32_with(VALOPER_PREFIX),
                })?])
            }),
        }
    }
}

/// `agorad query slashing` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum SlashingQuery {
    /// A validator's signing info: its liveness window, jail time, whether it is tombstoned.
    SigningInfo {
        /// The validator's consensus public key as `agorad comet show-validator` prints it
        /// (`{"@type":"/cosmos.crypto.ed25519.PubKey","key":"..."}`), or its consensus
        /// address (agoravalcons1...).
        #[arg(value_name = "VALIDATOR_CONSPUB_OR_ADDRESS")]
        validator: String,
        #[command(flatten)]
        node: NodeArg,
    },
    /// Every validator's signing info, by consensus address.
    SigningInfos {
        #[command(flatten)]
        page: PageArgs,
        #[command(flatten)]
        node: NodeArg,
    },
    /// The slashing params.
    Params {
        #[command(flatten)]
        node: NodeArg,
    },
}

/// `ValidatorSigningInfo` as the SDK's JSON shows it.
#[derive(Serialize)]
struct SigningInfoJson {
    address: String,
    start_height: String,
    index_offset: String,
    jailed_until: String,
    tombstoned: bool,
    missed_blocks_counter: String,
}

fn signing_info_json(i: pb::ValidatorSigningInfo) -> SigningInfoJson {
    SigningInfoJson {
        address: i.address,
        start_height: i.start_height.to_string(),
        index_offset: i.index_offset.to_string(),
        jailed_until: time_json(i.jailed_until.as_ref()),
        tombstoned: i.tombstoned,
        missed_blocks_counter: i.missed_blocks_counter.to_string(),
    }
}

/// `query slashing signing-infos`.
#[derive(Serialize)]
struct SigningInfos {
    info: Vec<SigningInfoJson>,
    pagination: PageJson,
}

/// Slashing's `Params` as the SDK's JSON shows them.
#[derive(Serialize)]
struct ParamsJson {
    signed_blocks_window: String,
    min_signed_per_window: String,
    downtime_jail_duration: String,
    slash_fraction_double_sign: String,
    slash_fraction_downtime: String,
}

impl SlashingQuery {
    /// Runs the query and prints the answer.
    pub fn run(self, globals: &Globals) -> Result<()> {
        let json = globals.json;
        let path = |m: &str| format!("/cosmos.slashing.v1beta1.Query/{m}");
        match self {
            SlashingQuery::SigningInfo { validator, node } => {
                let consensus = parse_consensus(&validator)?;
                let rpc = Rpc::new(&node.url(globals))?;
                let req = pb::QuerySigningInfoRequest {
                    cons_address: consensus.to_bech32_with(agora_core::VALCONS_PREFIX),
                };
                let res: pb::QuerySigningInfoResponse = query_at(&rpc, &path("SigningInfo"), req)?;
                let info = res
                    .val_signing_info
                    .ok_or_else(|| anyhow!("the node answered no signing info"))?;
                output::print(&signing_info_json(info), json)
            }
            SlashingQuery::SigningInfos { page, node } => {
                let rpc = Rpc::new(&node.url(globals))?;
                let (info, pagination) = page::fetch(&page, |pagination| {
                    let req = pb::QuerySigningInfosRequest {
                        pagination: Some(pagination),
                    };
                    let res: pb::QuerySigningInfosResponse =
                        query_at(&rpc, &path("SigningInfos"), req)?;
                    Ok((res.info, res.pagination))
                })?;
                let info = info.into_iter().map(signing_info_json).collect();
                output::print(&SigningInfos { info, pagination }, json)
            }
            SlashingQuery::Params { node } => {
                let rpc = Rpc::new(&node.url(globals))?;
                let res: pb::QueryParamsResponse =
                    query_at(&rpc, &path("Params"), pb::QueryParamsRequest {})?;
                let p = res.params.unwrap_or_default();
                let jail = p.downtime_jail_duration.unwrap_or_default();
                let out = ParamsJson {
                    signed_blocks_window: p.signed_blocks_window.to_string(),
                    min_signed_per_window: dec_bytes(&p.min_signed_per_window)?,
                    downtime_jail_duration: format!("{}s", jail.seconds),
                    slash_fraction_double_sign: dec_bytes(&p.slash_fraction_double_sign)?,
                    slash_fraction_downtime: dec_bytes(&p.slash_fraction_downtime)?,
                };
                output::print(&out, json)
            }
        }
    }
}

/// `agorad query evidence` subcommands (gaiad v0.50's names).
#[derive(Debug, clap::Subcommand)]
pub enum EvidenceQuery {
    /// Every piece of evidence, by hash.
    List {
        #[command(flatten)]
        page: PageArgs,
        #[command(flatten)]
        node: NodeArg,
    },
    /// One piece of evidence by its hash.
    Evidence {
        /// The evidence hash (64 hex characters: SHA-256 of the evidence).
        hash: String,
        #[command(flatten)]
        node: NodeArg,
    },
}

/// The codespace and code of the SDK's `ErrNoEvidenceExists`.
const NO_EVIDENCE_EXISTS: (&str, u32) = ("evidence", 4);

/// An `Equivocation` in its `Any`, as the SDK's JSON shows it.
#[derive(Serialize)]
struct EquivocationJson {
    #[serde(rename = "@type")]
    type_url: String,
    height: String,
    time: String,
    power: String,
    consensus_address: String,
}

fn evidence_json(any: &Any) -> Result<EquivocationJson> {
    if any.type_url != evidence::Equivocation::type_url() {
        bail!("evidence type {} is not supported", any.type_url);
    }
    let e = evidence::Equivocation::decode(any.value.as_slice())
        .map_err(|e| anyhow!("the node answered a bad Equivocation: {e}"))?;
    Ok(EquivocationJson {
        type_url: any.type_url.clone(),
        height: e.height.to_string(),
        time: time_json(e.time.as_ref()),
        power: e.power.to_string(),
        consensus_address: e.consensus_address,
    })
}

/// `query evidence list`.
#[derive(Serialize)]
struct EvidenceList {
    evidence: Vec<EquivocationJson>,
    pagination: PageJson,
}

impl EvidenceQuery {
    /// Runs the query and prints the answer.
    pub fn run(self, globals: &Globals) -> Result<()> {
        let json = globals.json;
        let path = |m: &str| format!("/cosmos.evidence.v1beta1.Query/{m}");
        match self {
            EvidenceQuery::List { page, node } => {
                let rpc = Rpc::new(&node.url(globals))?;
                let (found, pagination) = page::fetch(&page, |pagination| {
                    let req = evidence::QueryAllEvidenceRequest {
                        pagination: Some(pagination),
                    };
                    let res: evidence::QueryAllEvidenceResponse =
                        query_at(&rpc, &path("AllEvidence"), req)?;
                    Ok((res.evidence, res.pagination))
                })?;
                let evidence = found.iter().map(evidence_json).collect::<Result<_>>()?;
                output::print(
                    &EvidenceList {
                        evidence,
                        pagination,
                    },
                    json,
                )
            }
            EvidenceQuery::Evidence { hash, node } => {
                let bytes = hex::decode(hash.trim())
                    .ok()
                    .filter(|b| b.len() == 32)
                    .ok_or_else(|| {
                        anyhow!("{hash:?} is not an evidence hash (64 hex characters)")
                    })?;
                let rpc = Rpc::new(&node.url(globals))?;
                // `hash` (hex); the deprecated `evidence_hash` stays empty, as the SDK v0.50's.
                let req = evidence::QueryEvidenceRequest {
                    hash: hex::encode(&bytes),
                    ..Default::default()
                };
                let res: evidence::QueryEvidenceResponse =
                    match query_at(&rpc, &path("Evidence"), req) {
                        Err(e)
                            if query_error(&e).is_some_and(|q| {
                                (q.codespace.as_str(), q.code) == NO_EVIDENCE_EXISTS
                            }) =>
                        {
                            bail!(
                                "no evidence with hash {} (evidence/4: evidence does not exist)",
                                hex::encode_upper(&bytes)
                            )
                        }
                        other => other?,
                    };
                let found = res
                    .evidence
                    .ok_or_else(|| anyhow!("the node answered no evidence"))?;
                output::print(&evidence_json(&found)?, json)
            }
        }
    }
}
