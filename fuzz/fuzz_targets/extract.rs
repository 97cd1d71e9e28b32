//! Extraction on arbitrary bytes: never panics, one finding per code,
//! codes of at most 5 digits, and a number outside 1000-4999 only ever in
//! category `invalid`. Also with a user `--pattern`.

#![no_main]

use std::collections::HashSet;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use wscode_annotate::codes::Category;
use wscode_annotate::extract::Extractor;

fn extractors() -> &'static [Extractor] {
    static E: OnceLock<Vec<Extractor>> = OnceLock::new();
    E.get_or_init(|| {
        vec![
            Extractor::new(&[]).unwrap(),
            Extractor::new(&[r"gw-close=(?P<code>-?\d+)(?: why=(?P<reason>\S*))?".into()]).unwrap(),
        ]
    })
}

fuzz_target!(|data: &[u8]| {
    for extractor in extractors() {
        let mut found = Vec::new();
        extractor.extract(data, &mut found);
        let mut codes = HashSet::new();
        for f in &found {
            assert!(codes.insert(f.code), "one finding per code: {found:?}");
            assert!(f.code <= 99_999, "{f:?}");
            if !(1000..=4999).contains(&f.code) {
                assert_eq!(f.category(), Category::Invalid, "{f:?}");
            }
            assert!(
                f.span.start <= f.span.end && f.span.end <= data.len(),
                "{f:?}"
            );
            if let Some(r) = &f.reason {
                assert!(r.start <= r.end && r.end <= data.len(), "{f:?}");
            }
        }
        // Findings come in order of position.
        assert!(found.windows(2).all(|w| w[0].span.start <= w[1].span.start));
        // The prefilter never rules out a line that has a code.
        if !found.is_empty() {
            assert!(extractor.next_candidate(data, 0).is_some());
        }
    }
});
