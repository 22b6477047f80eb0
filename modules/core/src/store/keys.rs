//! The flat key layout shared by every state layer.
//!
//! All module state lives in one ordered keyspace. A module's key `k` is stored under
//! `[len(module)] ++ module ++ k`, so the committed store can split writes back into the
//! per-module substores it commits with their own Merkle trees, and a module's range scan never
//! leaves its own prefix.

/// The longest module name the one-byte length prefix allows.
pub const MAX_MODULE_NAME_LEN: usize = u8::MAX as usize;

/// The flat key under which `module` stores `key`.
///
/// Panics if the module name is empty or longer than [`MAX_MODULE_NAME_LEN`]; module names are
/// compile-time constants, so that is a programming error, never user input.
pub fn module_key(module: &str, key: &[u8]) -> Vec<u8> {
    let mut out = module_prefix(module);
    out.extend_from_slice(key);
    out
}

/// The prefix every flat key of `module` starts with.
pub fn module_prefix(module: &str) -> Vec<u8> {
    assert!(
        !module.is_empty() && module.len() <= MAX_MODULE_NAME_LEN,
        "module name {module:?} must be 1..=255 bytes"
    );
    let mut out = Vec::with_capacity(1 + module.len());
    out.push(module.len() as u8);
    out.extend_from_slice(module.as_bytes());
    out
}

/// Splits a flat key into its module name and the module's own key.
///
/// Returns `None` for a key that was not made by [`module_key`].
pub fn split_module_key(flat: &[u8]) -> Option<(&str, &[u8])> {
    let (&len, rest) = flat.split_first()?;
    let len = len as usize;
    if len == 0 || rest.len() < len {
        return None;
    }
    let module = std::str::from_utf8(&rest[..len]).ok()?;
    Some((module, &rest[len..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_garbage() {
        let flat = module_key("bank", b"\x01balance");
        assert_eq!(split_module_key(&flat), Some(("bank", &b"\x01balance"[..])));
        assert_eq!(split_module_key(&[]), None);
        assert_eq!(split_module_key(&[9, b'a']), None);
        assert_eq!(split_module_key(&[0, b'a']), None);
    }

    #[test]
    fn prefixes_of_different_modules_never_nest() {
        // "auth" + key must never collide with "authz" + key, which a plain concatenation allows.
        let a = module_key("auth", b"z\x00");
        let b = module_key("authz", b"\x00");
        assert_ne!(a, b);
        assert!(!a.starts_with(&module_prefix("authz")));
    }
}
