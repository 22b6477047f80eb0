//! The module set Agora runs, and routing of Msgs and queries to them.

use std::collections::BTreeMap;

use agora_core::{Address, Error, Module, Result, SdkCode};
use agora_proto::Any;

/// Module accounts and their permissions (the SDK's `maccPerms`).
pub const MODULE_ACCOUNTS: &[(&str, &[&str])] = &[(agora_auth::FEE_COLLECTOR, &[])];

/// The modules in genesis and block-hook order, with their Msg and query routes.
pub struct ModuleSet {
    modules: Vec<Box<dyn Module>>,
    msg_routes: BTreeMap<&'static str, usize>,
    query_routes: BTreeMap<&'static str, usize>,
}

impl ModuleSet {
    /// Agora's modules.
    pub fn agora() -> Self {
        let blocked: Vec<&str> = MODULE_ACCOUNTS.iter().map(|(name, _)| *name).collect();
        Self::new(vec![
            Box::new(agora_auth::Auth::new(MODULE_ACCOUNTS)),
            Box::new(agora_bank::Bank::new(&blocked)),
            Box::new(crate::genutil::Genutil),
        ])
    }

    /// Wires `modules`; panics if two modules claim the same name, Msg or query (a wiring bug).
    pub fn new(modules: Vec<Box<dyn Module>>) -> Self {
        let mut msg_routes = BTreeMap::new();
        let mut query_routes = BTreeMap::new();
        let mut names = std::collections::BTreeSet::new();
        for (i, m) in modules.iter().enumerate() {
            assert!(
                names.insert(m.name()),
                "module {} registered twice",
                m.name()
            );
            for url in m.msg_type_urls() {
                assert!(
                    msg_routes.insert(*url, i).is_none(),
                    "msg {url} routed twice"
                );
            }
            for path in m.query_paths() {
                assert!(
                    query_routes.insert(*path, i).is_none(),
                    "query {path} routed twice"
                );
            }
        }
        Self {
            modules,
            msg_routes,
            query_routes,
        }
    }

    /// The modules in order.
    pub fn iter(&self) -> impl Iterator<Item = &dyn Module> {
        self.modules.iter().map(|m| m.as_ref())
    }

    /// The module handling Msgs of `type_url`.
    pub fn for_msg(&self, type_url: &str) -> Result<&dyn Module> {
        self.msg_routes
            .get(type_url)
            .map(|&i| self.modules[i].as_ref())
            .ok_or_else(|| {
                Error::sdk(
                    SdkCode::UnknownRequest,
                    format!("unrecognized message type {type_url}"),
                )
            })
    }

    /// The module answering the gRPC method `path`.
    pub fn for_query(&self, path: &str) -> Option<&dyn Module> {
        self.query_routes
            .get(path)
            .map(|&i| self.modules[i].as_ref())
    }

    /// Each Msg's own signers, in order, after each Msg's stateless checks.
    pub fn msg_signers(&self, msgs: &[Any]) -> Result<Vec<Vec<Address>>> {
        msgs.iter()
            .map(|msg| self.for_msg(&msg.type_url)?.msg_signers(msg))
            .collect()
    }

    /// The distinct signers of a tx's Msgs, in first-seen order (the SDK's `GetSigners` before
    /// it appends the fee payer), after each Msg's stateless checks.
    pub fn signers(&self, msgs: &[Any]) -> Result<Vec<Address>> {
        Ok(distinct(self.msg_signers(msgs)?.into_iter().flatten()))
    }
}

/// `addresses` without repeats, in first-seen order.
pub fn distinct(addresses: impl IntoIterator<Item = Address>) -> Vec<Address> {
    let mut out: Vec<Address> = Vec::new();
    for address in addresses {
        if !out.contains(&address) {
            out.push(address);
        }
    }
    out
}
