//! `agorad tx upgrade` (software-upgrade and cancel-software-upgrade, each submitted as a
//! gov proposal) and `agorad query upgrade` (plan, applied, module-versions, authority), with
//! the SDK v0.50 names.

use agora_core::authority::gov_authority;
use agora_proto::cosmos::upgrade::v1beta1 as pb;
use agora_proto::Any;
use anyhow::{bail, Result};
use tendermint_rpc::Client as _;

use crate::client::args::{parse_address, NodeArg};
use crate::client::gov::{any, ProposalFlags};
use crate::client::rpc::{query_at, Rpc};
use crate::client::tx::TxFlags;
use crate::{output, Globals};

/// `agorad tx upgrade` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum UpgradeTx {
    /// Submits a proposal to upgrade the chain's software at a height: nodes stop there
    /// (`UPGRADE "<name>" NEEDED`) until restarted with a binary that has the handler `<name>`.
    SoftwareUpgrade {
        /// The upgrade's name: the handler the new binary registers.
        name: String,
        /// The height whose block runs the upgrade; must come after the voting period ends.
        #[arg(long = "upgrade-height")]
        upgrade_height: u64,
        /// Info for operators, e.g. Cosmovisor's binary links.
        #[arg(long = "upgrade-info", default_value = "")]
        upgrade_info: String,
        #[command(flatten)]
        submit: Submit,
    },
    /// Submits a proposal to cancel the scheduled upgrade.
    CancelSoftwareUpgrade {
        #[command(flatten)]
        submit: Submit,
    },
}

/// What both upgrade proposals take: the authority, the proposal's flags, its proposer and
/// the tx flags.
#[derive(Debug, clap::Args)]
pub struct Submit {
    /// The upgrade module's authority (default: the gov account).
    #[arg(long)]
    authority: Option<String>,
    #[command(flatten)]
    proposal: ProposalFlags,
    /// The proposer's key.
    #[arg(long)]
    from: String,
    #[command(flatten)]
    tx: TxFlags,
}

impl Submit {
    /// The authority flag's address, else the gov account.
    fn authority(&self) -> Result<String> {
        Ok(match &self.authority {
            Some(address) => parse_address(address)?.to_string(),
            None => gov_authority().to_string(),
        })
    }

    /// Proposes `msg`: prints it unsigned, or signs and broadcasts it.
    fn run(&self, globals: &Globals, msg: Any) -> Result<()> {
        self.tx.run(&self.from, globals, |proposer| {
            self.proposal.submit(proposer, vec![msg.clone()])
        })
    }
}

/// `agorad query upgrade` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum UpgradeQuery {
    /// The scheduled upgrade plan, if any.
    Plan {
        #[command(flatten)]
        node: NodeArg,
    },
    /// The height an upgrade was applied at (0 if it never was).
    Applied {
        /// The upgrade's name.
        name: String,
        #[command(flatten)]
        node: NodeArg,
    },
    /// Each module's consensus version in state, or one module's.
    #[command(visible_alias = "module_versions")]
    ModuleVersions {
        /// Only this module.
        module_name: Option<String>,
        #[command(flatten)]
        node: NodeArg,
    },
    /// The account that may schedule upgrades.
    Authority {
        #[command(flatten)]
        node: NodeArg,
    },
}

impl UpgradeTx {
    /// Builds the proposal, then prints it unsigned or signs and broadcasts it.
    pub fn run(self, globals: &Globals) -> Result<()> {
        match self {
            UpgradeTx::SoftwareUpgrade {
                name,
                upgrade_height,
                upgrade_info,
                submit,
            } => {
                if let Some(rpc) = submit.tx.rpc(globals)? {
                    let status = rpc.call(|c| c.status())?;
                    let latest = status.sync_info.latest_block_height.value();
                    if upgrade_height <= latest {
                        bail!("--upgrade-height {upgrade_height} is not above the chain's height {latest}: pick a height after the proposal's voting period ends");
                    }
                }
                let plan = agora_upgrade::Plan {
                    name,
                    height: upgrade_height,
                    info: upgrade_info,
                };
                let msg = any(&pb::MsgSoftwareUpgrade {
                    authority: submit.authority()?,
                    plan: Some(plan.to_proto()),
                });
                submit.run(globals, msg)
            }
            UpgradeTx::CancelSoftwareUpgrade { submit } => {
                let msg = any(&pb::MsgCancelUpgrade {
                    authority: submit.authority()?,
                });
                submit.run(globals, msg)
            }
        }
    }
}

impl UpgradeQuery {
    /// Runs the query and prints the answer as the SDK's JSON.
    pub fn run(self, globals: &Globals) -> Result<()> {
        let json = globals.json;
        let path = |m: &str| format!("/cosmos.upgrade.v1beta1.Query/{m}");
        match self {
            UpgradeQuery::Plan { node } => {
                let rpc = Rpc::new(&node.url(globals))?;
                let res: pb::QueryCurrentPlanResponse =
                    query_at(&rpc, &path("CurrentPlan"), pb::QueryCurrentPlanRequest {})?;
                output::print_message(&res, json)
            }
            UpgradeQuery::Applied { name, node } => {
                let rpc = Rpc::new(&node.url(globals))?;
                let req = pb::QueryAppliedPlanRequest { name };
                let res: pb::QueryAppliedPlanResponse = query_at(&rpc, &path("AppliedPlan"), req)?;
                output::print_message(&res, json)
            }
            UpgradeQuery::ModuleVersions { module_name, node } => {
                let rpc = Rpc::new(&node.url(globals))?;
                let req = pb::QueryModuleVersionsRequest {
                    module_name: module_name.unwrap_or_default(),
                };
                let res: pb::QueryModuleVersionsResponse =
                    query_at(&rpc, &path("ModuleVersions"), req)?;
                output::print_message(&res, json)
            }
            UpgradeQuery::Authority { node } => {
                let rpc = Rpc::new(&node.url(globals))?;
                let res: pb::QueryAuthorityResponse =
                    query_at(&rpc, &path("Authority"), pb::QueryAuthorityRequest {})?;
                output::print_message(&res, json)
            }
        }
    }
}
