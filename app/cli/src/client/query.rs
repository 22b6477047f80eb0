//! `agorad query ...`: accounts, balances, supply, txs and blocks from a node.

pub(crate) mod page;

use agora_core::{Address, SdkCode, SDK_CODESPACE};
use agora_proto::cosmos::auth::v1beta1::{
    BaseAccount, ModuleAccount, QueryAccountRequest, QueryAccountResponse, QueryAccountsRequest,
    QueryAccountsResponse, QueryModuleAccountsRequest, QueryModuleAccountsResponse,
};
use agora_proto::cosmos::bank::v1beta1 as bank;
use agora_proto::cosmos::base::v1beta1::Coin;
use agora_proto::Any;
use anyhow::{anyhow, bail, Context as _, Result};
use prost::{Message, Name};
use serde::Serialize;
use tendermint_rpc::Client as _;

use self::page::{PageArgs, PageJson};
use super::args::{parse_address, NodeArg};
use super::response::TxResponse;
use super::rpc::{query_at, query_error, Rpc};
use crate::{output, Globals};
use agora_app::txjson::{self, PubKeyJson};

/// `agorad query` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum QueryCommand {
    /// Accounts.
    #[command(subcommand)]
    Auth(AuthQuery),
    /// Balances and supply.
    #[command(subcommand)]
    Bank(BankQuery),
    /// Validators, delegations, pools, params.
    #[command(subcommand)]
    Staking(super::staking::StakingQuery),
    /// Distribution: rewards, commission, the community pool.
    #[command(subcommand)]
    Distribution(super::distribution::DistributionQuery),
    /// Mint: inflation, annual provisions, params.
    #[command(subcommand)]
    Mint(super::distribution::MintQuery),
    /// Slashing: validators' signing infos, params.
    #[command(subcommand)]
    Slashing(super::slashing::SlashingQuery),
    /// Evidence of double signing.
    #[command(subcommand)]
    Evidence(super::slashing::EvidenceQuery),
    /// Governance: proposals, votes, deposits, tallies, params.
    #[command(subcommand)]
    Gov(super::gov::GovQuery),
    /// Software upgrades: the scheduled plan, applied upgrades, module versions.
    #[command(subcommand)]
    Upgrade(super::upgrade::UpgradeQuery),
    /// A committed tx by its hash.
    Tx {
        /// The tx hash (hex).
        hash: String,
        #[command(flatten)]
        node: NodeArg,
    },
    /// A block.
    Block {
        /// Height (default: latest).
        height: Option<u64>,
        #[command(flatten)]
        node: NodeArg,
    },
}

/// `agorad query auth` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum AuthQuery {
    /// An account: number, sequence, public key.
    Account {
        /// The account's address.
        address: String,
        #[command(flatten)]
        node: NodeArg,
    },
    /// One page of every account, by address bytes (`pagination.next_key` leads to the next).
    Accounts {
        #[command(flatten)]
        page: PageArgs,
        #[command(flatten)]
        node: NodeArg,
    },
    /// The module accounts.
    ModuleAccounts {
        #[command(flatten)]
        node: NodeArg,
    },
}

/// `agorad query bank` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum BankQuery {
    /// Every balance of an account (every page, unless a pagination flag names one), or one denom's.
    Balances {
        /// The account's address.
        address: String,
        /// Only this denom.
        #[arg(long)]
        denom: Option<String>,
        #[command(flatten)]
        page: PageArgs,
        #[command(flatten)]
        node: NodeArg,
    },
    /// The total supply (every page, unless a pagination flag names one), or one denom's.
    Total {
        /// Only this denom.
        #[arg(long)]
        denom: Option<String>,
        #[command(flatten)]
        page: PageArgs,
        #[command(flatten)]
        node: NodeArg,
    },
}

impl QueryCommand {
    /// Runs the query and prints the answer.
    pub fn run(self, globals: &Globals) -> Result<()> {
        let json = globals.json;
        match self {
            QueryCommand::Auth(AuthQuery::Account { address, node }) => {
                let address = parse_address(&address)?;
                let rpc = Rpc::new(&node.url(globals))?;
                output::print(&account_json(&rpc, &address)?, json)
            }
            QueryCommand::Auth(AuthQuery::Accounts { page, node }) => {
                let rpc = Rpc::new(&node.url(globals))?;
                let req = QueryAccountsRequest {
                    pagination: Some(page.request()?),
                };
                let res: QueryAccountsResponse = auth_query(&rpc, "Accounts", req.encode_to_vec())?;
                let accounts = res.accounts.iter().map(any_json).collect::<Result<_>>()?;
                let pagination = PageJson::new(res.pagination.unwrap_or_default());
                output::print(
                    &Accounts {
                        accounts,
                        pagination: Some(pagination),
                    },
                    json,
                )
            }
            QueryCommand::Auth(AuthQuery::ModuleAccounts { node }) => {
                let rpc = Rpc::new(&node.url(globals))?;
                let req = QueryModuleAccountsRequest {}.encode_to_vec();
                let res: QueryModuleAccountsResponse = auth_query(&rpc, "ModuleAccounts", req)?;
                let accounts = res.accounts.iter().map(any_json).collect::<Result<_>>()?;
                output::print(
                    &Accounts {
                        accounts,
                        pagination: None,
                    },
                    json,
                )
            }
            QueryCommand::Bank(BankQuery::Balances {
                address,
                denom,
                page,
                node,
            }) => {
                let address = parse_address(&address)?.to_string();
                let rpc = Rpc::new(&node.url(globals))?;
                match denom {
                    Some(denom) => {
                        let req = bank::QueryBalanceRequest { address, denom };
                        let res: bank::QueryBalanceResponse = query(&rpc, "Balance", req)?;
                        output::print(&coin_json(res.balance.unwrap_or_default()), json)
                    }
                    None => {
                        let (balances, pagination) = page::fetch(&page, |pagination| {
                            let req = bank::QueryAllBalancesRequest {
                                address: address.clone(),
                                pagination: Some(pagination),
                                resolve_denom: false,
                            };
                            let res: bank::QueryAllBalancesResponse =
                                query(&rpc, "AllBalances", req)?;
                            Ok((res.balances, res.pagination))
                        })?;
                        let balances = balances.into_iter().map(coin_json).collect();
                        output::print(
                            &Balances {
                                balances,
                                pagination,
                            },
                            json,
                        )
                    }
                }
            }
            QueryCommand::Bank(BankQuery::Total { denom, page, node }) => {
                let rpc = Rpc::new(&node.url(globals))?;
                match denom {
                    Some(denom) => {
                        let res: bank::QuerySupplyOfResponse =
                            query(&rpc, "SupplyOf", bank::QuerySupplyOfRequest { denom })?;
                        output::print(&coin_json(res.amount.unwrap_or_default()), json)
                    }
                    None => {
                        let (supply, pagination) = page::fetch(&page, |pagination| {
                            let req = bank::QueryTotalSupplyRequest {
                                pagination: Some(pagination),
                            };
                            let res: bank::QueryTotalSupplyResponse =
                                query(&rpc, "TotalSupply", req)?;
                            Ok((res.supply, res.pagination))
                        })?;
                        let supply = supply.into_iter().map(coin_json).collect();
                        output::print(&Supply { supply, pagination }, json)
                    }
                }
            }
            QueryCommand::Staking(query) => query.run(globals),
            QueryCommand::Distribution(query) => query.run(globals),
            QueryCommand::Mint(query) => query.run(globals),
            QueryCommand::Slashing(query) => query.run(globals),
            QueryCommand::Evidence(query) => query.run(globals),
            QueryCommand::Gov(query) => query.run(globals),
            QueryCommand::Upgrade(query) => query.run(globals),
            QueryCommand::Tx { hash, node } => {
                let rpc = Rpc::new(&node.url(globals))?;
                let response = committed_tx(&rpc, &hash)?;
                output::print(&response, json)
            }
            QueryCommand::Block { height, node } => {
                let rpc = Rpc::new(&node.url(globals))?;
                let block = match height {
                    Some(h) => {
                        let h = tendermint::block::Height::try_from(h)
                            .map_err(|e| anyhow!("height {h}: {e}"))?;
                        rpc.call(|c| c.block(h))?
                    }
                    None => rpc.call(|c| c.latest_block())?,
                };
                output::print(&block, json)
            }
        }
    }
}

/// An auth query `/cosmos.auth.v1beta1.Query/<method>`.
fn auth_query<Res: Message + Default>(rpc: &Rpc, method: &str, req: Vec<u8>) -> Result<Res> {
    let path = format!("/cosmos.auth.v1beta1.Query/{method}");
    let bytes = rpc.abci_query(&path, req)?;
    Res::decode(bytes.as_slice()).with_context(|| format!("cannot decode the answer of {path}"))
}

/// A bank query `/cosmos.bank.v1beta1.Query/<method>`.
fn query<Req: Message, Res: Message + Default>(rpc: &Rpc, method: &str, req: Req) -> Result<Res> {
    query_at(rpc, &format!("/cosmos.bank.v1beta1.Query/{method}"), req)
}

/// The account at `address`: its number and sequence, for signing.
pub fn base_account(rpc: &Rpc, address: &Address) -> Result<BaseAccount> {
    match account_any(rpc, address)? {
        AccountAny::Base(base) => Ok(base),
        AccountAny::Module(module) => Ok(module.base_account.unwrap_or_default()),
    }
}

enum AccountAny {
    Base(BaseAccount),
    Module(ModuleAccount),
}

fn account_any(rpc: &Rpc, address: &Address) -> Result<AccountAny> {
    let req = QueryAccountRequest {
        address: address.to_string(),
    };
    let bytes = match rpc.abci_query("/cosmos.auth.v1beta1.Query/Account", req.encode_to_vec()) {
        Err(e)
            if query_error(&e).is_some_and(|q| {
                q.codespace == SDK_CODESPACE && q.code == SdkCode::KeyNotFound as u32
            }) =>
        {
            bail!("account {address} not found: has it received funds yet?")
        }
        other => other?,
    };
    let any = QueryAccountResponse::decode(bytes.as_slice())?
        .account
        .ok_or_else(|| anyhow!("the node answered no account for {address}"))?;
    decode_account(&any)
}

fn decode_account(any: &Any) -> Result<AccountAny> {
    if any.type_url == BaseAccount::type_url() {
        Ok(AccountAny::Base(BaseAccount::decode(any.value.as_slice())?))
    } else if any.type_url == ModuleAccount::type_url() {
        Ok(AccountAny::Module(ModuleAccount::decode(
            any.value.as_slice(),
        )?))
    } else {
        bail!("account type {} is not supported", any.type_url)
    }
}

#[derive(Serialize)]
struct AccountResponse {
    account: AccountJson,
}

#[derive(Serialize)]
#[serde(tag = "@type")]
enum AccountJson {
    #[serde(rename = "/cosmos.auth.v1beta1.BaseAccount")]
    Base(BaseJson),
    #[serde(rename = "/cosmos.auth.v1beta1.ModuleAccount")]
    Module {
        base_account: BaseJson,
        name: String,
        permissions: Vec<String>,
    },
}

#[derive(Serialize)]
struct BaseJson {
    address: String,
    pub_key: Option<PubKeyJson>,
    account_number: String,
    sequence: String,
}

fn base_json(base: BaseAccount) -> Result<BaseJson> {
    Ok(BaseJson {
        address: base.address,
        pub_key: base
            .pub_key
            .as_ref()
            .map(PubKeyJson::from_any)
            .transpose()?,
        account_number: base.account_number.to_string(),
        sequence: base.sequence.to_string(),
    })
}

fn account_json(rpc: &Rpc, address: &Address) -> Result<AccountResponse> {
    let account = typed_json(account_any(rpc, address)?)?;
    Ok(AccountResponse { account })
}

fn any_json(any: &Any) -> Result<AccountJson> {
    typed_json(decode_account(any)?)
}

fn typed_json(account: AccountAny) -> Result<AccountJson> {
    Ok(match account {
        AccountAny::Base(base) => AccountJson::Base(base_json(base)?),
        AccountAny::Module(m) => AccountJson::Module {
            base_account: base_json(m.base_account.unwrap_or_default())?,
            name: m.name,
            permissions: m.permissions,
        },
    })
}

/// `query auth accounts` and `module-accounts` as the SDK prints them.
#[derive(Serialize)]
struct Accounts {
    accounts: Vec<AccountJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pagination: Option<PageJson>,
}

#[derive(Serialize)]
struct CoinJson {
    denom: String,
    amount: String,
}

fn coin_json(c: Coin) -> CoinJson {
    CoinJson {
        denom: c.denom,
        amount: c.amount,
    }
}

#[derive(Serialize)]
struct Balances {
    balances: Vec<CoinJson>,
    pagination: PageJson,
}

#[derive(Serialize)]
struct Supply {
    supply: Vec<CoinJson>,
    pagination: PageJson,
}

/// The committed tx with hash `hash` (hex), with its block's time.
pub fn committed_tx(rpc: &Rpc, hash: &str) -> Result<TxResponse> {
    let parsed: tendermint::Hash = hash
        .parse()
        .map_err(|_| anyhow!("{hash:?} is not a tx hash (64 hex characters)"))?;
    let found = rpc.call(|c| c.tx(parsed, false))?;
    let tx = txjson::to_json(&txjson::decode(found.tx.as_slice())?)?.typed();
    let block = rpc.call(|c| c.block(found.height))?;
    Ok(TxResponse::committed(found, tx, block.block.header.time))
}
