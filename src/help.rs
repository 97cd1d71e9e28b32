//! The text after the options: examples, the configuration file, the
//! environment and the exit statuses, written once and rendered twice, as
//! plain text under `--help` and as sections of the man page
//! (`wscode-annotate man`), where examples are set without filling so no
//! command is broken across lines.

use std::io::{self, Write};

use roff::{bold, italic, roman, Inline, Roff};

/// A use and the commands for it.
pub struct Example {
    /// What the commands do; may be empty.
    pub what: &'static str,
    /// One command per line.
    pub run: &'static [&'static str],
}

/// What a section holds.
pub enum Body {
    /// Examples. `inline` puts each one-command example on one line with its
    /// purpose on the right; otherwise the purpose is a heading above.
    Examples {
        /// The examples, in order.
        list: &'static [Example],
        /// One line per example, purpose on the right.
        inline: bool,
    },
    /// A paragraph.
    Text(&'static str),
    /// Terms and what they mean (variables, exit statuses).
    Terms(&'static [(&'static str, &'static str)]),
}

/// One section, titled `Title:` under `--help` and `TITLE` in the man page.
pub struct Section {
    /// The title under `--help`, e.g. `Exit status`.
    pub title: &'static str,
    /// The man page's section name, e.g. `EXIT STATUS`.
    pub man_title: &'static str,
    /// What it holds.
    pub body: Body,
}

/// The tool's own sections.
pub const MAIN: &[Section] = &[
    Section {
        title: "Examples",
        man_title: "EXAMPLES",
        body: Body::Examples {
            inline: false,
            list: &[
                Example {
                    what: "Annotate a live stream:",
                    run: &[
                        "kubectl logs -f --timestamps deploy/gateway | wscode-annotate",
                        "docker logs -f gateway 2>&1 | wscode-annotate",
                    ],
                },
                Example {
                    what: "Only the lines with a code, only what is worth waking up for:",
                    run: &["wscode-annotate -o --category error,protocol,policy app.log"],
                },
                Example {
                    what: "After an incident: counts, reasons, first and last lines, a timeline:",
                    run: &["wscode-annotate --summary app.log"],
                },
                Example {
                    what: "A rotated set, compressed or not, oldest first:",
                    run: &["wscode-annotate -r --summary /var/log/gateway/"],
                },
                Example {
                    what: "A gate in CI (exit status 1 when a rule trips):",
                    run: &["wscode-annotate --summary --fail-on 'error,protocol,1008>3' test-output/*.log"],
                },
                Example {
                    what: "JSON Lines to alerting:",
                    run: &["wscode-annotate --format json app.log | jq -c 'select(.category == \"error\")'"],
                },
                Example {
                    what: "Metrics for node_exporter's textfile collector:",
                    run: &["wscode-annotate --format prometheus app.log > /var/lib/node_exporter/textfile/ws.prom"],
                },
                Example {
                    what: "Explain a close code, or search by name or symptom:",
                    run: &[
                        "wscode-annotate lookup 1006",
                        "wscode-annotate lookup \"load balancer\"",
                    ],
                },
                Example {
                    what: "With a service's own codes:",
                    run: &["wscode-annotate --codes graphql-ws app.log"],
                },
                Example {
                    what: "Shell completions and the man page:",
                    run: &[
                        "wscode-annotate completions bash > ~/.local/share/bash-completion/completions/wscode-annotate",
                        "wscode-annotate man > ~/.local/share/man/man1/wscode-annotate.1",
                    ],
                },
            ],
        },
    },
    Section {
        title: "Configuration file",
        man_title: "FILES",
        body: Body::Text(
            "$WSCODE_CONFIG, else $XDG_CONFIG_HOME/wscode-annotate/config.toml, else \
             ~/.config/wscode-annotate/config.toml: default color, threads, codes, pattern, \
             category and quiet. Flags win over environment variables, which win over the \
             file. --no-config skips it.",
        ),
    },
    Section {
        title: "Environment",
        man_title: "ENVIRONMENT",
        body: Body::Terms(&[
            ("NO_COLOR", "non-empty: no colour (unless --color always)"),
            (
                "CLICOLOR_FORCE",
                "non-zero: colour even into a pipe (unless NO_COLOR or --color never)",
            ),
            ("WSCODE_CODES", "code tables to load before --codes, a path list"),
            ("WSCODE_CONFIG", "the configuration file; empty: none"),
            ("COLUMNS", "the width text output is fitted to"),
            ("TMPDIR", "where -o holds a line longer than 16 MiB before its first code"),
        ]),
    },
    Section {
        title: "Exit status",
        man_title: "EXIT STATUS",
        body: Body::Terms(&[
            (
                "0",
                "all inputs were read (close codes found or not; also when the output pipe \
                 closes early, e.g. `| head`)",
            ),
            ("1", "a --fail-on rule tripped"),
            (
                "2",
                "an input could not be read (the others were still processed), the output \
                 could not be written, or the command line, a code table or the configuration \
                 file was wrong",
            ),
            (
                "130",
                "interrupted; with --summary, the first Ctrl-C prints the summary of what was read",
            ),
        ]),
    },
];

/// `lookup`'s sections.
pub const LOOKUP: &[Section] = &[
    Section {
        title: "Examples",
        man_title: "EXAMPLES",
        body: Body::Examples {
            inline: true,
            list: &[
                Example {
                    what: "the full card of a code",
                    run: &["wscode-annotate lookup 1006"],
                },
                Example {
                    what: "any number, known or not",
                    run: &["wscode-annotate lookup 4321 999"],
                },
                Example {
                    what: "by name, as a library prints it",
                    run: &["wscode-annotate lookup StatusGoingAway"],
                },
                Example {
                    what: "by symptom or free text",
                    run: &["wscode-annotate lookup timeout"],
                },
                Example {
                    what: "every known code",
                    run: &["wscode-annotate lookup"],
                },
                Example {
                    what: "after which codes to reconnect, and how",
                    run: &["wscode-annotate lookup --reconnect"],
                },
                Example {
                    what: "with a code table",
                    run: &["wscode-annotate lookup --codes graphql-ws 4401"],
                },
                Example {
                    what: "as JSON",
                    run: &["wscode-annotate lookup --format json 1011"],
                },
            ],
        },
    },
    Section {
        title: "Exit status",
        man_title: "EXIT STATUS",
        body: Body::Terms(&[
            ("0", "something matched (every number is explained)"),
            ("1", "nothing matched the search or the filters"),
            ("2", "the command line or a code table was wrong"),
        ]),
    },
];

/// `merge`'s sections.
pub const MERGE: &[Section] = &[Section {
    title: "Examples",
    man_title: "EXAMPLES",
    body: Body::Examples {
        inline: false,
        list: &[Example {
            what: "",
            run: &[
                "ssh node1 wscode-annotate -s --format json /var/log/gw.log > node1.json",
                "ssh node2 wscode-annotate -s --format json /var/log/gw.log > node2.json",
                "wscode-annotate merge node1.json node2.json",
                "wscode-annotate merge --format prometheus node*.json > /var/lib/node_exporter/ws.prom",
            ],
        }],
    },
}];

/// `completions`' sections.
pub const COMPLETIONS: &[Section] = &[Section {
    title: "Examples",
    man_title: "EXAMPLES",
    body: Body::Examples {
        inline: false,
        list: &[Example {
            what: "",
            run: &[
                "wscode-annotate completions bash > ~/.local/share/bash-completion/completions/wscode-annotate",
                "wscode-annotate completions zsh > ~/.zfunc/_wscode-annotate     # with fpath+=(~/.zfunc)",
                "wscode-annotate completions fish > ~/.config/fish/completions/wscode-annotate.fish",
            ],
        }],
    },
}];

/// `man`'s sections.
pub const MAN: &[Section] = &[Section {
    title: "Examples",
    man_title: "EXAMPLES",
    body: Body::Examples {
        inline: false,
        list: &[Example {
            what: "",
            run: &[
                "wscode-annotate man | man -l -",
                "wscode-annotate man > ~/.local/share/man/man1/wscode-annotate.1",
                "wscode-annotate man lookup > ~/.local/share/man/man1/wscode-annotate-lookup.1",
            ],
        }],
    },
}];

/// The sections of a subcommand's page, by name (none: the tool's).
pub fn sections(subcommand: Option<&str>) -> &'static [Section] {
    match subcommand {
        None => MAIN,
        Some("lookup") => LOOKUP,
        Some("merge") => MERGE,
        Some("completions") => COMPLETIONS,
        Some("man") => MAN,
        Some(_) => &[],
    }
}

/// Width that plain text is wrapped to (help text is read in terminals of
/// at least 80 columns).
const WIDTH: usize = 76;

/// The sections as plain text, for clap's `after_help`.
pub fn text(sections: &[Section]) -> String {
    let mut out = String::new();
    for (i, section) in sections.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(section.title);
        out.push_str(":\n");
        match &section.body {
            Body::Examples { list, inline: true } => {
                let width = list
                    .iter()
                    .flat_map(|e| e.run)
                    .map(|r| r.len())
                    .max()
                    .unwrap_or(0);
                for example in *list {
                    for run in example.run {
                        out.push_str(format!("  {run:width$}  {}", example.what).trim_end());
                        out.push('\n');
                    }
                }
            }
            Body::Examples {
                list,
                inline: false,
            } => {
                for example in *list {
                    let indent = if example.what.is_empty() {
                        "  "
                    } else {
                        out.push_str(&format!("  {}\n", example.what));
                        "    "
                    };
                    for run in example.run {
                        out.push_str(&format!("{indent}{run}\n"));
                    }
                }
            }
            Body::Text(text) => wrap_into(&mut out, text, "  ", "  "),
            Body::Terms(terms) => {
                let width = terms.iter().map(|(t, _)| t.len()).max().unwrap_or(0);
                for (term, meaning) in *terms {
                    // Exit statuses are numbers, right-aligned; names left.
                    let first = if width <= 3 {
                        format!("{term:>3}  ")
                    } else {
                        format!("  {term:width$}  ")
                    };
                    let rest = " ".repeat(first.len());
                    wrap_into(&mut out, meaning, &first, &rest);
                }
            }
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// Appends `text` wrapped at [`WIDTH`], the first line after `first`, the
/// others after `rest`.
fn wrap_into(out: &mut String, text: &str, first: &str, rest: &str) {
    let mut line = first.to_string();
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.chars().count() + 1 + word.chars().count() > WIDTH {
            out.push_str(&line);
            out.push('\n');
            line = rest.to_string();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(&line);
    out.push('\n');
}

/// Writes the man page of the tool (`root`, clap's command), or of one of
/// its subcommands as `wscode-annotate-NAME(1)`: clap_mangen's title, name,
/// description, options and subcommands, a synopsis that names every value,
/// and proper sections for examples, files, environment and exit status.
/// Hyphenation and justification are off, so no word or command is broken.
pub fn man_page(
    mut root: clap::Command,
    subcommand: Option<&str>,
    out: &mut dyn Write,
) -> io::Result<()> {
    root.build();
    let usage = root.get_name().to_string();
    let (cmd, usage) = match subcommand.and_then(|name| root.find_subcommand(name)) {
        Some(sub) => {
            let title = format!("{usage}-{}", sub.get_name());
            let usage = format!("{usage} {}", sub.get_name());
            // clap names are `&'static str`; this runs once per process.
            let page = sub
                .clone()
                .name(&*Box::leak(title.into_boxed_str()))
                .version(env!("CARGO_PKG_VERSION"));
            (page, usage)
        }
        None => (root.clone(), usage),
    };
    let man = clap_mangen::Man::new(cmd.clone());
    man.render_title(out)?;
    let mut roff = Roff::new();
    roff.control("nh", []).control("ad", ["l"]);
    roff.to_writer(out)?;
    man.render_name_section(out)?;
    synopsis(&cmd, &usage).to_writer(out)?;
    man.render_description_section(out)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(out)?;
    }
    if cmd.has_subcommands() {
        man.render_subcommands_section(out)?;
    }
    let mut roff = Roff::new();
    for section in sections(subcommand) {
        roff.control("SH", [section.man_title]);
        match &section.body {
            Body::Examples { list, .. } => {
                for example in *list {
                    if !example.what.is_empty() {
                        roff.control("PP", []);
                        roff.text([roman(upper_first(example.what.trim_end_matches(':')))]);
                    }
                    // No filling: a command is never broken or hyphenated.
                    roff.control("PP", []);
                    roff.control("RS", ["4"]);
                    roff.control("nf", []);
                    for run in example.run {
                        roff.text([roman(*run)]);
                    }
                    roff.control("fi", []);
                    roff.control("RE", []);
                }
            }
            Body::Text(text) => {
                roff.text([roman(*text)]);
            }
            Body::Terms(terms) => {
                for (term, meaning) in *terms {
                    roff.control("TP", []);
                    roff.text([bold(*term)]);
                    roff.text([roman(upper_first(meaning))]);
                }
            }
        }
    }
    roff.to_writer(out)?;
    man.render_version_section(out)
}

/// SYNOPSIS: the command with every option and its value, then one line
/// per subcommand.
fn synopsis(cmd: &clap::Command, name: &str) -> Roff {
    let mut roff = Roff::new();
    roff.control("SH", ["SYNOPSIS"]);
    usage_line(&mut roff, name, cmd);
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let full = format!("{name} {}", sub.get_name());
        usage_line(&mut roff, &full, sub);
    }
    roff
}

fn usage_line(roff: &mut Roff, name: &str, cmd: &clap::Command) {
    let mut line: Vec<Inline> = vec![bold(name)];
    for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
        let id = arg.get_id().as_str();
        if arg.is_positional() || id == "help" || id == "version" {
            continue;
        }
        line.push(roman(" ["));
        match (arg.get_short(), arg.get_long()) {
            (Some(short), Some(long)) => {
                line.push(bold(format!("-{short}")));
                line.push(roman("|"));
                line.push(bold(format!("--{long}")));
            }
            (Some(short), None) => line.push(bold(format!("-{short}"))),
            (None, Some(long)) => line.push(bold(format!("--{long}"))),
            (None, None) => continue,
        }
        if arg.get_num_args().is_some_and(|n| n.takes_values()) {
            for value in arg.get_value_names().unwrap_or_default() {
                line.push(roman(" "));
                line.push(italic(value.as_str()));
            }
        }
        line.push(roman("]"));
    }
    for arg in cmd.get_positionals().filter(|a| !a.is_hide_set()) {
        let values = arg.get_value_names().unwrap_or_default();
        let value = values.first().map_or(arg.get_id().as_str(), |v| v.as_str());
        let many = arg.get_num_args().is_some_and(|n| n.max_values() > 1);
        let (open, close) = if arg.is_required_set() {
            ("", "")
        } else {
            ("[", "]")
        };
        line.push(roman(format!(" {open}")));
        line.push(italic(value));
        line.push(roman(format!("{}{close}", if many { "..." } else { "" })));
    }
    roff.text(line);
    roff.control("br", []);
}

/// `text` with its first letter upper-cased (man page paragraphs are
/// sentences; help lines are not).
fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_text_keeps_every_line_within_the_width() {
        for name in [
            None,
            Some("lookup"),
            Some("merge"),
            Some("completions"),
            Some("man"),
        ] {
            let text = text(sections(name));
            for line in text.lines() {
                let examples = sections(name).iter().any(|s| match &s.body {
                    Body::Examples { list, .. } => {
                        list.iter().any(|e| e.run.iter().any(|r| line.contains(r)))
                    }
                    _ => false,
                });
                assert!(examples || line.chars().count() <= WIDTH, "{line}");
            }
        }
    }

    #[test]
    fn terms_line_up() {
        let text = text(MAIN);
        assert!(text.contains("  0  all inputs were read"), "{text}");
        assert!(text.contains("130  interrupted"), "{text}");
        assert!(text.contains("  NO_COLOR        non-empty"), "{text}");
    }
}
