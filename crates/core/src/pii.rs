//! Personal identifiers (UU 27/2022): NIK and KK numbers are kept only as a keyed HMAC (for look-ups
//! and de-duplication) and their last four digits (for masked display). The clear value is never stored.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::Error;

/// The HMAC key for NIK and KK numbers, from configuration.
#[derive(Clone)]
pub struct PiiKey(Vec<u8>);

impl std::fmt::Debug for PiiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PiiKey(..)")
    }
}

/// What is stored of a 16-digit identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HashedId {
    /// Hex HMAC-SHA256 of the domain-separated number.
    pub hash: String,
    /// The last four digits.
    pub last4: String,
}

impl PiiKey {
    /// A key from configured bytes.
    pub fn new(key: impl Into<Vec<u8>>) -> Self {
        PiiKey(key.into())
    }

    fn mac(&self, kind: &str, digits: &str) -> String {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC accepts keys of any length");
        mac.update(kind.as_bytes());
        mac.update(b":");
        mac.update(digits.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Validates a NIK (`PPKKCC DDMMYY SSSS`) and returns its stored form.
    pub fn nik(&self, nik: &str, field: &str) -> Result<HashedId, Error> {
        let digits = sixteen_digits(nik, "NIK", field)?;
        let day: u32 = digits[6..8].parse().unwrap_or(0);
        let month: u32 = digits[8..10].parse().unwrap_or(0);
        if !((1..=31).contains(&day) || (41..=71).contains(&day)) {
            return Err(Error::bad(
                field,
                "NIK birth day must be 01–31, or 41–71 for women",
            ));
        }
        if !(1..=12).contains(&month) {
            return Err(Error::bad(field, "NIK birth month must be 01–12"));
        }
        if &digits[12..] == "0000" {
            return Err(Error::bad(field, "NIK serial starts at 0001"));
        }
        Ok(HashedId {
            hash: self.mac("NIK", &digits),
            last4: digits[12..].to_owned(),
        })
    }

    /// Validates a KK number and returns its stored form.
    pub fn kk(&self, kk: &str, field: &str) -> Result<HashedId, Error> {
        let digits = sixteen_digits(kk, "KK number", field)?;
        Ok(HashedId {
            hash: self.mac("KK", &digits),
            last4: digits[12..].to_owned(),
        })
    }
}

fn sixteen_digits(s: &str, what: &str, field: &str) -> Result<String, Error> {
    let digits: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() != 16 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::bad(field, format!("{what} must be 16 digits")));
    }
    Ok(digits)
}

/// The masked display form of a stored last-four (`••••••••••••0001`).
pub fn mask(last4: &str) -> String {
    format!("{}{last4}", "•".repeat(12))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nik_is_hashed_and_validated() {
        let key = PiiKey::new("k");
        let a = key.nik("3375014507150001", "nik").unwrap();
        assert_eq!(a.last4, "0001");
        assert_eq!(a.hash.len(), 64);
        assert!(!a.hash.contains("3375014507150001"));
        assert_eq!(key.nik("3375 0145 0715 0001", "nik").unwrap(), a);
        assert_ne!(
            PiiKey::new("other")
                .nik("3375014507150001", "nik")
                .unwrap()
                .hash,
            a.hash
        );
        assert_ne!(key.kk("3375014507150001", "kk").unwrap().hash, a.hash);
        assert!(key.nik("3375013507150001", "nik").is_err());
        assert!(key.nik("3375011513150001", "nik").is_err());
        assert!(key.nik("337501", "nik").is_err());
        assert_eq!(mask("0001"), "••••••••••••0001");
    }
}
