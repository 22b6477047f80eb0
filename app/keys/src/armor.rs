//! The ASCII armor of an exported private key, shaped like the SDK's:
//!
//! ```text
//! -----BEGIN TENDERMINT PRIVATE KEY-----
//! kdf: argon2id
//! params: m=19456,t=2,p=1
//! salt: <16 bytes, upper-case hex>
//! cipher: xchacha20-poly1305
//! nonce: <24 bytes, upper-case hex>
//! type: secp256k1
//!
//! <base64 of the encrypted 32-byte private key and its 16-byte tag>
//! -----END TENDERMINT PRIVATE KEY-----
//! ```
//!
//! The SDK's own armor uses bcrypt and xsalsa20; this one uses the keyring's Argon2id and
//! XChaCha20-Poly1305 (see the `seal` module), with the key type as associated data. Armors of
//! another KDF or cipher are refused with a clear error.

use std::collections::BTreeMap;

use anyhow::{anyhow, bail, Context, Result};
use base64::{engine::general_purpose::STANDARD, Engine};

use crate::hd::Secret;
use crate::seal::{self, KdfParams, Sealed};

/// First line of an armor.
const BEGIN: &str = "-----BEGIN TENDERMINT PRIVATE KEY-----";
/// Last line of an armor.
const END: &str = "-----END TENDERMINT PRIVATE KEY-----";
/// The only key type.
const KEY_TYPE: &str = "secp256k1";
/// The only KDF.
const KDF: &str = "argon2id";
/// The only cipher.
const CIPHER: &str = "xchacha20-poly1305";
/// Base64 characters per body line.
const LINE_LEN: usize = 64;

/// Encrypts `secret` under `passphrase` and armors it.
pub(crate) fn encode(secret: &Secret, passphrase: &str) -> Result<String> {
    let sealed = seal::seal(
        passphrase.as_bytes(),
        secret.as_bytes(),
        KEY_TYPE.as_bytes(),
    )?;
    let KdfParams {
        m_cost,
        t_cost,
        p_cost,
    } = sealed.kdf;
    let mut out = format!(
        "{BEGIN}\nkdf: {KDF}\nparams: m={m_cost},t={t_cost},p={p_cost}\nsalt: {}\ncipher: {CIPHER}\nnonce: {}\ntype: {KEY_TYPE}\n\n",
        hex::encode_upper(&sealed.salt),
        hex::encode_upper(&sealed.nonce),
    );
    let body = STANDARD.encode(&sealed.ciphertext);
    for chunk in body.as_bytes().chunks(LINE_LEN) {
        out.push_str(std::str::from_utf8(chunk).expect("base64 is ASCII"));
        out.push('\n');
    }
    out.push_str(END);
    out.push('\n');
    Ok(out)
}

/// A parsed armor, not yet decrypted.
#[derive(Debug)]
pub(crate) struct Armor {
    sealed: Sealed,
}

/// Parses an armor made by [`encode`]; surrounding whitespace and CRLF line endings are accepted.
pub(crate) fn parse(text: &str) -> Result<Armor> {
    parse_inner(text).context("invalid exported key armor")
}

fn parse_inner(text: &str) -> Result<Armor> {
    let mut lines = text.trim().lines().map(str::trim_end);
    if lines.next() != Some(BEGIN) {
        bail!("it must start with {BEGIN}");
    }
    let mut headers = BTreeMap::new();
    for line in lines.by_ref() {
        if line.is_empty() {
            break;
        }
        let (key, value) = line
            .split_once(": ")
            .ok_or_else(|| anyhow!("bad header line {line:?}"))?;
        if headers.insert(key, value).is_some() {
            bail!("header {key:?} appears twice");
        }
    }
    let mut body = String::new();
    let mut ended = false;
    for line in lines.by_ref() {
        if line == END {
            ended = true;
            break;
        }
        body.push_str(line);
    }
    if !ended || lines.next().is_some() {
        bail!("it must end with {END}");
    }
    let mut take = |key: &str| {
        headers
            .remove(key)
            .ok_or_else(|| anyhow!("missing header {key:?}"))
    };
    for (key, expected) in [("kdf", KDF), ("cipher", CIPHER), ("type", KEY_TYPE)] {
        let value = take(key)?;
        if value != expected {
            bail!("unsupported {key} {value:?}: only {expected} is supported (armors made by `agorad keys export`)");
        }
    }
    let kdf = parse_params(take("params")?)?;
    let salt = hex::decode(take("salt")?).context("salt is not hex")?;
    let nonce = hex::decode(take("nonce")?).context("nonce is not hex")?;
    if let Some(key) = headers.keys().next() {
        bail!("unknown header {key:?}");
    }
    let ciphertext = STANDARD.decode(&body).context("body is not base64")?;
    Ok(Armor {
        sealed: Sealed {
            kdf,
            salt,
            nonce,
            ciphertext,
        },
    })
}

/// Parses `m=<KiB>,t=<passes>,p=<lanes>`.
fn parse_params(text: &str) -> Result<KdfParams> {
    let mut values = [None; 3];
    for part in text.split(',') {
        let (key, value) = part
            .split_once('=')
            .ok_or_else(|| anyhow!("bad params {text:?}"))?;
        let slot = match key {
            "m" => 0,
            "t" => 1,
            "p" => 2,
            _ => bail!("unknown argon2 parameter {key:?}"),
        };
        let value: u32 = value
            .parse()
            .with_context(|| format!("bad argon2 parameter {part:?}"))?;
        if values[slot].replace(value).is_some() {
            bail!("argon2 parameter {key:?} appears twice");
        }
    }
    match values {
        [Some(m_cost), Some(t_cost), Some(p_cost)] => Ok(KdfParams {
            m_cost,
            t_cost,
            p_cost,
        }),
        _ => bail!("params {text:?} must give m, t and p"),
    }
}

impl Armor {
    /// The private key; fails if `passphrase` is not the one it was exported with.
    pub(crate) fn decrypt(&self, passphrase: &str) -> Result<Secret> {
        let plain = seal::open(passphrase.as_bytes(), &self.sealed, KEY_TYPE.as_bytes())?
            .ok_or_else(|| {
                anyhow!("incorrect passphrase for the exported key (or the armor was altered)")
            })?;
        Secret::from_slice(&plain)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret() -> Secret {
        Secret::from_slice(&[7u8; 32]).unwrap()
    }

    #[test]
    fn encode_parse_decrypt() {
        let text = encode(&secret(), "export-pass").unwrap();
        let lines: Vec<_> = text.lines().collect();
        assert_eq!(lines[0], BEGIN);
        assert_eq!(lines[1], "kdf: argon2id");
        assert_eq!(lines[2], "params: m=19456,t=2,p=1");
        assert!(lines[3].starts_with("salt: ") && lines[3].len() == 6 + 32);
        assert_eq!(*lines.last().unwrap(), END);
        assert!(!text.contains(&hex::encode([7u8; 32])));

        let armor = parse(&text.replace('\n', "\r\n")).unwrap();
        assert_eq!(armor.decrypt("export-pass").unwrap().as_bytes(), &[7u8; 32]);
        let err = armor.decrypt("export-pasS").unwrap_err().to_string();
        assert!(err.contains("incorrect passphrase"), "{err}");
    }

    #[test]
    fn malformed_armors_are_refused() {
        let good = encode(&secret(), "export-pass").unwrap();
        let cases = [
            (
                good.replace(BEGIN, "-----BEGIN PGP MESSAGE-----"),
                "must start",
            ),
            (good.replace(END, ""), "must end"),
            (
                good.replace("kdf: argon2id", "kdf: bcrypt"),
                "unsupported kdf \"bcrypt\"",
            ),
            (
                good.replace("type: secp256k1", "type: ed25519"),
                "unsupported type",
            ),
            (
                good.replace("params: m=19456,", "params: "),
                "must give m, t and p",
            ),
            (
                good.replace("kdf: argon2id\n", ""),
                "missing header \"kdf\"",
            ),
            (
                good.replace("type: secp256k1\n", "type: secp256k1\nfoo: bar\n"),
                "unknown header \"foo\"",
            ),
            (good.replace("salt: ", "salt: zz"), "salt is not hex"),
        ];
        for (text, expected) in cases {
            let err = format!("{:#}", parse(&text).unwrap_err());
            assert!(err.contains(expected), "{expected}: {err}");
        }
    }
}
