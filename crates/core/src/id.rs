//! Opaque Relay global ids: base64url of `Type:key`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::Error;

/// Encodes a global id for a node of `type_name` with `key`.
pub fn encode(type_name: &str, key: &str) -> async_graphql::ID {
    async_graphql::ID(URL_SAFE_NO_PAD.encode(format!("{type_name}:{key}")))
}

/// Decodes a global id into its type name and key.
pub fn decode(id: &str) -> Option<(String, String)> {
    let bytes = URL_SAFE_NO_PAD.decode(id).ok()?;
    let s = String::from_utf8(bytes).ok()?;
    let (t, k) = s.split_once(':')?;
    Some((t.to_owned(), k.to_owned()))
}

/// Decodes a global id that must denote a `type_name` with a UUID key.
pub fn decode_uuid(id: &str, type_name: &str, field: &str) -> Result<uuid::Uuid, Error> {
    match decode(id) {
        Some((t, k)) if t == type_name => uuid::Uuid::parse_str(&k)
            .map_err(|_| Error::bad(field, format!("not a valid {type_name} id"))),
        _ => Err(Error::bad(field, format!("not a valid {type_name} id"))),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_round_trip() {
        let id = super::encode("Person", "0193c1a0-0000-7000-8000-000000000001");
        assert_eq!(
            super::decode(&id).unwrap(),
            (
                "Person".to_owned(),
                "0193c1a0-0000-7000-8000-000000000001".to_owned()
            )
        );
        assert!(super::decode("!!").is_none());
    }
}
