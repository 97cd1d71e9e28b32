//! The configuration file: a user's default flags, read once at startup.
//!
//! `$WSCODE_CONFIG`, else `$XDG_CONFIG_HOME/wscode-annotate/config.toml`,
//! else `~/.config/wscode-annotate/config.toml`. A missing file at the
//! default place is no error (most users have none); a missing file that
//! `WSCODE_CONFIG` names is, and so is a malformed one: it stops the run with
//! `FILE:LINE:COLUMN: what is wrong`, because silently ignoring a setting the
//! user wrote is worse than refusing to start. `--no-config` (or an empty
//! `WSCODE_CONFIG`) skips the file.
//!
//! Precedence is flags, then environment variables, then the file: a flag
//! always wins, and `NO_COLOR` / `CLICOLOR_FORCE` beat the file's `color`.
//! Lists add up instead: the file's code tables load first (so
//! `WSCODE_CODES` and `--codes` override their codes), and its patterns are
//! tried along with `--pattern`'s. [`crate::config::Config::from_args`] applies it.

use std::ffi::OsString;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use serde::de::{self, Deserializer};
use serde::Deserialize;

use crate::cli::ColorArg;
use crate::codes::tables::TableSpec;
use crate::codes::Category;

/// Where the configuration file is looked for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ConfigLocation {
    /// No file: `WSCODE_CONFIG` is empty, or there is no home directory.
    #[default]
    None,
    /// `WSCODE_CONFIG` names it: it must exist.
    Explicit(PathBuf),
    /// The default place: read it if it exists.
    Default(PathBuf),
}

impl ConfigLocation {
    /// Decides from the values of `WSCODE_CONFIG`, `XDG_CONFIG_HOME` and
    /// `HOME`. A relative `XDG_CONFIG_HOME` is ignored, as the XDG base
    /// directory specification says.
    pub fn from_env(
        wscode_config: Option<OsString>,
        xdg_config_home: Option<OsString>,
        home: Option<OsString>,
    ) -> ConfigLocation {
        if let Some(path) = wscode_config {
            return if path.is_empty() {
                ConfigLocation::None
            } else {
                ConfigLocation::Explicit(PathBuf::from(path))
            };
        }
        let base = xdg_config_home
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .or_else(|| {
                home.filter(|h| !h.is_empty())
                    .map(|h| PathBuf::from(h).join(".config"))
            });
        match base {
            Some(base) => ConfigLocation::Default(base.join("wscode-annotate").join("config.toml")),
            None => ConfigLocation::None,
        }
    }
}

/// The settings a configuration file may hold, each the default for a flag.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// The file it was read from.
    #[serde(skip)]
    pub path: PathBuf,
    /// `--color`: `auto`, `always` or `never`.
    #[serde(default, deserialize_with = "color")]
    pub color: Option<ColorArg>,
    /// `-j/--threads`; 0 means the number of CPUs.
    #[serde(default)]
    pub threads: Option<usize>,
    /// `--codes`: bundled table names or files; a relative path is taken
    /// from the configuration file's folder.
    #[serde(default)]
    pub codes: Vec<String>,
    /// `--pattern`: formats of the user's own services.
    #[serde(default)]
    pub pattern: Vec<String>,
    /// `--category` for annotate mode and the summary.
    #[serde(default, deserialize_with = "categories")]
    pub category: Vec<Category>,
    /// `-q/--quiet`.
    #[serde(default)]
    pub quiet: bool,
}

impl ConfigFile {
    /// The file's code tables, relative paths resolved against its folder.
    pub fn code_tables(&self) -> Vec<TableSpec> {
        let dir = self.path.parent().unwrap_or(Path::new(""));
        self.codes
            .iter()
            .map(|c| match TableSpec::from_arg(c.as_ref()) {
                TableSpec::File(p) if p.is_relative() => TableSpec::File(dir.join(p)),
                spec => spec,
            })
            .collect()
    }

    /// Parses a configuration file's text; `path` names it in errors and
    /// anchors its relative paths.
    pub fn parse(text: &str, path: &Path) -> Result<ConfigFile, ConfigError> {
        let mut file: ConfigFile = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start).min(text.len());
            let before = &text[..offset];
            let line = before.matches('\n').count() + 1;
            let start = before.rfind('\n').map_or(0, |i| i + 1);
            ConfigError::Invalid {
                path: path.to_path_buf(),
                line,
                column: before[start..].chars().count() + 1,
                message: e.message().lines().next().unwrap_or("").trim().to_string(),
            }
        })?;
        file.path = path.to_path_buf();
        Ok(file)
    }

    /// Reads the file at `location`: `Ok(None)` when there is none to read.
    pub fn load(location: &ConfigLocation) -> Result<Option<ConfigFile>, ConfigError> {
        let (path, must_exist) = match location {
            ConfigLocation::None => return Ok(None),
            ConfigLocation::Explicit(p) => (p, true),
            ConfigLocation::Default(p) => (p, false),
        };
        let text = match std::fs::read(path) {
            Ok(bytes) => String::from_utf8(bytes).map_err(|_| ConfigError::Read {
                path: path.clone(),
                reason: "not UTF-8 text".into(),
            })?,
            Err(e) if e.kind() == io::ErrorKind::NotFound && !must_exist => return Ok(None),
            Err(e) => {
                return Err(ConfigError::Read {
                    path: path.clone(),
                    reason: describe_io(&e),
                })
            }
        };
        ConfigFile::parse(&text, path).map(Some)
    }
}

/// Why the configuration file stopped the run.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// It could not be read.
    #[error("configuration file {}: {reason} (run with --no-config to skip it)", .path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// It is not valid TOML, or a setting is unknown or has a wrong value.
    #[error("{}:{line}:{column}: {message} (run with --no-config to skip it)", .path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column, in characters.
        column: usize,
        /// What is wrong.
        message: String,
    },
}

fn describe_io(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "No such file or directory (set by WSCODE_CONFIG)".into(),
        io::ErrorKind::PermissionDenied => "Permission denied".into(),
        _ => {
            let s = e.to_string();
            s.split(" (os error").next().unwrap_or(&s).to_string()
        }
    }
}

fn color<'de, D: Deserializer<'de>>(d: D) -> Result<Option<ColorArg>, D::Error> {
    let s = String::deserialize(d)?;
    <ColorArg as clap::ValueEnum>::from_str(&s, false)
        .map(Some)
        .map_err(|_| de::Error::custom(OneOf("color", &s, "auto, always, never")))
}

fn categories<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Category>, D::Error> {
    Vec::<String>::deserialize(d)?
        .iter()
        .map(|s| s.parse::<Category>().map_err(de::Error::custom))
        .collect()
}

/// "unknown color 'x' (expected one of: …)".
struct OneOf<'a>(&'a str, &'a str, &'a str);

impl fmt::Display for OneOf<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown {} '{}' (expected one of: {})",
            self.0, self.1, self.2
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_location_follows_wscode_config_then_xdg_then_home() {
        let os = |s: &str| Some(OsString::from(s));
        assert_eq!(
            ConfigLocation::from_env(os("/etc/w.toml"), os("/x"), os("/home/u")),
            ConfigLocation::Explicit("/etc/w.toml".into())
        );
        assert_eq!(
            ConfigLocation::from_env(os(""), os("/x"), os("/home/u")),
            ConfigLocation::None
        );
        assert_eq!(
            ConfigLocation::from_env(None, os("/x"), os("/home/u")),
            ConfigLocation::Default("/x/wscode-annotate/config.toml".into())
        );
        assert_eq!(
            ConfigLocation::from_env(None, os("relative"), os("/home/u")),
            ConfigLocation::Default("/home/u/.config/wscode-annotate/config.toml".into())
        );
        assert_eq!(
            ConfigLocation::from_env(None, None, None),
            ConfigLocation::None
        );
    }

    #[test]
    fn settings_parse_and_relative_tables_are_anchored() {
        let file = ConfigFile::parse(
            "color = \"always\"\nthreads = 2\ncodes = [\"graphql-ws\", \"acme.toml\", \"/abs/t.toml\"]\n\
             pattern = ['gw-close=(?P<code>\\d+)']\ncategory = [\"error\", \"policy\"]\nquiet = true\n",
            Path::new("/home/u/.config/wscode-annotate/config.toml"),
        )
        .unwrap();
        assert_eq!(file.color, Some(ColorArg::Always));
        assert_eq!(file.threads, Some(2));
        assert_eq!(file.category, [Category::Error, Category::Policy]);
        assert!(file.quiet);
        assert_eq!(
            file.code_tables(),
            [
                TableSpec::Bundled("graphql-ws".into()),
                TableSpec::File("/home/u/.config/wscode-annotate/acme.toml".into()),
                TableSpec::File("/abs/t.toml".into()),
            ]
        );
        assert_eq!(
            ConfigFile::parse("", Path::new("c.toml")).unwrap(),
            ConfigFile {
                path: "c.toml".into(),
                ..ConfigFile::default()
            }
        );
    }

    #[test]
    fn mistakes_name_the_file_line_and_column() {
        let err = |text: &str| {
            ConfigFile::parse(text, Path::new("c.toml"))
                .unwrap_err()
                .to_string()
        };
        let e = err("threads = 2\ncolour = \"always\"\n");
        assert!(e.starts_with("c.toml:2:1: unknown field `colour`"), "{e}");
        let e = err("color = \"sometimes\"\n");
        assert!(
            e.starts_with("c.toml:1:9: unknown color 'sometimes'"),
            "{e}"
        );
        let e = err("category = [\"error\", \"bad\"]\n");
        assert!(e.starts_with("c.toml:1:12: unknown category 'bad'"), "{e}");
        let e = err("threads = \"two\"\n");
        assert!(e.starts_with("c.toml:1:11: "), "{e}");
        let e = err("threads = 2\nthreads = 3\n");
        assert!(e.starts_with("c.toml:2:"), "{e}");
        assert!(e.ends_with("(run with --no-config to skip it)"), "{e}");
    }
}
