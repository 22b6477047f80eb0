//! The amino and cosmos_proto options of descriptors, read as the SDK's
//! `x/tx/signing/aminojson/options.go` reads them.

use std::sync::OnceLock;

use agora_proto::prost_reflect::{
    DescriptorPool, DynamicMessage, ExtensionDescriptor, FieldDescriptor, MessageDescriptor,
    OneofDescriptor, Value,
};
use anyhow::{bail, Result};

/// The option extensions the encoder reads, looked up once.
struct Extensions {
    name: ExtensionDescriptor,
    message_encoding: ExtensionDescriptor,
    encoding: ExtensionDescriptor,
    field_name: ExtensionDescriptor,
    dont_omitempty: ExtensionDescriptor,
    oneof_name: ExtensionDescriptor,
    scalar: ExtensionDescriptor,
}

/// The descriptor pool the encoder resolves `Any` type URLs in: every served message.
pub(super) fn pool() -> &'static DescriptorPool {
    agora_proto::descriptors()
}

fn extensions() -> &'static Extensions {
    static EXTENSIONS: OnceLock<Extensions> = OnceLock::new();
    EXTENSIONS.get_or_init(|| {
        let get = |name: &str| {
            pool()
                .get_extension_by_name(name)
                .unwrap_or_else(|| panic!("the descriptor pool lacks the {name} option"))
        };
        Extensions {
            name: get("amino.name"),
            message_encoding: get("amino.message_encoding"),
            encoding: get("amino.encoding"),
            field_name: get("amino.field_name"),
            dont_omitempty: get("amino.dont_omitempty"),
            oneof_name: get("amino.oneof_name"),
            scalar: get("cosmos_proto.scalar"),
        }
    })
}

/// A string option, when set (proto2 extensions: set means present, even if empty).
fn string_option(options: &DynamicMessage, ext: &ExtensionDescriptor) -> Option<String> {
    if !options.has_extension(ext) {
        return None;
    }
    match &*options.get_extension(ext) {
        Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// `amino.name` of a message, if set.
pub(super) fn amino_name(desc: &MessageDescriptor) -> Option<String> {
    string_option(&desc.options(), &extensions().name)
}

/// `amino.message_encoding` of a message, if set.
pub(super) fn message_encoding(desc: &MessageDescriptor) -> Option<String> {
    string_option(&desc.options(), &extensions().message_encoding)
}

/// `amino.encoding` of a field, if set.
pub(super) fn field_encoding(field: &FieldDescriptor) -> Option<String> {
    string_option(&field.options(), &extensions().encoding)
}

/// `cosmos_proto.scalar` of a field, if set.
pub(super) fn scalar(field: &FieldDescriptor) -> Option<String> {
    string_option(&field.options(), &extensions().scalar)
}

/// The field's JSON name: `amino.field_name`, else its protobuf name.
pub(super) fn field_name(field: &FieldDescriptor) -> String {
    string_option(&field.options(), &extensions().field_name)
        .unwrap_or_else(|| field.name().to_string())
}

/// Whether an empty (unset) field is left out: unless `amino.dont_omitempty = true`.
pub(super) fn omit_empty(field: &FieldDescriptor) -> bool {
    let options = field.options();
    let ext = &extensions().dont_omitempty;
    !(options.has_extension(ext) && matches!(&*options.get_extension(ext), Value::Bool(true)))
}

/// The key a oneof member is written under (its oneof's name in CamelCase) and its
/// `amino.oneof_name`, which every member of a oneof must have.
pub(super) fn oneof_names(
    field: &FieldDescriptor,
    oneof: &OneofDescriptor,
) -> Result<(String, String)> {
    match string_option(&field.options(), &extensions().oneof_name) {
        Some(type_name) => Ok((to_camel(oneof.name()), type_name)),
        None => bail!(
            "field {} within a oneof must have the amino.oneof_type_name option set",
            field.name()
        ),
    }
}

/// `strcase.ToCamel` (iancoleman/strcase) for ASCII names: the first letter and each letter
/// after `_`, ` `, `-`, `.` or a digit upper-cased, those separators dropped.
fn to_camel(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut cap_next = true;
    for c in s.trim().chars() {
        if c.is_ascii_alphabetic() {
            out.push(if cap_next { c.to_ascii_uppercase() } else { c });
            cap_next = false;
        } else if c.is_ascii_digit() {
            out.push(c);
            cap_next = true;
        } else {
            cap_next = matches!(c, '_' | ' ' | '-' | '.');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oneof_keys_are_camel_case() {
        assert_eq!(to_camel("sum"), "Sum");
        assert_eq!(to_camel("some_oneof"), "SomeOneof");
        assert_eq!(to_camel("a1b"), "A1B");
    }

    #[test]
    fn options_are_read_from_the_vendored_protos() {
        let msg = pool()
            .get_message_by_name("cosmos.bank.v1beta1.MsgSend")
            .unwrap();
        assert_eq!(amino_name(&msg).as_deref(), Some("cosmos-sdk/MsgSend"));
        let amount = msg.get_field_by_name("amount").unwrap();
        assert_eq!(field_encoding(&amount).as_deref(), Some("legacy_coins"));
        assert!(!omit_empty(&amount));
        assert!(omit_empty(&msg.get_field_by_name("from_address").unwrap()));
        let key = pool()
            .get_message_by_name("cosmos.crypto.ed25519.PubKey")
            .unwrap();
        assert_eq!(message_encoding(&key).as_deref(), Some("key_field"));
        let rates = pool()
            .get_message_by_name("cosmos.staking.v1beta1.CommissionRates")
            .unwrap();
        let rate = rates.get_field_by_name("rate").unwrap();
        assert_eq!(scalar(&rate).as_deref(), Some("cosmos.Dec"));
    }
}
