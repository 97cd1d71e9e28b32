//! The shapes of code-table files as serde reads them. Each field type
//! validates itself while it is deserialized, so an error carries the
//! position of the offending value; users' tables and the built-in table
//! are read with the same types.

use std::cell::RefCell;

use serde::de::{self, Deserializer};
use serde::Deserialize;

use super::tables::*;
use super::*;

// ---------------------------------------------------------------------------
// The file format. Each field type validates itself while it is deserialized,
// so an error carries the position of the offending value.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTable {
    pub(super) name: TableName,
    pub(super) source: Text<300>,
    #[serde(default)]
    pub(super) codes: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEntry {
    pub(super) code: CodeNumber,
    pub(super) name: Text<60>,
    pub(super) category: CategoryField,
    pub(super) meaning: Text<1000>,
    pub(super) recovery: Text<1000>,
    pub(super) reconnect: ReconnectField,
    #[serde(default)]
    pub(super) hint: Option<Text<72>>,
    #[serde(default)]
    pub(super) aliases: Vec<AliasName>,
    #[serde(default)]
    pub(super) symptoms: Vec<Text<80>>,
}

thread_local! {
    /// Codes seen so far in the table being parsed, to reject a duplicate at
    /// its own position. [`parse`] clears it before and after.
    pub(super) static SEEN_CODES: RefCell<Vec<u16>> = const { RefCell::new(Vec::new()) };
}

/// A code 1000-4999, not seen before in this table.
pub(super) struct CodeNumber(pub(super) u16);

impl<'de> Deserialize<'de> for CodeNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = AnyCode::deserialize(d)?.0;
        let duplicate = SEEN_CODES.with(|s| {
            let mut seen = s.borrow_mut();
            let dup = seen.contains(&code);
            seen.push(code);
            dup
        });
        if duplicate {
            return Err(de::Error::custom(format!(
                "duplicate code {code}: a table defines each code once"
            )));
        }
        Ok(CodeNumber(code))
    }
}

/// A code 1000-4999 that may repeat (a built-in alias's or text's).
pub(super) struct AnyCode(pub(super) u16);

impl<'de> Deserialize<'de> for AnyCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = i64::deserialize(d)?;
        match n {
            1000..=4999 => Ok(AnyCode(n as u16)),
            ..=999 => Err(de::Error::custom(format!(
                "code {n} is not a close code: 0-999 are not used (RFC 6455 §7.4.2); a table defines codes 1000-4999"
            ))),
            5000..=65535 => Err(de::Error::custom(format!(
                "code {n} is not a close code: close codes stop at 4999 and every library rejects 5000 and above; a table defines codes 1000-4999"
            ))),
            _ => Err(de::Error::custom(format!(
                "code {n} is not a close code: a close code is a 16-bit number, and a table defines codes 1000-4999"
            ))),
        }
    }
}

/// One line of text, at most `MAX` characters, with runs of white space
/// (line breaks of multi-line TOML strings included) folded into one space.
pub(super) struct Text<const MAX: usize>(pub(super) String);

impl<'de, const MAX: usize> Deserialize<'de> for Text<MAX> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        let text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.is_empty() {
            return Err(de::Error::custom("empty text: write something here"));
        }
        if let Some(c) = text.chars().find(|&c| unsafe_in_text(c)) {
            return Err(de::Error::custom(format!(
                "text has the character {c:?}, which would break annotations and terminals"
            )));
        }
        let n = text.chars().count();
        if n > MAX {
            return Err(de::Error::custom(format!(
                "text too long: {n} characters, at most {MAX} here"
            )));
        }
        Ok(Text(text))
    }
}

/// Characters a table's text may not hold: those that act on a terminal
/// ([`crate::term::unsafe_on_terminal`]) and the annotation's brackets.
pub(super) fn unsafe_in_text(c: char) -> bool {
    crate::term::unsafe_on_terminal(c) || matches!(c, '⟪' | '⟫')
}

/// A table's name: lower-case letters, digits and `-`, for `--codes NAME`.
pub(super) struct TableName(pub(super) String);

impl<'de> Deserialize<'de> for TableName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        if !is_table_name(&name) {
            return Err(de::Error::custom(format!(
                "table name '{name}': use lower-case letters, digits and '-', at most 40, e.g. \"my-service\""
            )));
        }
        Ok(TableName(name))
    }
}

/// A symbolic name the service prints, e.g. `SubprotocolNotAcceptable`:
/// the extractor matches it as a whole word, so it is an identifier.
pub(super) struct AliasName(pub(super) String);

impl<'de> Deserialize<'de> for AliasName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        let ok = (2..=64).contains(&name.len())
            && name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !ok {
            return Err(de::Error::custom(format!(
                "alias '{name}': an alias is a symbolic name as it appears in logs, 2-64 ASCII letters, digits or '_', starting with a letter (e.g. AUTH_EXPIRED); use --pattern for free text"
            )));
        }
        Ok(AliasName(name))
    }
}

/// A field parsed with `FromStr`, whose error lists the accepted values.
pub(super) struct Parsed<T>(pub(super) T);

impl<'de, T> Deserialize<'de> for Parsed<T>
where
    T: std::str::FromStr<Err = String>,
{
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse::<T>().map(Parsed).map_err(de::Error::custom)
    }
}

pub(super) struct CategoryField(pub(super) Category);

impl<'de> Deserialize<'de> for CategoryField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Parsed::<Category>::deserialize(d).map(|p| CategoryField(p.0))
    }
}

pub(super) struct ReconnectField(pub(super) Reconnect);

impl<'de> Deserialize<'de> for ReconnectField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Parsed::<Reconnect>::deserialize(d).map(|p| ReconnectField(p.0))
    }
}

// ---------------------------------------------------------------------------
