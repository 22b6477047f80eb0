//! ICS-23 proofs of (module, key) against an app hash: the key in the module's substore, and
//! the substore root under the module name in the root tree. Both use `jmt::ics23_spec()`.

use anyhow::{bail, ensure, Context, Result};
use ics23::{verify_membership, verify_non_membership, CommitmentProof, HostFunctionsManager};

use crate::db::{self, Db};
use crate::store::{substore_tree, Store};
use crate::tree::{TreeStore, EMPTY_ROOT};

/// A module key's value (or absence) at a height, with the proofs tying it to that height's
/// app hash.
#[derive(Debug, Clone, PartialEq)]
pub struct Proven {
    /// The value, or `None` if the key is absent.
    pub value: Option<Vec<u8>>,
    /// Existence or non-existence of the key in the module's substore, against `substore_root`.
    /// Empty (`proof: None`) when the module has no state at all: then `root_proof` alone shows
    /// the module absent from the root tree, and with it every key of the module.
    pub substore_proof: CommitmentProof,
    /// Existence of module name -> `substore_root` in the root tree (or non-existence of the
    /// module name), against the app hash.
    pub root_proof: CommitmentProof,
    /// The module substore's root hash at that height ([`EMPTY_ROOT`] when the module has no
    /// state).
    pub substore_root: [u8; 32],
}

impl Store {
    /// The value (or absence) of a module key at a retained height, with the two ICS-23 proofs.
    ///
    /// Fails if the whole state is empty at `height` (no tree to prove against).
    pub fn prove_at(&self, module: &str, key: &[u8], height: u64) -> Result<Proven> {
        self.check_retained(height)?;
        prove(&self.db, module, key, height)
    }
}

/// Proves (`module`, `key`) at `height`, which the caller checked is retained.
pub(crate) fn prove(db: &Db, module: &str, key: &[u8], height: u64) -> Result<Proven> {
    let tree = substore_tree(module)?;
    if TreeStore::new(db, db::ROOT_TREE).root_hash_at(height)? == EMPTY_ROOT {
        bail!("there is no state at height {height}, so there is nothing to prove against");
    }
    let (root_value, root_proof) = TreeStore::new(db, db::ROOT_TREE)
        .prove(module.as_bytes(), height)
        .with_context(|| format!("proving module {module} in the root tree at {height}"))?;
    let Some(root) = root_value else {
        return Ok(Proven {
            value: None,
            substore_proof: CommitmentProof::default(),
            root_proof,
            substore_root: EMPTY_ROOT,
        });
    };
    let substore_root: [u8; 32] = root
        .as_slice()
        .try_into()
        .context("corrupt substore root in the root tree")?;
    let (value, substore_proof) = TreeStore::new(db, &tree)
        .prove(key, height)
        .with_context(|| format!("proving a key of module {module} at height {height}"))?;
    Ok(Proven {
        value,
        substore_proof,
        root_proof,
        substore_root,
    })
}

/// Verifies a [`Proven`] for (`module`, `key`) against `app_hash`: both levels, membership or
/// non-membership, with the `ics23` verifier and `jmt::ics23_spec()`.
pub fn verify_proof(app_hash: &[u8; 32], module: &str, key: &[u8], proven: &Proven) -> Result<()> {
    let spec = jmt::ics23_spec();
    let app_hash = app_hash.to_vec();
    if proven.substore_proof.proof.is_none() {
        ensure!(
            proven.value.is_none(),
            "a value for module {module} comes without a substore proof"
        );
        ensure!(
            verify_non_membership::<HostFunctionsManager>(
                &proven.root_proof,
                &spec,
                &app_hash,
                module.as_bytes()
            ),
            "the root proof does not show module {module} absent under app hash {}",
            hex::encode(&app_hash)
        );
        return Ok(());
    }
    ensure!(
        verify_membership::<HostFunctionsManager>(
            &proven.root_proof,
            &spec,
            &app_hash,
            module.as_bytes(),
            &proven.substore_root
        ),
        "the root proof does not show module {module} with substore root {} under app hash {}",
        hex::encode(proven.substore_root),
        hex::encode(&app_hash)
    );
    let substore_root = proven.substore_root.to_vec();
    let ok = match &proven.value {
        Some(value) => verify_membership::<HostFunctionsManager>(
            &proven.substore_proof,
            &spec,
            &substore_root,
            key,
            value,
        ),
        None => verify_non_membership::<HostFunctionsManager>(
            &proven.substore_proof,
            &spec,
            &substore_root,
            key,
        ),
    };
    ensure!(
        ok,
        "the substore proof does not show the claimed {} of the key in module {module}",
        if proven.value.is_some() {
            "value"
        } else {
            "absence"
        }
    );
    Ok(())
}
