//! Tx malleability checks on the protobuf wire format (ADR-020, ADR-027): prost drops unknown
//! fields, so the bytes are scanned against each message's known field numbers before decoding.

use agora_core::{Error, Result, SdkCode};
use prost::encoding::{decode_key, decode_varint, WireType};

/// A message's known fields: each number, with the schema of the embedded message checked in
/// turn (`None` for scalars, strings, raw bytes and embedded messages refused later anyway).
pub struct Schema {
    name: &'static str,
    fields: &'static [(u32, Option<&'static Schema>)],
}

/// Unknown fields whose number has this bit set (bit 11, so >= 1024) are non-critical: a
/// `TxBody` may carry them (ADR-020); any other unknown field is refused.
const NON_CRITICAL_BIT: u32 = 1 << 10;

const ANY: Schema = Schema {
    name: "google.protobuf.Any",
    fields: &[(1, None), (2, None)],
};

const COIN: Schema = Schema {
    name: "cosmos.base.v1beta1.Coin",
    fields: &[(1, None), (2, None)],
};

/// `cosmos.tx.v1beta1.TxRaw`: its body and auth info are checked as their own messages.
pub const TX_RAW: Schema = Schema {
    name: "cosmos.tx.v1beta1.TxRaw",
    fields: &[(1, None), (2, None), (3, None)],
};

/// `cosmos.tx.v1beta1.TxBody`: messages, memo, timeout height, extension options.
pub const TX_BODY: Schema = Schema {
    name: "cosmos.tx.v1beta1.TxBody",
    fields: &[
        (1, Some(&ANY)),
        (2, None),
        (3, None),
        (1023, Some(&ANY)),
        (2047, Some(&ANY)),
    ],
};

/// `cosmos.tx.v1beta1.AuthInfo`, with its signer infos, fee and tip.
pub const AUTH_INFO: Schema = Schema {
    name: "cosmos.tx.v1beta1.AuthInfo",
    fields: &[(1, Some(&SIGNER_INFO)), (2, Some(&FEE)), (3, Some(&TIP))],
};

const SIGNER_INFO: Schema = Schema {
    name: "cosmos.tx.v1beta1.SignerInfo",
    fields: &[(1, Some(&ANY)), (2, Some(&MODE_INFO)), (3, None)],
};

/// Multisig mode infos (field 2) are refused when decoded, so they are not scanned here.
const MODE_INFO: Schema = Schema {
    name: "cosmos.tx.v1beta1.ModeInfo",
    fields: &[(1, Some(&MODE_INFO_SINGLE)), (2, None)],
};

const MODE_INFO_SINGLE: Schema = Schema {
    name: "cosmos.tx.v1beta1.ModeInfo.Single",
    fields: &[(1, None)],
};

const FEE: Schema = Schema {
    name: "cosmos.tx.v1beta1.Fee",
    fields: &[(1, Some(&COIN)), (2, None), (3, None), (4, None)],
};

const TIP: Schema = Schema {
    name: "cosmos.tx.v1beta1.Tip",
    fields: &[(1, Some(&COIN)), (2, None)],
};

/// `cosmos.crypto.secp256k1.PubKey`, the value of a signer's public key `Any`.
pub const SECP256K1_PUB_KEY: Schema = Schema {
    name: "cosmos.crypto.secp256k1.PubKey",
    fields: &[(1, None)],
};

fn decode_err(detail: impl std::fmt::Display) -> Error {
    Error::sdk(SdkCode::TxDecode, detail)
}

/// Errors (`sdk/2`) if `bytes`, an encoded `schema` message, holds a field `schema` does not
/// know, here or in an embedded message it checks. With `allow_non_critical` (the tx body),
/// unknown non-critical fields pass, in embedded messages too, as the SDK's `RejectUnknownFields`.
pub fn reject_unknown_fields(
    mut bytes: &[u8],
    schema: &Schema,
    allow_non_critical: bool,
) -> Result<()> {
    while !bytes.is_empty() {
        let (number, wire_type) = decode_key(&mut bytes)
            .map_err(|e| decode_err(format!("cannot decode {}: {e}", schema.name)))?;
        let known = schema.fields.iter().find(|(n, _)| *n == number);
        if known.is_none() && !(allow_non_critical && number & NON_CRITICAL_BIT != 0) {
            return Err(decode_err(format!(
                "errUnknownField {:?}: {{TagNum: {number}, WireType:{:?}}}",
                schema.name,
                wire_type_name(wire_type)
            )));
        }
        let value = take_value(&mut bytes, wire_type, schema, number)?;
        if let Some((_, Some(embedded))) = known {
            if wire_type != WireType::LengthDelimited {
                return Err(decode_err(format!(
                    "Mismatched {:?}: {{TagNum: {number}, GotWireType: {:?} != WantWireType: \"bytes\"}}",
                    schema.name,
                    wire_type_name(wire_type)
                )));
            }
            reject_unknown_fields(value, embedded, allow_non_critical)?;
        }
    }
    Ok(())
}

/// Consumes one field value of `wire_type` from `bytes`, returning it (a length-delimited
/// value without its length).
fn take_value<'a>(
    bytes: &mut &'a [u8],
    wire_type: WireType,
    schema: &Schema,
    number: u32,
) -> Result<&'a [u8]> {
    let truncated = || decode_err(format!("{} field {number} is truncated", schema.name));
    let len = match wire_type {
        WireType::Varint => {
            let start = *bytes;
            decode_varint(bytes).map_err(|_| truncated())?;
            return Ok(&start[..start.len() - bytes.len()]);
        }
        WireType::SixtyFourBit => 8,
        WireType::ThirtyTwoBit => 4,
        WireType::LengthDelimited => decode_varint(bytes).map_err(|_| truncated())?,
        WireType::StartGroup | WireType::EndGroup => {
            return Err(decode_err(format!(
                "{} field {number} is a group, which no tx message has",
                schema.name
            )))
        }
    };
    let len = usize::try_from(len).map_err(|_| truncated())?;
    if len > bytes.len() {
        return Err(truncated());
    }
    let (value, rest) = bytes.split_at(len);
    *bytes = rest;
    Ok(value)
}

/// The SDK's names of wire types in its errors.
fn wire_type_name(wire_type: WireType) -> &'static str {
    match wire_type {
        WireType::Varint => "varint",
        WireType::SixtyFourBit => "fixed64",
        WireType::LengthDelimited => "bytes",
        WireType::StartGroup => "start_group",
        WireType::EndGroup => "end_group",
        WireType::ThirtyTwoBit => "fixed32",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prost::encoding::{encode_key, encode_varint};

    /// A length-delimited field `number` holding `value`.
    fn bytes_field(number: u32, value: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        encode_key(number, WireType::LengthDelimited, &mut out);
        encode_varint(value.len() as u64, &mut out);
        out.extend_from_slice(value);
        out
    }

    /// A varint field `number` holding `value`.
    fn varint_field(number: u32, value: u64) -> Vec<u8> {
        let mut out = Vec::new();
        encode_key(number, WireType::Varint, &mut out);
        encode_varint(value, &mut out);
        out
    }

    fn refused(bytes: &[u8], schema: &Schema, allow: bool) -> String {
        let err = reject_unknown_fields(bytes, schema, allow).unwrap_err();
        assert!(err.is(SdkCode::TxDecode), "{err:?}");
        err.msg
    }

    #[test]
    fn a_field_appended_to_each_message_is_refused() {
        let any = [bytes_field(1, b"/x"), bytes_field(2, b"")].concat();
        let single_direct = bytes_field(2, &bytes_field(1, &varint_field(1, 1)));
        let valid: [(&Schema, Vec<u8>, bool); 6] = [
            (
                &TX_RAW,
                [bytes_field(1, b""), bytes_field(2, b"")].concat(),
                false,
            ),
            (&AUTH_INFO, bytes_field(2, &varint_field(2, 1)), false),
            (&AUTH_INFO, bytes_field(1, &varint_field(3, 1)), false),
            (&AUTH_INFO, bytes_field(1, &single_direct), false),
            (&TX_BODY, bytes_field(1, &any), true),
            (&SECP256K1_PUB_KEY, bytes_field(1, &[2; 33]), false),
        ];
        for (schema, bytes, allow) in valid {
            reject_unknown_fields(&bytes, schema, allow).unwrap();
        }
        // an unknown field at the top level of each message, and nested in each embedded one
        let msg = refused(
            &[bytes_field(1, b""), varint_field(4, 1)].concat(),
            &TX_RAW,
            false,
        );
        assert!(
            msg.starts_with(
                "errUnknownField \"cosmos.tx.v1beta1.TxRaw\": {TagNum: 4, WireType:\"varint\"}"
            ),
            "{msg}"
        );
        let fee = [varint_field(2, 1), varint_field(5, 1)].concat();
        assert!(refused(&bytes_field(2, &fee), &AUTH_INFO, false).contains("Fee\": {TagNum: 5"));
        let coin = [bytes_field(1, b"uagr"), varint_field(3, 1)].concat();
        assert!(
            refused(&bytes_field(2, &bytes_field(1, &coin)), &AUTH_INFO, false)
                .contains("Coin\": {TagNum: 3")
        );
        let signer = [varint_field(3, 1), varint_field(4, 1)].concat();
        assert!(refused(&bytes_field(1, &signer), &AUTH_INFO, false)
            .contains("SignerInfo\": {TagNum: 4"));
        let single = [varint_field(1, 1), varint_field(2, 1)].concat();
        let mode = bytes_field(2, &bytes_field(1, &single));
        assert!(refused(&bytes_field(1, &mode), &AUTH_INFO, false)
            .contains("ModeInfo.Single\": {TagNum: 2"));
        let mode = bytes_field(2, &varint_field(3, 1));
        assert!(
            refused(&bytes_field(1, &mode), &AUTH_INFO, false).contains("ModeInfo\": {TagNum: 3")
        );
        assert!(refused(&varint_field(4, 1), &AUTH_INFO, false).contains("AuthInfo\": {TagNum: 4"));
        assert!(refused(&varint_field(4, 1), &TX_BODY, true).contains("TxBody\": {TagNum: 4"));
        let any = [bytes_field(1, b"/x"), varint_field(3, 1)].concat();
        assert!(refused(&bytes_field(1, &any), &TX_BODY, true).contains("Any\": {TagNum: 3"));
        let key = [bytes_field(1, &[2; 33]), varint_field(2, 1)].concat();
        assert!(refused(&key, &SECP256K1_PUB_KEY, false).contains("PubKey\": {TagNum: 2"));
    }

    #[test]
    fn non_critical_fields_pass_only_where_allowed() {
        // bit 11 (1024) set: non-critical
        for number in [1024, 1025, 2048 + 1024] {
            let field = bytes_field(number, b"extra");
            reject_unknown_fields(
                &[varint_field(3, 9), field.clone()].concat(),
                &TX_BODY,
                true,
            )
            .unwrap();
            refused(&field, &TX_RAW, false);
            refused(&field, &AUTH_INFO, false);
        }
        // 2048 has bit 11 clear: critical even in the body
        assert!(refused(&varint_field(2048, 1), &TX_BODY, true).contains("TagNum: 2048"));
        // the allowance reaches messages embedded in the body
        let any = [bytes_field(1, b"/x"), varint_field(1024, 1)].concat();
        reject_unknown_fields(&bytes_field(1, &any), &TX_BODY, true).unwrap();
    }

    #[test]
    fn malformed_wire_data_is_refused() {
        // a length running past the end
        let mut cut = bytes_field(1, b"abcdef");
        cut.truncate(4);
        assert!(refused(&cut, &TX_RAW, false).contains("truncated"));
        // a known message field sent as a varint
        assert!(refused(&varint_field(2, 1), &AUTH_INFO, false).contains("Mismatched"));
        // a group
        let mut group = Vec::new();
        encode_key(1, WireType::StartGroup, &mut group);
        assert!(refused(&group, &TX_RAW, false).contains("group"));
        // field number 0
        refused(&[0, 0], &TX_RAW, false);
    }
}
