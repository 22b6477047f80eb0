//! `agorad loadtest`: signed sends from many accounts over RPC, measuring committed tx/s and
//! broadcast-to-inclusion latency.
//!
//! - [`setup`]: derive the accounts from a seed, fund them from `--from`, read their numbers.
//! - [`signer`], [`sequences`]: sign ahead of sending, sequences tracked locally.
//! - [`send`], [`pacing`]: send at the target rate over several connections.
//! - [`watcher`], [`tracker`]: match committed blocks' txs against those sent.
//! - [`side`]: balance queries and a `tx_search` flood alongside the txs; [`balance`]: the
//!   balance query over RPC, gRPC or REST.
//! - [`load`]: the threads of the run; [`progress`]: a line a second; [`report`]: the result.

mod balance;
mod load;
mod pacing;
mod progress;
mod report;
mod send;
mod sequences;
mod setup;
mod side;
mod signer;
mod tracker;
mod watcher;

use std::time::Duration;

use anyhow::{anyhow, bail, Result};
use tendermint_rpc::Client as _;

use crate::client::args::{keyring, parse_coins, NodeArg};
use crate::client::rpc::Rpc;
use crate::{output, Globals};
use balance::QueryApi;
use report::{BlockStats, Report, Run};

/// `agorad loadtest` arguments.
#[derive(Debug, clap::Args)]
pub struct LoadtestArgs {
    /// The key that funds the load accounts (a name or address in the keyring).
    #[arg(long)]
    from: String,
    /// How many accounts send, round robin.
    #[arg(long, default_value_t = 1000)]
    accounts: u32,
    /// Offered load, tx/s.
    #[arg(long, default_value_t = 1000.0)]
    rate: f64,
    /// How long to send, e.g. `60s` or `500ms`.
    #[arg(long, default_value = "60s", value_parser = parse_duration)]
    duration: Duration,
    /// The start of the run left out of the measurement.
    #[arg(long, default_value = "5s", value_parser = parse_duration)]
    warmup: Duration,
    /// Concurrent HTTP connections broadcasting.
    #[arg(long, default_value_t = 8)]
    connections: usize,
    /// What each account is funded with before the run.
    #[arg(long, default_value = "10000000uagr")]
    fund: String,
    /// Seed of the account keys: the same seed gives the same accounts.
    #[arg(long, default_value_t = 0)]
    seed: u32,
    /// Gas limit of each load tx.
    #[arg(long, default_value_t = 100_000)]
    gas: u64,
    /// Gas prices, e.g. `0.025uagr`: fees are ceil(price x gas) (default: no fees).
    #[arg(long = "gas-prices")]
    gas_prices: Option<String>,
    /// Balance queries per second sent alongside the txs (bank's Query/Balance for the load
    /// accounts, open loop); 0 for none.
    #[arg(long = "query-rate", default_value_t = 0.0)]
    query_rate: f64,
    /// The API the balance queries go to: `rpc` (abci_query), `grpc` or `rest`.
    #[arg(long = "query-api", value_enum, default_value_t = QueryApi::Rpc)]
    query_api: QueryApi,
    /// The address of `--query-api` (default: --node for rpc, the SDK's 127.0.0.1:9090 for
    /// grpc and 127.0.0.1:1317 for rest).
    #[arg(long = "query-endpoint")]
    query_endpoint: Option<String>,
    /// How many `tx_search` requests no index answers to send alongside the txs, as fast as
    /// the node answers, from the end of the warm-up; 0 for none.
    #[arg(long = "search-flood", default_value_t = 0)]
    search_flood: u64,
    /// Connections for each kind of side request (`--query-rate`, `--search-flood`).
    #[arg(long = "query-connections", default_value_t = 4)]
    query_connections: usize,
    /// How long to wait after sending for accepted txs to be committed.
    #[arg(long = "drain-timeout", default_value = "30s", value_parser = parse_duration)]
    drain_timeout: Duration,
    /// The chain to sign for (default: client.toml's `chain-id`, else the node's).
    #[arg(long = "chain-id")]
    chain_id: Option<String>,
    #[command(flatten)]
    node: NodeArg,
}

/// A duration like `60s` or `500ms`.
fn parse_duration(s: &str) -> Result<Duration, String> {
    s.parse::<tendermint::Timeout>()
        .map(Into::into)
        .map_err(|_| format!("{s:?} is not a duration like 60s or 500ms"))
}

impl LoadtestArgs {
    /// Runs the load test and prints its report.
    pub fn run(self, globals: &Globals) -> Result<()> {
        self.check()?;
        let url = self.node.url(globals);
        let rpc = Rpc::new(&url)?;
        let chain_id = self.chain_id(globals, &rpc)?;
        let fund = parse_coins(&self.fund).map_err(|e| anyhow!("--fund: {e}"))?;
        let fee = self.fee()?;
        let keyring = keyring(globals)?;
        let funder = setup::Funder {
            rpc: &rpc,
            chain_id: &chain_id,
            address: keyring.get(&self.from)?.address,
            key: keyring.signing_key(&self.from)?,
            gas_prices: self.gas_prices.clone(),
        };
        eprintln!(
            "loadtest: funding {} accounts with {fund} each from {}",
            self.accounts, funder.address
        );
        let keys = setup::derive_keys(self.seed, self.accounts);
        funder.fund(&keys, &fund)?;
        let (accounts, starts) = setup::accounts(&url, keys, self.connections)?;
        let sequences = sequences::Sequences::new(&starts);
        let start_height = rpc
            .call(|c| c.status())?
            .sync_info
            .latest_block_height
            .value();
        let tracker = tracker::Tracker::default();
        let side = side::SideLoad {
            url: &url,
            addresses: accounts.iter().map(|a| a.key.address.to_string()).collect(),
            denom: fund
                .iter()
                .next()
                .map(|c| c.denom.clone())
                .unwrap_or_default(),
            query_rate: self.query_rate,
            query_api: self.query_api,
            query_endpoint: self
                .query_endpoint
                .clone()
                .unwrap_or_else(|| self.query_api.default_endpoint(&url)),
            search_flood: self.search_flood,
            search_from_height: start_height + 1,
            connections: self.query_connections,
        };
        let outcome = load::Load {
            url: &url,
            accounts: &accounts,
            sequences: &sequences,
            chain_id: &chain_id,
            fee: &fee,
            gas: self.gas,
            rate: self.rate,
            duration: self.duration,
            warmup: self.warmup,
            side: &side,
            connections: self.connections,
            drain_timeout: self.drain_timeout,
            start_height,
        }
        .run(&tracker)?;
        let (from, to) = (outcome.start + self.warmup, outcome.start + self.duration);
        let report = Report::new(
            Run {
                node: url,
                chain_id,
                accounts: self.accounts,
                connections: self.connections,
                rate: self.rate,
                duration: self.duration,
                warmup: self.warmup,
                counts: tracker.counts(),
                reasons: tracker.reasons(),
                mempool_max: outcome.mempool_max,
                side: outcome.side,
            },
            BlockStats::over(&outcome.blocks, from, to),
            tracker.timings(from, to),
        );
        output::print(&report, globals.json)
    }

    fn check(&self) -> Result<()> {
        if self.accounts == 0 {
            bail!("--accounts must be at least 1");
        }
        if !(self.rate.is_finite() && self.rate > 0.0) {
            bail!("--rate must be a positive number of tx/s");
        }
        if self.connections == 0 {
            bail!("--connections must be at least 1");
        }
        if !(self.query_rate.is_finite() && self.query_rate >= 0.0) {
            bail!("--query-rate must be a number of queries/s, 0 for none");
        }
        if self.query_connections == 0 {
            bail!("--query-connections must be at least 1");
        }
        if self.duration.is_zero() {
            bail!("--duration must be positive");
        }
        if self.warmup >= self.duration {
            bail!(
                "--warmup ({:?}) must be shorter than --duration ({:?})",
                self.warmup,
                self.duration
            );
        }
        if self.gas == 0 {
            bail!("--gas must be positive");
        }
        Ok(())
    }

    /// `--chain-id`, else client.toml's, checked against the node; else the node's.
    fn chain_id(&self, globals: &Globals, rpc: &Rpc) -> Result<String> {
        let configured = self
            .chain_id
            .clone()
            .filter(|id| !id.is_empty())
            .or_else(|| Some(globals.client.chain_id.clone()).filter(|id| !id.is_empty()));
        match configured {
            Some(id) => {
                rpc.check_chain_id(&id)?;
                Ok(id)
            }
            None => rpc.chain_id(),
        }
    }

    /// Each load tx's fee: ceil(price x gas) per `--gas-prices` denom.
    fn fee(&self) -> Result<Vec<(String, u128)>> {
        let Some(prices) = &self.gas_prices else {
            return Ok(vec![]);
        };
        agora_app::config::parse_gas_prices(prices)
            .map_err(|e| anyhow!("--gas-prices: {}", e.msg))?
            .into_iter()
            .map(|(price, denom)| {
                let amount = price
                    .mul_ceil(u128::from(self.gas))
                    .map_err(|e| anyhow!("--gas-prices: {}", e.msg))?;
                Ok((denom, amount))
            })
            .collect()
    }
}
