//! Kemendagri region codes: `NN`, `NN.NN`, `NN.NN.NN`, `NN.NN.NN.NNNN` (docs/domain.md §6).

use async_graphql::Enum;

/// The four administrative levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Enum)]
pub enum RegionLevel {
    /// Provinsi (`NN`).
    Province,
    /// Kabupaten or kota (`NN.NN`).
    Regency,
    /// Kecamatan (`NN.NN.NN`).
    District,
    /// Desa or kelurahan (`NN.NN.NN.NNNN`).
    Village,
}

impl RegionLevel {
    /// 1 for a province up to 4 for a village (the number of dotted parts).
    pub fn depth(self) -> i16 {
        match self {
            RegionLevel::Province => 1,
            RegionLevel::Regency => 2,
            RegionLevel::District => 3,
            RegionLevel::Village => 4,
        }
    }

    /// The level with `depth` dotted parts.
    pub fn from_depth(depth: i16) -> Option<Self> {
        match depth {
            1 => Some(RegionLevel::Province),
            2 => Some(RegionLevel::Regency),
            3 => Some(RegionLevel::District),
            4 => Some(RegionLevel::Village),
            _ => None,
        }
    }

    /// The length of a code at this level (`33`, `33.75`, `33.75.01`, `33.75.01.1012`).
    pub fn code_len(self) -> usize {
        match self {
            RegionLevel::Province => 2,
            RegionLevel::Regency => 5,
            RegionLevel::District => 8,
            RegionLevel::Village => 13,
        }
    }
}

/// What kind of region a code denotes, read from the code itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum RegionKind {
    /// Provinsi.
    Provinsi,
    /// Kabupaten (regency code 01–69).
    Kabupaten,
    /// Kota (regency code 71–99).
    Kota,
    /// Kecamatan.
    Kecamatan,
    /// Kelurahan (village code starting with 1).
    Kelurahan,
    /// Desa (village code starting with 2).
    Desa,
    /// Desa adat (village code starting with 3).
    DesaAdat,
}

/// A syntactically valid region code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionCode(String);

impl RegionCode {
    /// Parses and checks the format; it does not check that the region exists.
    pub fn parse(s: &str) -> Result<Self, String> {
        let parts: Vec<&str> = s.split('.').collect();
        let widths: &[usize] = &[2, 2, 2, 4];
        if parts.len() > 4
            || parts
                .iter()
                .zip(widths)
                .any(|(p, w)| p.len() != *w || !p.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(format!(
                "{s:?} is not a Kemendagri region code (NN, NN.NN, NN.NN.NN or NN.NN.NN.NNNN)"
            ));
        }
        Ok(RegionCode(s.to_owned()))
    }

    /// The code as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The level of the code.
    pub fn level(&self) -> RegionLevel {
        level_of(&self.0)
    }

    /// The kind of region, read from the code.
    pub fn kind(&self) -> RegionKind {
        kind_of(&self.0)
    }
}

/// The level of a (valid) code.
pub fn level_of(code: &str) -> RegionLevel {
    RegionLevel::from_depth(code.split('.').count() as i16).unwrap_or(RegionLevel::Village)
}

/// The kind of a (valid) code.
pub fn kind_of(code: &str) -> RegionKind {
    match level_of(code) {
        RegionLevel::Province => RegionKind::Provinsi,
        RegionLevel::Regency => {
            if code[3..5] >= *"71" {
                RegionKind::Kota
            } else {
                RegionKind::Kabupaten
            }
        }
        RegionLevel::District => RegionKind::Kecamatan,
        RegionLevel::Village => match code.as_bytes()[9] {
            b'1' => RegionKind::Kelurahan,
            b'3' => RegionKind::DesaAdat,
            _ => RegionKind::Desa,
        },
    }
}

/// The codes of every ancestor of `code`, from the province down to its parent.
pub fn ancestors_of(code: &str) -> Vec<String> {
    code.match_indices('.')
        .map(|(i, _)| code[..i].to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_read_from_the_code() {
        assert_eq!(kind_of("33"), RegionKind::Provinsi);
        assert_eq!(kind_of("33.75"), RegionKind::Kota);
        assert_eq!(kind_of("33.26"), RegionKind::Kabupaten);
        assert_eq!(kind_of("33.75.01"), RegionKind::Kecamatan);
        assert_eq!(kind_of("33.75.01.1012"), RegionKind::Kelurahan);
        assert_eq!(kind_of("11.01.01.2001"), RegionKind::Desa);
    }

    #[test]
    fn malformed_codes_are_rejected() {
        for bad in [
            "3",
            "33.7",
            "33.75.1",
            "33.75.01.101",
            "33.75.01.1012.1",
            "aa",
            "33-75",
            "",
        ] {
            assert!(RegionCode::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            ancestors_of("33.75.01.1012"),
            vec!["33", "33.75", "33.75.01"]
        );
    }
}
