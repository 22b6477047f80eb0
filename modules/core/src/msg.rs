//! Msgs decoded once per tx, and the router that executes them.

use agora_proto::Any;

use crate::{Address, Context, Error, Result, VersionMap};

/// A Msg decoded from its `Any` and checked without state (the SDK's `ValidateBasic`), with
/// its signers. Decoded once per tx, then shared by the signature checks, the ante handler and
/// the Msg's handler, which takes its typed value back with [`DecodedMsg::value`].
pub struct DecodedMsg {
    type_url: String,
    signers: Vec<Address>,
    value: Box<dyn std::any::Any + Send + Sync>,
}

impl DecodedMsg {
    /// A Msg of `type_url` whose checked, typed form is `value`, signed by `signers`.
    pub fn new<M: Send + Sync + 'static>(type_url: &str, signers: Vec<Address>, value: M) -> Self {
        Self {
            type_url: type_url.to_string(),
            signers,
            value: Box::new(value),
        }
    }

    /// The Msg's type URL.
    pub fn type_url(&self) -> &str {
        &self.type_url
    }

    /// Who must sign the Msg, in order (the first is its `message.sender`).
    pub fn signers(&self) -> &[Address] {
        &self.signers
    }

    /// The typed value the module's decoder stored; an internal error if it is another type
    /// (a Msg routed to a module that did not decode it).
    pub fn value<M: 'static>(&self) -> Result<&M> {
        self.value.downcast_ref().ok_or_else(|| {
            Error::internal(format!(
                "{} was not decoded as {}",
                self.type_url,
                std::any::type_name::<M>()
            ))
        })
    }
}

impl std::fmt::Debug for DecodedMsg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DecodedMsg")
            .field("type_url", &self.type_url)
            .field("signers", &self.signers)
            .finish_non_exhaustive()
    }
}

/// Executes Msgs by type URL through the modules that handle them: what the app's Msg
/// router offers handlers (gov runs a passed proposal's Msgs through it, each in its own
/// [`Context::branch`], with the gov module account as their signer).
pub trait MsgRouter: Send + Sync {
    /// Decodes and checks a Msg with the module that handles its type URL.
    fn decode(&self, msg: &Any) -> Result<DecodedMsg>;

    /// Runs a decoded Msg's handler; returns its response as an `Any`
    /// (`/cosmos.bank.v1beta1.MsgSendResponse`, ...). The handler's events go to `ctx`.
    fn dispatch(&self, ctx: &mut Context, msg: &DecodedMsg) -> Result<Any>;

    /// Runs a whole genesis tx, in the SDK's JSON as `collect-gentxs` wrote it: the ante
    /// handler (signatures over account number 0, as the SDK checks gentxs) then its Msgs, in
    /// a branch kept only if all pass. What genutil delivers gentxs with at InitChain.
    fn deliver_genesis_tx(&self, ctx: &mut Context, tx: &serde_json::Value) -> Result<()>;

    /// This binary's consensus version of every module: what InitChain stores, and what
    /// [`MsgRouter::run_migrations`] migrates state to.
    fn module_versions(&self) -> VersionMap;

    /// Migrates every module from its version in `from` to this binary's (a module missing
    /// from `from` is new and gets its default genesis), in genesis order; returns the new
    /// version map. What an upgrade handler runs (the SDK's `RunMigrations`).
    fn run_migrations(&self, ctx: &mut Context, from: &VersionMap) -> Result<VersionMap>;
}
