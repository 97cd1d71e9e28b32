//! The built-in code table, embedded as data (`iana.toml`, `libraries.toml`)
//! and read once per process with the code-table loader's field types, so
//! it obeys the rules a user's table does. Its tests check the table itself.

use std::sync::LazyLock;

use serde::de::{self, Deserializer};
use serde::Deserialize;

use super::raw::*;
use super::tables::*;
use super::*;

// The built-in code table, embedded: the IANA codes and the range entries,
// and the libraries with their aliases and log texts.
const IANA_TOML: &str = include_str!("iana.toml");
const LIBRARIES_TOML: &str = include_str!("libraries.toml");

/// The registered codes, the range entries and the symptoms, read from
/// `src/codes/iana.toml` with the code-table loader ([`crate::codes::tables`]).
#[derive(Debug)]
pub(crate) struct BuiltinCodes {
    /// The IANA-registered codes, in the file's order (by code).
    pub(crate) codes: Vec<CodeDef>,
    /// The entry of each range, in [`CodeRange::ALL`]'s order.
    pub(crate) ranges: [Entry; 4],
    /// Per registered code, its symptoms.
    pub(crate) symptoms: Vec<(u16, &'static [&'static str])>,
}

/// The libraries, their aliases and log texts, read from
/// `src/codes/libraries.toml` with the code-table loader.
#[derive(Debug)]
pub(crate) struct BuiltinLibraries {
    /// In the file's order.
    pub(crate) libraries: Vec<Library>,
    /// Library by library, in the file's order.
    pub(crate) aliases: Vec<Alias>,
    /// By code; for each code, libraries in the file's order.
    pub(crate) log_texts: Vec<LogText>,
}

// Parsed on first use, once per process; the tests below parse both files,
// so shipped data never fails here. Their strings are leaked, as a code
// table's are: they live until the process exits.
pub(super) static IANA: LazyLock<BuiltinCodes> = LazyLock::new(|| {
    parse_iana(IANA_TOML).unwrap_or_else(|e| panic!("the built-in table is valid (tested): {e}"))
});
pub(super) static LIBRARIES: LazyLock<BuiltinLibraries> = LazyLock::new(|| {
    parse_libraries(LIBRARIES_TOML)
        .unwrap_or_else(|e| panic!("the built-in library list is valid (tested): {e}"))
});

/// The IANA registry (registry snapshot 2026-06-10), with meaning and
/// recovery written for on-call engineers: `src/codes/iana.toml`.
pub fn builtin_codes() -> &'static [CodeDef] {
    &IANA.codes
}

/// What a close with each code looks like from the outside, in the words an
/// engineer would search for (`lookup "load balancer"`), per registered
/// code. Written for this tool; `lookup` ranks them next to names, meanings
/// and recovery advice. See [`symptoms`] for one code, code tables included.
pub fn builtin_symptoms() -> &'static [(u16, &'static [&'static str])] {
    &IANA.symptoms
}

/// A message a library prints for a code, e.g. gorilla's
/// `websocket: close 1006 (abnormal closure)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogText {
    /// The close code.
    pub code: u16,
    /// Library id, as in [`Alias::library`].
    pub library: &'static str,
    /// The message, as the library prints it.
    pub text: &'static str,
}

/// The texts libraries print around a code (shared reference §3): gorilla's
/// `CloseError`, Python websockets' explanations (12.0 and later, and 11.x
/// and older where they differ), Netty's `toString`, tungstenite's `Debug`
/// for codes it has no name for. `lookup` shows them so a code can be
/// recognised in a log. Ordered by code.
pub fn log_texts() -> &'static [LogText] {
    &LIBRARIES.log_texts
}

/// A library the tool knows names and messages of (`src/codes/libraries.toml`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Library {
    /// Short id, as in [`Alias::library`] and [`LogText::library`].
    pub id: &'static str,
    /// The name `lookup` shows.
    pub name: &'static str,
    /// Its place in a `lookup` card's "in logs" block (1 first); a code
    /// table's own names come before every library.
    pub order: u16,
}

/// Every library the tool knows, in the file's order.
pub fn libraries() -> &'static [Library] {
    &LIBRARIES.libraries
}

/// The name to show for a library id used in [`builtin_aliases`] and
/// [`log_texts`]; a code table's name is shown as is.
pub fn library_name(id: &str) -> &str {
    libraries()
        .iter()
        .find(|l| l.id == id)
        .map_or(id, |l| l.name)
}

/// A name a library prints for a code, e.g. gorilla's `CloseGoingAway`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Alias {
    /// The close code.
    pub code: u16,
    /// Short library id: `gorilla`, `coder`, `python-websockets`, `tungstenite`, …
    pub library: &'static str,
    /// The name, as the library spells it.
    pub name: &'static str,
}

/// Symbolic names libraries print for codes (see shared reference §3),
/// library by library. Explanation strings (`(going away)`) are not here:
/// they follow a number. [`aliases`] adds those of code tables.
pub fn builtin_aliases() -> &'static [Alias] {
    &LIBRARIES.aliases
}

// The built-in table (`src/codes/*.toml`), read with the field types above:
// the same text, code, category, reconnect and alias rules as a user's
// table, plus what only the built-in table says (whether a code is sent,
// who defined it, the entries of the ranges, the libraries). Parsed once per
// process, by the registry; the registry's tests check the table itself.

/// Reads `src/codes/iana.toml`: the registered codes with their symptoms,
/// then the entry of each range. Codes keep the file's order.
pub(super) fn parse_iana(text: &str) -> Result<BuiltinCodes, TableError> {
    const FILE: &str = "src/codes/iana.toml";
    let raw: RawIana = deserialize(text, TableFormat::Toml, FILE)?;
    let invalid = |message: String| TableError::Invalid {
        file: FILE.to_string(),
        line: 1,
        column: 1,
        message,
    };
    let mut codes = Vec::with_capacity(raw.codes.len());
    let mut symptoms = Vec::with_capacity(raw.codes.len());
    for mut e in raw.codes {
        let (Some(code), None) = (&e.code, &e.range) else {
            return Err(invalid(format!(
                "codes: '{}' needs a `code` and no `range`",
                e.name.0
            )));
        };
        let code = code.0;
        symptoms.push((
            code,
            leak_all(
                std::mem::take(&mut e.symptoms)
                    .into_iter()
                    .map(|s| s.0)
                    .collect(),
            ),
        ));
        codes.push(CodeDef {
            code,
            entry: e.into_entry(),
        });
    }
    let mut ranges: [Option<Entry>; 4] = Default::default();
    for e in raw.ranges {
        let (None, Some(range), true) = (&e.code, &e.range, e.symptoms.is_empty()) else {
            return Err(invalid(format!(
                "ranges: '{}' needs a `range` and no `code` or `symptoms`",
                e.name.0
            )));
        };
        let range = range.0;
        let slot = CodeRange::ALL.iter().position(|&r| r == range).unwrap_or(0);
        if ranges[slot].is_some() {
            return Err(invalid(format!(
                "ranges: a second entry for {}",
                range.as_str()
            )));
        }
        ranges[slot] = Some(e.into_entry());
    }
    let [Some(protocol), Some(registered), Some(private), Some(invalid_range)] = ranges else {
        return Err(invalid(format!(
            "ranges: one entry each for {} is needed",
            CodeRange::ALL.map(CodeRange::as_str).join(", ")
        )));
    };
    Ok(BuiltinCodes {
        codes,
        ranges: [protocol, registered, private, invalid_range],
        symptoms,
    })
}

/// Reads `src/codes/libraries.toml`: the libraries, their aliases in the
/// file's order, and their log texts ordered by code (libraries in the
/// file's order for each code).
pub(super) fn parse_libraries(text: &str) -> Result<BuiltinLibraries, TableError> {
    const FILE: &str = "src/codes/libraries.toml";
    let raw: RawLibraries = deserialize(text, TableFormat::Toml, FILE)?;
    let mut libraries: Vec<Library> = Vec::with_capacity(raw.libraries.len());
    let mut aliases = Vec::new();
    let mut log_texts = Vec::new();
    for lib in raw.libraries {
        if let Some(other) = libraries
            .iter()
            .find(|l| l.id == lib.id.0 || l.order == lib.order)
        {
            return Err(TableError::Invalid {
                file: FILE.to_string(),
                line: 1,
                column: 1,
                message: format!(
                    "libraries: '{}' repeats the id or order of '{}'",
                    lib.id.0, other.id
                ),
            });
        }
        let id = leak(lib.id.0);
        libraries.push(Library {
            id,
            name: leak(lib.name.0),
            order: lib.order,
        });
        aliases.extend(lib.aliases.into_iter().map(|a| Alias {
            code: a.code.0,
            library: id,
            name: leak(a.name.0),
        }));
        log_texts.extend(lib.texts.into_iter().map(|t| LogText {
            code: t.code.0,
            library: id,
            text: leak(t.text.0),
        }));
    }
    // Stable: for each code, the libraries stay in the file's order.
    log_texts.sort_by_key(|t| t.code);
    Ok(BuiltinLibraries {
        libraries,
        aliases,
        log_texts,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawIana {
    pub(super) codes: Vec<RawBuiltinEntry>,
    pub(super) ranges: Vec<RawBuiltinEntry>,
}

/// A built-in code (with `code`) or range entry (with `range`): a user's
/// entry's fields, with the hint required and what a table cannot say.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBuiltinEntry {
    #[serde(default)]
    pub(super) code: Option<CodeNumber>,
    #[serde(default)]
    pub(super) range: Option<RangeField>,
    pub(super) name: Text<60>,
    pub(super) category: CategoryField,
    pub(super) meaning: Text<1000>,
    pub(super) recovery: Text<1000>,
    pub(super) reconnect: ReconnectField,
    pub(super) hint: Text<72>,
    pub(super) on_wire: bool,
    pub(super) defined_by: Text<300>,
    #[serde(default)]
    pub(super) symptoms: Vec<Text<80>>,
}

impl RawBuiltinEntry {
    fn into_entry(self) -> Entry {
        Entry {
            name: leak(self.name.0),
            category: self.category.0,
            meaning: leak(self.meaning.0),
            recovery: leak(self.recovery.0),
            hint: leak(self.hint.0),
            reconnect: self.reconnect.0,
            on_wire: self.on_wire,
            defined_by: leak(self.defined_by.0),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLibraries {
    pub(super) libraries: Vec<RawLibrary>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLibrary {
    pub(super) id: TableName,
    pub(super) name: Text<60>,
    pub(super) order: u16,
    #[serde(default)]
    pub(super) aliases: Vec<RawAlias>,
    #[serde(default)]
    pub(super) texts: Vec<RawLogText>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAlias {
    pub(super) code: AnyCode,
    pub(super) name: AliasName,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLogText {
    pub(super) code: AnyCode,
    pub(super) text: Text<200>,
}

/// One of [`CodeRange::ALL`], by its token.
pub(super) struct RangeField(pub(super) CodeRange);

impl<'de> Deserialize<'de> for RangeField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        CodeRange::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .map(RangeField)
            .ok_or_else(|| {
                de::Error::custom(format!(
                    "unknown range '{s}' (expected one of: {})",
                    CodeRange::ALL.map(CodeRange::as_str).join(", ")
                ))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, HashSet};

    #[test]
    fn the_embedded_table_parses() {
        let codes = parse_iana(IANA_TOML).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(codes.codes.len(), codes.symptoms.len());
        let libraries = parse_libraries(LIBRARIES_TOML).unwrap_or_else(|e| panic!("{e}"));
        assert!(!libraries.aliases.is_empty() && !libraries.log_texts.is_empty());
        // And the copies the process uses.
        assert_eq!(builtin_codes().len(), codes.codes.len());
        assert_eq!(builtin_aliases(), &libraries.aliases[..]);
        assert_eq!(log_texts(), &libraries.log_texts[..]);
    }

    #[test]
    fn every_iana_code_is_present_once() {
        let mut seen = HashSet::new();
        for def in builtin_codes() {
            assert!(seen.insert(def.code), "duplicate code {}", def.code);
        }
        let expected: Vec<u16> = (1000..=1015).chain([3000, 3003, 3008]).collect();
        let mut got: Vec<u16> = seen.into_iter().collect();
        got.sort_unstable();
        assert_eq!(got, expected);
    }

    #[test]
    fn every_entry_is_complete() {
        for entry in builtin_codes().iter().map(|d| &d.entry).chain(&IANA.ranges) {
            for (field, text) in [
                ("name", entry.name),
                ("meaning", entry.meaning),
                ("recovery", entry.recovery),
                ("hint", entry.hint),
                ("defined_by", entry.defined_by),
            ] {
                assert!(!text.trim().is_empty(), "{}: empty {field}", entry.name);
                assert!(
                    !text.contains(['⟪', '⟫', '\n', '\r', '\t']),
                    "{}: {field} has a character that would break annotations",
                    entry.name
                );
            }
            assert!(entry.hint.len() <= 72, "{}: hint too long", entry.name);
            assert!(!entry.meaning.ends_with(' '));
        }
    }

    #[test]
    fn local_only_codes_are_not_on_the_wire() {
        for code in [1004, 1005, 1006, 1015, 1016, 2999, 999, 5000] {
            assert!(!describe(code).entry.on_wire, "{code}");
        }
        for code in [1000, 1001, 1011, 1014, 3000, 3500, 4001] {
            assert!(describe(code).entry.on_wire, "{code}");
        }
    }

    #[test]
    fn ranges_fall_back_to_their_entry() {
        assert_eq!(describe(2500).entry.category, Category::Reserved);
        assert_eq!(describe(3001).entry.category, Category::Application);
        assert_eq!(describe(4001).entry.category, Category::Application);
        assert!(!describe(4001).exact);
        assert_eq!(describe(999).entry.category, Category::Invalid);
        assert_eq!(describe(5000).entry.category, Category::Invalid);
        assert!(!describe(5000).is_valid());
        assert!(describe(3000).exact);
        assert_eq!(describe(3000).entry.name, "Unauthorized");
    }

    #[test]
    fn errata_of_the_original_table_are_fixed() {
        // 1005 is an empty close frame, not "no close frame" (that is 1006).
        assert!(describe(1005)
            .entry
            .meaning
            .contains("carried no status code"));
        // 1008 is the generic policy code; "message too big" is 1009.
        assert!(!describe(1008).entry.meaning.contains("too large"));
        // 1015 is never sent by anyone, not "client-side only".
        assert!(describe(1015).entry.meaning.contains("never sent"));
        // 3000 is a registered code.
        assert_eq!(describe(3000).entry.name, "Unauthorized");
        // 4001-4003 are a convention, not a standard.
        assert!(describe(4001).entry.meaning.contains("not a standard"));
    }

    #[test]
    fn categories_and_reconnect_tokens_are_unique_and_parse() {
        let names: HashSet<_> = Category::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(names.len(), Category::ALL.len());
        for c in Category::ALL {
            assert_eq!(c.as_str().parse::<Category>(), Ok(c));
            assert!(!c.describe().is_empty());
        }
        let tokens: HashSet<_> = Reconnect::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(tokens.len(), Reconnect::ALL.len());
    }

    #[test]
    fn aliases_are_unique_per_library_and_point_at_known_codes() {
        let mut per_library: HashMap<(&str, &str), u16> = HashMap::new();
        for a in builtin_aliases() {
            let code = u32::from(a.code);
            assert!(
                describe(code).exact || a.code == 4500,
                "{} {} -> {code}",
                a.library,
                a.name
            );
            let before = per_library.insert((a.library, a.name), a.code);
            assert!(before.is_none(), "duplicate alias {} {}", a.library, a.name);
            assert!(a
                .name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_'));
        }
    }

    #[test]
    fn every_code_has_symptoms_and_texts_point_at_known_codes() {
        for def in builtin_codes() {
            assert!(
                !symptoms(u32::from(def.code)).is_empty(),
                "{} has no symptoms",
                def.code
            );
        }
        for (code, list) in builtin_symptoms() {
            assert!(describe_builtin(u32::from(*code)).exact, "{code}");
            assert!(list.iter().all(|s| !s.trim().is_empty()));
        }
        for t in log_texts() {
            assert!(describe_builtin(u32::from(t.code)).exact, "{t:?}");
            assert!(
                t.text.contains(&t.code.to_string()) || t.text.starts_with("Bad("),
                "{t:?}"
            );
            assert_ne!(library_name(t.library), "", "{t:?}");
        }
    }

    #[test]
    fn libraries_are_unique_and_every_alias_and_text_names_one() {
        let libs = libraries();
        let ids: HashSet<&str> = libs.iter().map(|l| l.id).collect();
        let names: HashSet<&str> = libs.iter().map(|l| l.name).collect();
        assert_eq!(ids.len(), libs.len(), "duplicate library id");
        assert_eq!(names.len(), libs.len(), "duplicate library name");
        // `lookup` ranks by order: 1, 2, … with none left out or repeated.
        let mut orders: Vec<u16> = libs.iter().map(|l| l.order).collect();
        orders.sort_unstable();
        let dense: Vec<u16> = (1..).take(libs.len()).collect();
        assert_eq!(orders, dense);
        for a in builtin_aliases() {
            assert!(ids.contains(a.library), "{a:?}: no such library");
        }
        let mut texts = HashSet::new();
        for t in log_texts() {
            assert!(ids.contains(t.library), "{t:?}: no such library");
            assert!(texts.insert((t.library, t.text)), "duplicate text {t:?}");
        }
        assert!(log_texts().windows(2).all(|w| w[0].code <= w[1].code));
        // Each library is there for its names or texts, or for the generic
        // texts `lookup` shows for codes without texts of their own.
        for l in libs {
            let used = builtin_aliases().iter().any(|a| a.library == l.id)
                || log_texts().iter().any(|t| t.library == l.id)
                || ["okhttp", "node-ws"].contains(&l.id);
            assert!(used, "{} has no aliases or texts", l.id);
        }
        assert_eq!(library_name("gorilla"), "gorilla/websocket");
        assert_eq!(library_name("graphql-ws"), "graphql-ws");
    }

    #[test]
    fn every_category_is_valid_and_says_which_codes_it_holds() {
        for def in builtin_codes() {
            let (code, c) = (def.code, def.entry.category);
            assert!(Category::ALL.contains(&c), "{code}");
            assert!(Reconnect::ALL.contains(&def.entry.reconnect), "{code}");
            // `--help` lists each category's codes (Category::describe).
            assert!(
                c.describe().contains(&code.to_string()),
                "{code} is {c}, but its description does not list it: {}",
                c.describe()
            );
        }
        for (range, category) in [
            (CodeRange::Protocol, Category::Reserved),
            (CodeRange::Registered, Category::Application),
            (CodeRange::Private, Category::Application),
            (CodeRange::Invalid, Category::Invalid),
        ] {
            assert_eq!(IANA.ranges[range.index()].category, category, "{range:?}");
        }
    }

    #[test]
    fn reconnect_tokens_parse_and_say_whether_to_reconnect() {
        for r in Reconnect::ALL {
            assert_eq!(r.as_str().parse::<Reconnect>(), Ok(r));
            assert!(!r.explain().is_empty());
        }
        assert!("sometimes".parse::<Reconnect>().is_err());
        assert!(Reconnect::Backoff.reconnects());
        assert!(Reconnect::AfterReauth.reconnects());
        assert!(!Reconnect::No.reconnects());
        assert!(!Reconnect::AfterFix.reconnects());
        assert!(!Reconnect::AppDefined.reconnects());
    }

    fn sample_code(
        code: u16,
        name: &'static str,
        table: &'static str,
        aliases: &'static [&'static str],
    ) -> TableCode {
        TableCode {
            code,
            entry: Entry {
                name,
                category: Category::Policy,
                meaning: "m",
                recovery: "r",
                hint: "h",
                reconnect: Reconnect::AfterReauth,
                on_wire: true,
                defined_by: "code table t",
            },
            aliases,
            symptoms: &[],
            table,
        }
    }

    #[test]
    fn later_tables_override_and_table_aliases_replace_library_names() {
        let installed = Installed::new(
            vec![
                sample_code(4001, "First", "a", &["AUTH_EXPIRED"]),
                sample_code(4001, "Second", "b", &["TOKEN_EXPIRED"]),
                sample_code(1006, "Dropped", "b", &["ABNORMAL_CLOSURE"]),
            ],
            Vec::new(),
        );
        assert_eq!(installed.find(4001).unwrap().entry.name, "Second");
        assert_eq!(installed.find(1006).unwrap().entry.name, "Dropped");
        assert!(installed.find(4002).is_none());
        assert!(installed.find(70000).is_none());
        // Only the winning entry's aliases count.
        assert!(!installed.aliases.iter().any(|a| a.name == "AUTH_EXPIRED"));
        let token = installed
            .aliases
            .iter()
            .find(|a| a.name == "TOKEN_EXPIRED")
            .unwrap();
        assert_eq!((token.code, token.library), (4001, "b"));
        // The table's ABNORMAL_CLOSURE replaces Python websockets' and Netty's.
        let abnormal: Vec<_> = installed
            .aliases
            .iter()
            .filter(|a| a.name == "ABNORMAL_CLOSURE")
            .collect();
        assert_eq!(abnormal.len(), 1);
        assert_eq!(abnormal[0].library, "b");
        // Every other library name is still there.
        assert!(installed.aliases.iter().any(|a| a.name == "CloseGoingAway"));
    }
}
