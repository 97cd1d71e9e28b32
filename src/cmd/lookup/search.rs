//! Search: a query ranked over names, library aliases, symptoms, hints,
//! meanings and recovery advice, and the note when nothing matches.

use super::*;

// ---------------------------------------------------------------------------
// Search

/// A code as the search sees it; borrowed from the registry or from a
/// bundled table that is not loaded.
pub(super) struct Candidate<'a> {
    pub(super) code: u32,
    pub(super) name: &'a str,
    pub(super) aliases: Vec<&'a str>,
    pub(super) texts: Vec<&'a str>,
    pub(super) symptoms: Vec<&'a str>,
    pub(super) hint: &'a str,
    pub(super) meaning: &'a str,
    pub(super) recovery: &'a str,
}

impl Candidate<'static> {
    fn of(d: &Description) -> Candidate<'static> {
        Candidate {
            code: d.code,
            name: d.entry.name,
            aliases: codes::aliases()
                .iter()
                .filter(|a| u32::from(a.code) == d.code)
                .map(|a| a.name)
                .collect(),
            texts: codes::log_texts()
                .iter()
                .filter(|t| u32::from(t.code) == d.code)
                .map(|t| t.text)
                .collect(),
            symptoms: codes::symptoms(d.code).to_vec(),
            hint: d.entry.hint,
            meaning: d.entry.meaning,
            recovery: d.entry.recovery,
        }
    }
}

impl<'a> Candidate<'a> {
    fn of_table_entry(e: &'a tables::TableEntry) -> Candidate<'a> {
        Candidate {
            code: u32::from(e.code),
            name: &e.name,
            aliases: e.aliases.iter().map(String::as_str).collect(),
            texts: Vec::new(),
            symptoms: e.symptoms.iter().map(String::as_str).collect(),
            hint: &e.hint,
            meaning: &e.meaning,
            recovery: &e.recovery,
        }
    }
}

/// Words that say nothing about which code is meant.
pub(super) const STOPWORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "of",
    "to",
    "in",
    "on",
    "at",
    "for",
    "and",
    "or",
    "is",
    "was",
    "by",
    "with",
    "my",
    "it",
    "be",
    "from",
    "websocket",
    "websockets",
    "ws",
    "close",
    "closed",
    "code",
    "status",
];

/// A search query, prepared once.
pub(super) struct Prepared {
    /// Lower-case letters and digits only: "Going-Away" → "goingaway".
    pub(super) squashed: String,
    /// The words that count.
    pub(super) words: Vec<String>,
    /// The words joined by single spaces.
    pub(super) phrase: String,
    /// The query was typed as several words (it has white space).
    pub(super) typed_words: bool,
}

pub(super) fn prepare(text: &str) -> Prepared {
    let folded = fold(text);
    let words: Vec<String> = folded
        .split(' ')
        .filter(|w| !w.is_empty() && !STOPWORDS.contains(w))
        .map(str::to_string)
        .collect();
    Prepared {
        squashed: squash(text),
        phrase: words.join(" "),
        words,
        typed_words: text.split_whitespace().nth(1).is_some(),
    }
}

/// Lower case, every run of other characters one space.
pub(super) fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    out.trim().to_string()
}

/// Lower-case letters and digits only.
pub(super) fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// How well `word` matches some word of `field` (folded): 1 for the same
/// word, less for a prefix or (long words) a part.
pub(super) fn word_match(word: &str, field: &str) -> f32 {
    let mut best: f32 = 0.0;
    for w in field.split(' ') {
        let m = if w == word {
            1.0
        } else if word.len() >= 3 && w.starts_with(word) {
            0.8
        } else if w.len() >= 4 && word.len() <= w.len() + 3 && word.starts_with(w) {
            // "limited" finds "limit", "timeouts" finds "timeout".
            0.7
        } else if word.len() >= 4 && w.contains(word) {
            0.5
        } else {
            0.0
        };
        best = best.max(m);
        if best >= 1.0 {
            break;
        }
    }
    best
}

/// A candidate's score for a query, and whether a name or alias matched it
/// exactly; `None` when some word of the query matches nothing.
pub(super) fn score(q: &Prepared, c: &Candidate<'_>, require_all: bool) -> Option<(f32, bool)> {
    let name = fold(c.name);
    let aliases: Vec<String> = c.aliases.iter().map(|a| fold(&split_camel(a))).collect();
    let texts: Vec<String> = c.texts.iter().map(|t| fold(t)).collect();
    let symptoms: Vec<String> = c.symptoms.iter().map(|s| fold(s)).collect();
    let hint = fold(c.hint);
    let meaning = fold(c.meaning);
    let recovery = fold(c.recovery);

    let mut total = 0.0;
    let mut exact = false;
    if !q.squashed.is_empty() {
        if squash(c.name) == q.squashed {
            total += 1000.0;
            exact = true;
        } else if c.aliases.iter().any(|a| squash(a) == q.squashed) {
            total += 950.0;
            exact = true;
        } else if c.symptoms.iter().any(|s| squash(s) == q.squashed) {
            total += 400.0;
        }
    }
    if q.words.len() >= 2 {
        let padded = format!(" {} ", q.phrase);
        let has = |field: &str| format!(" {field} ").contains(&padded);
        for (hit, weight) in [
            (has(&name), 300.0),
            (aliases.iter().chain(&texts).any(|f| has(f)), 250.0),
            (symptoms.iter().any(|f| has(f)), 250.0),
            (has(&hint), 150.0),
            (has(&meaning), 100.0),
            (has(&recovery), 50.0),
        ] {
            if hit {
                total += weight;
            }
        }
    }
    let mut matched_words = 0;
    for word in &q.words {
        let best_of = |fields: &[String]| {
            fields
                .iter()
                .map(|f| word_match(word, f))
                .fold(0.0_f32, f32::max)
        };
        let word_score = 60.0 * word_match(word, &name)
            + 40.0 * best_of(&aliases).max(best_of(&texts))
            + 50.0 * best_of(&symptoms)
            + 25.0 * word_match(word, &hint)
            + 15.0 * word_match(word, &meaning)
            + 8.0 * word_match(word, &recovery);
        if word_score > 0.0 {
            matched_words += 1;
        }
        total += word_score;
    }
    let all = matched_words == q.words.len();
    if exact || (total > 0.0 && (all || !require_all)) {
        // Partial matches rank by how many words they cover first.
        Some((
            total + 1000.0 * matched_words as f32 * f32::from(!require_all),
            exact,
        ))
    } else {
        None
    }
}

/// `StatusGoingAway` → `Status Going Away`, so its words can be matched.
pub(super) fn split_camel(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut prev: Option<char> = None;
    for c in s.chars() {
        if let Some(p) = prev {
            if c.is_uppercase() && p.is_lowercase() {
                out.push(' ');
            }
        }
        out.push(c);
        prev = Some(c);
    }
    out
}

/// A ranked search result.
pub(super) struct Hit {
    pub(super) code: u32,
    pub(super) score: f32,
    pub(super) exact: bool,
}

/// Ranks `candidates` for `q`, best first. When no candidate matches every
/// word of a query of several typed words, the ones that match some are
/// returned, and `partial` is set. (A single token such as `GOING_AWYA` gets
/// no partial matches: it is a misspelt name, and the closest names are the
/// better answer.)
pub(super) fn rank(q: &Prepared, candidates: &[Candidate<'_>]) -> (Vec<Hit>, bool) {
    let collect = |require_all: bool| {
        let mut hits: Vec<Hit> = candidates
            .iter()
            .filter_map(|c| {
                score(q, c, require_all).map(|(score, exact)| Hit {
                    code: c.code,
                    score,
                    exact,
                })
            })
            .collect();
        hits.sort_by(|a, b| {
            b.score
                .partial_cmp(&a.score)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(a.code.cmp(&b.code))
        });
        hits
    };
    let hits = collect(true);
    if !hits.is_empty() || q.words.len() < 2 || !q.typed_words {
        return (hits, false);
    }
    let hits = collect(false);
    let partial = !hits.is_empty();
    (hits, partial)
}

pub(super) fn search_command(opts: &Lookup, text: &str, buf: &mut Vec<u8>) -> Outcome {
    let q = prepare(text);
    let known = codes::known_codes();
    let candidates: Vec<Candidate<'static>> = known.iter().map(Candidate::of).collect();
    let (hits, partial) = rank(&q, &candidates);
    let results: Vec<(CodeObject, bool)> = hits
        .iter()
        .map(|h| (code_object(u64::from(h.code)), h.exact))
        .filter(|(o, _)| passes(opts, o))
        .collect();
    if results.is_empty() {
        if opts.format == ListFormat::Json {
            buf.extend_from_slice(b"[]\n");
        }
        let filtered = !hits.is_empty();
        return Outcome {
            matched: false,
            note: Some(no_match_note(text, &q, filtered)),
        };
    }
    let objects: Vec<CodeObject> = results.iter().map(|(o, _)| o.clone()).collect();
    if opts.format == ListFormat::Json {
        write_json(&objects, buf);
        return Outcome {
            matched: true,
            note: None,
        };
    }
    let exact: Vec<CodeObject> = results
        .iter()
        .filter(|(_, e)| *e)
        .map(|(o, _)| o.clone())
        .collect();
    let rest: Vec<CodeObject> = results
        .iter()
        .filter(|(_, e)| !*e)
        .map(|(o, _)| o.clone())
        .collect();
    if partial {
        let _ = writeln!(
            buf,
            "No code matches every word of '{text}'; these match some, best first:\n"
        );
    }
    if !exact.is_empty() || rest.len() == 1 {
        let cards = if exact.is_empty() { &rest } else { &exact };
        write_cards(opts, cards, buf);
        if !exact.is_empty() && !rest.is_empty() {
            let _ = writeln!(buf, "\nAlso matching '{text}':\n");
            write_code_table(opts, &rest, buf);
        }
    } else {
        if !partial {
            let _ = writeln!(buf, "{} codes match '{text}', best first:\n", rest.len());
        }
        write_code_table(opts, &rest, buf);
        buf.extend_from_slice(b"\n`wscode-annotate lookup CODE` shows one in full.\n");
    }
    let elsewhere = bundled_exact_matches(&q);
    if !elsewhere.is_empty() {
        let _ = writeln!(
            buf,
            "\nBundled code tables that are not loaded also define {}: load one with --codes NAME.",
            elsewhere.join(", ")
        );
    }
    Outcome {
        matched: true,
        note: None,
    }
}

/// Codes of bundled tables that are not loaded whose name or alias is the
/// query, as "4401 Unauthorized (graphql-ws)".
pub(super) fn bundled_exact_matches(q: &Prepared) -> Vec<String> {
    let mut found = Vec::new();
    for table in unloaded_bundled() {
        for e in &table.codes {
            let c = Candidate::of_table_entry(e);
            if let Some((_, true)) = score(q, &c, true) {
                found.push(format!("{} {} ({})", e.code, e.name, table.name));
            }
        }
    }
    found
}

/// Why nothing matched, and what comes closest.
pub(super) fn no_match_note(text: &str, q: &Prepared, filtered: bool) -> String {
    if filtered {
        return format!("codes match '{text}', but none passes the filters");
    }
    let mut note = format!("no close code matches '{text}'");
    // A bundled table that is not loaded may know it.
    let mut in_bundled = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    for table in unloaded_bundled() {
        let candidates: Vec<Candidate<'_>> =
            table.codes.iter().map(Candidate::of_table_entry).collect();
        let (hits, partial) = rank(q, &candidates);
        if partial {
            continue;
        }
        for h in hits.iter().take(3) {
            if let Some(e) = table.codes.iter().find(|e| u32::from(e.code) == h.code) {
                in_bundled.push(format!("{} {} ({})", e.code, e.name, table.name));
                if !names.contains(&table.name.as_str()) {
                    names.push(&table.name);
                }
            }
        }
    }
    if !in_bundled.is_empty() {
        let load: Vec<String> = names.iter().map(|n| format!("--codes {n}")).collect();
        note.push_str(&format!(
            "; bundled code tables that are not loaded define {}: add {}",
            in_bundled.join(", "),
            load.join(" or ")
        ));
        return note;
    }
    let closest = closest_names(&q.squashed);
    if closest.is_empty() {
        note.push_str(
            "; try a code (1006), a name as a library prints it (StatusGoingAway) or a symptom (timeout), or `wscode-annotate lookup` for every code",
        );
    } else {
        note.push_str(&format!("; closest names: {}", closest.join(", ")));
    }
    note
}

/// Up to three names or aliases within a small edit distance of `squashed`.
pub(super) fn closest_names(squashed: &str) -> Vec<String> {
    if squashed.is_empty() {
        return Vec::new();
    }
    let limit = (squashed.chars().count() / 4).max(2);
    let mut names: Vec<(usize, String, u32)> = Vec::new();
    let mut consider = |name: &str, code: u32| {
        let s = squash(name);
        let d = edit_distance(squashed, &s);
        if d <= limit && !names.iter().any(|(_, n, _)| squash(n) == s) {
            names.push((d, name.to_string(), code));
        }
    };
    for d in codes::known_codes() {
        consider(d.entry.name, d.code);
    }
    for a in codes::aliases() {
        consider(a.name, u32::from(a.code));
    }
    names.sort_by(|a, b| a.0.cmp(&b.0).then(a.2.cmp(&b.2)));
    names
        .into_iter()
        .take(3)
        .map(|(_, n, c)| format!("{n} ({c})"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn best(query: &str) -> u32 {
        let q = prepare(query);
        let known = codes::known_codes();
        let candidates: Vec<Candidate<'static>> = known.iter().map(Candidate::of).collect();
        rank(&q, &candidates).0[0].code
    }

    #[test]
    fn searches_rank_the_expected_code_first() {
        assert_eq!(best("going away"), 1001);
        assert_eq!(best("GOING_AWAY"), 1001);
        assert_eq!(best("StatusGoingAway"), 1001);
        assert_eq!(best("load balancer"), 1006);
        assert_eq!(best("too large"), 1009);
        assert_eq!(best("auth"), 3000);
        assert_eq!(best("certificate expired"), 1015);
        assert_eq!(best("NO_CLOSE_FRAME"), 1006);
    }
}
