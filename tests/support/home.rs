//! Running `agorad` as a person does, against a temporary home with the test keyring:
//! commands, the genesis ceremony, and a node started on it.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

use super::node::{Launch, Node};
use super::process::{self, text};

/// The self-delegation of the validator of [`Home::validator`]: 100 voting power.
pub const SELF_DELEGATION: u128 = 100_000_000;

/// A temporary node home.
pub struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    /// An empty home.
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// The home directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `agorad <args> --home <home> --keyring-backend test`, stdin fed `input`.
    pub fn run_with_input(&self, args: &[&str], input: &str) -> Output {
        let args = [args, &["--keyring-backend", "test"]].concat();
        process::run_in(self.path(), &args, input)
    }

    /// `agorad <args>` with nothing on stdin.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_with_input(args, "")
    }

    /// Runs a command that must succeed; returns its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "agorad {args:?} failed:\n{}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        text(&out.stdout)
    }

    /// Runs a command that must fail with exit code 1; returns its stderr.
    pub fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(1),
            "agorad {args:?} should fail:\n{}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        text(&out.stderr)
    }

    /// Adds a key to the test keyring; returns its address.
    pub fn add_key(&self, name: &str) -> String {
        self.ok(&["keys", "add", name]);
        self.ok(&["keys", "show", name, "-a"]).trim().to_string()
    }

    /// config/genesis.json.
    pub fn genesis(&self) -> Value {
        let path = self.path().join("config/genesis.json");
        serde_json::from_slice(&std::fs::read(path).expect("genesis.json")).expect("JSON")
    }

    /// A file under the home, as text.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel)).expect(rel)
    }

    /// A one-validator home: `init`, key `validator` funded with `balance` uagr, its gentx
    /// bonding [`SELF_DELEGATION`], `collect-gentxs`. Returns the validator's address.
    pub fn validator(&self, chain_id: &str, balance: u128) -> String {
        self.ok(&["init", "node0", "--chain-id", chain_id]);
        let address = self.add_key("validator");
        self.ok(&[
            "genesis",
            "add-genesis-account",
            "validator",
            &format!("{balance}uagr"),
        ]);
        self.ok(&[
            "genesis",
            "gentx",
            "validator",
            &format!("{SELF_DELEGATION}uagr"),
            "--chain-id",
            chain_id,
        ]);
        self.ok(&["genesis", "collect-gentxs"]);
        address
    }

    /// The `uagr` balance of `address`, from `query bank balances` against `node`.
    pub fn balance(&self, node: &Node, address: &str) -> u128 {
        let out = self.ok(&[
            "query",
            "bank",
            "balances",
            address,
            "--denom",
            "uagr",
            "--node",
            &node.laddr,
            "-o",
            "json",
        ]);
        json(&out)["amount"].as_str().unwrap().parse().unwrap()
    }

    /// Polls `query tx` against `node` until tx `hash` is in a block; its JSON.
    pub fn wait_for_tx(&self, node: &Node, hash: &str) -> Value {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let out = self.run(&["query", "tx", hash, "--node", &node.laddr, "-o", "json"]);
            if out.status.success() {
                return json(&text(&out.stdout));
            }
            assert!(
                std::time::Instant::now() < deadline,
                "tx {hash} never committed: {}",
                text(&out.stderr)
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }

    /// `agorad <args> --node <node> -o json`, parsed.
    pub fn query(&self, node: &Node, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.extend_from_slice(&["--node", &node.laddr, "-o", "json"]);
        json(&self.ok(&all))
    }

    /// `agorad tx <args>` signed by the `validator` key, which CheckTx must accept; waits for
    /// its block and returns the committed tx (whatever its code).
    pub fn validator_tx(&self, node: &Node, args: &[&str]) -> Value {
        let mut all = vec!["tx"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--from", "validator", "-y"]);
        let sent = self.query(node, &all);
        assert_eq!(
            sent["code"], 0,
            "CheckTx runs the ante handler only: {sent}"
        );
        self.wait_for_tx(node, sent["txhash"].as_str().unwrap())
    }

    /// A MsgSend of `amount` from `validator` to `to` (2,000uagr fee) made with
    /// `--generate-only`, then signed online against `node`: the signed tx JSON's path.
    pub fn signed_send(&self, node: &Node, to: &str, amount: &str) -> std::path::PathBuf {
        let unsigned = self.ok(&[
            "tx",
            "bank",
            "send",
            "validator",
            to,
            amount,
            "--generate-only",
            "--fees",
            "2000uagr",
        ]);
        let file = self.path().join("unsigned.json");
        std::fs::write(&file, unsigned).unwrap();
        let signed = self.ok(&[
            "tx",
            "sign",
            file.to_str().unwrap(),
            "--from",
            "validator",
            "--node",
            &node.laddr,
        ]);
        let signed_file = self.path().join("signed.json");
        std::fs::write(&signed_file, signed).unwrap();
        signed_file
    }

    /// Shortens the gov periods of the genesis: deposits and votes of 3 s, expedited votes
    /// of 2 s (blocks come every 100 ms).
    pub fn short_gov_periods(&self) {
        let path = self.path().join("config/genesis.json");
        let mut genesis = self.genesis();
        let params = &mut genesis["app_state"]["gov"]["params"];
        params["max_deposit_period"] = serde_json::json!("3s");
        params["voting_period"] = serde_json::json!("3s");
        params["expedited_voting_period"] = serde_json::json!("2s");
        std::fs::write(path, serde_json::to_vec_pretty(&genesis).unwrap()).unwrap();
    }

    /// A proposal's status (`PROPOSAL_STATUS_...`), from `query gov proposal`.
    pub fn proposal_status(&self, node: &Node, id: &str) -> String {
        let p = self.query(node, &["query", "gov", "proposal", id]);
        p["status"].as_str().unwrap().to_string()
    }

    /// Polls the proposal until it leaves status `from` (within 30 s); its new status.
    pub fn wait_proposal_past(&self, node: &Node, id: &str, from: &str) -> String {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let now = self.proposal_status(node, id);
            if now != from {
                return now;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "proposal {id} stayed {from}"
            );
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
    }

    /// `agorad start` on this home with 100 ms blocks, once block 1 is committed.
    pub fn start(&self) -> Node {
        Launch::new(self.path())
            .args(&["--consensus.timeout_commit", "100ms"])
            .start()
    }
}

/// A command's output parsed as JSON, or a panic showing it.
pub fn json(out: &str) -> Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"))
}
