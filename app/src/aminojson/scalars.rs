//! Scalars as Go's `encoding/json` writes them, and the SDK's `cosmos.Dec` / `cosmos.Int`
//! encoders (`x/tx/signing/aminojson/encoder.go`).

use anyhow::{bail, Result};

/// Decimal places of the SDK's `LegacyDec`.
const DEC_PLACES: usize = 18;

/// Writes `s` as Go's `json.Marshal` does: `"` and `\` escaped, `\b \f \n \r \t` as such,
/// other control characters as `\u00XX`, and (HTML-safe) `<`, `>`, `&`, U+2028 and U+2029
/// as `\uXXXX`.
pub(super) fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// An integer in Go's `big.Int` text form (optional sign, decimal digits), as its sign and
/// its digits without leading zeros (zero is `(false, "0")`).
fn parse_int(text: &str) -> Result<(bool, &str)> {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        bail!("{text:?} is not an integer");
    }
    let digits = digits.trim_start_matches('0');
    Ok(match digits {
        "" => (false, "0"),
        d => (negative, d),
    })
}

/// A `cosmos.Int` held as a string: `"0"` when empty, else as sent.
pub(super) fn int_from_string(s: &str) -> String {
    if s.is_empty() {
        "0".into()
    } else {
        s.into()
    }
}

/// A `cosmos.Int` held as bytes (`math.Int`'s binary form, its decimal text): `"0"` when
/// empty, else the integer as `math.Int.String` prints it.
pub(super) fn int_from_bytes(bytes: &[u8]) -> Result<String> {
    if bytes.is_empty() {
        return Ok("0".into());
    }
    let (negative, digits) = parse_int(std::str::from_utf8(bytes)?)?;
    Ok(format!("{}{digits}", if negative { "-" } else { "" }))
}

/// A `cosmos.Dec` (string or bytes holding `LegacyDec`'s wire form: the integer count of
/// 10^-18 units) as `LegacyDec.String` prints it, with 18 decimals: `"100000000000000000"` is
/// `"0.100000000000000000"`; empty is `"0"`.
pub(super) fn dec(wire: &[u8]) -> Result<String> {
    if wire.is_empty() {
        return Ok("0".into());
    }
    let text = std::str::from_utf8(wire)?;
    let (negative, digits) = parse_int(text).map_err(|_| {
        anyhow::anyhow!("failed to unmarshal {text:?} into Dec for Amino JSON encoding")
    })?;
    let padded = format!("{digits:0>width$}", width = DEC_PLACES + 1);
    let (int, frac) = padded.split_at(padded.len() - DEC_PLACES);
    Ok(format!("{}{int}.{frac}", if negative { "-" } else { "" }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_as_go_does() {
        let mut out = String::new();
        write_string(&mut out, "a\"b\\c<d>&e\n\u{1}\u{2028}é");
        assert_eq!(out, r#""a\"b\\c\u003cd\u003e\u0026e\n\u0001\u2028é""#);
    }

    #[test]
    fn decimals_print_as_legacy_dec() {
        assert_eq!(dec(b"100000000000000000").unwrap(), "0.100000000000000000");
        assert_eq!(dec(b"1500000000000000000").unwrap(), "1.500000000000000000");
        assert_eq!(dec(b"0").unwrap(), "0.000000000000000000");
        assert_eq!(dec(b"-5").unwrap(), "-0.000000000000000005");
        assert_eq!(dec(b"").unwrap(), "0");
        assert!(dec(b"0.1").is_err());
        assert_eq!(int_from_bytes(b"007").unwrap(), "7");
        assert_eq!(int_from_string(""), "0");
    }
}
