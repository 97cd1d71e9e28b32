//! The summary's own unit tests: timelines, reasons, merging.
use super::*;

#[test]
fn timeline_coarsens_deterministically() {
    let mut a = Timeline::default();
    let mut b = Timeline::default();
    let mut whole = Timeline::default();
    for t in 0..10_000i64 {
        whole.add(t * 3, 1);
        if t % 2 == 0 {
            a.add(t * 3, 1);
        } else {
            b.add(t * 3, 1);
        }
    }
    a.merge(b);
    assert_eq!(a, whole);
    assert!(whole.buckets.len() <= MAX_BUCKETS);
    assert_eq!(whole.buckets.values().sum::<u64>(), 10_000);
}

#[test]
fn reasons_keep_every_frequent_one_in_any_order_within_the_bound() {
    let at = Location { input: 0, line: 1 };
    // Reasons that carry ids: 3000 distinct ones seen once, and a few
    // frequent ones arriving after and among them.
    let mut stream: Vec<String> = (0..3000).map(|i| format!("conn c-{i} reset")).collect();
    for k in 0..400 {
        stream.insert(1000 + k * 5, "unexpected EOF".to_string());
    }
    for k in 0..60 {
        stream.push(format!("idle timeout {}", k % 3));
    }
    let truth = |r: &str| stream.iter().filter(|s| *s == r).count() as u64;
    let n = stream.len() as u64;
    let bound = n / (MAX_REASONS as u64 + 1);
    let check = |stats: &CodeStats, what: &str| {
        assert!(stats.reasons.len() <= MAX_REASONS, "{what}");
        assert_eq!(
            stats.reasons.values().sum::<u64>() + stats.other_reasons,
            n,
            "{what}: counts add up"
        );
        for (reason, &kept) in &stats.reasons {
            let t = truth(reason);
            assert!(
                kept <= t && t - kept <= bound,
                "{what}: {reason} {kept} of {t}"
            );
        }
        let eof = stats.reasons.get("unexpected EOF").copied().unwrap_or(0);
        assert!(
            eof + bound >= 400,
            "{what}: the frequent reason is kept ({eof})"
        );
        assert_eq!(stats.top_reasons()[0].0, "unexpected EOF", "{what}");
    };
    let mut one = CodeStats::new(at);
    for r in &stream {
        one.add_reason(r);
    }
    check(&one, "one scan");
    let mut reversed = CodeStats::new(at);
    for r in stream.iter().rev() {
        reversed.add_reason(r);
    }
    check(&reversed, "reversed");
    // Split in parts, merged in either order.
    let mut parts: Vec<CodeStats> = (0..4).map(|_| CodeStats::new(at)).collect();
    for (i, r) in stream.iter().enumerate() {
        parts[i * 4 / stream.len()].add_reason(r);
    }
    let mut forward = CodeStats::new(at);
    for p in parts.iter().cloned() {
        forward.merge(p);
    }
    check(&forward, "merged");
    let mut backward = CodeStats::new(at);
    for p in parts.into_iter().rev() {
        backward.merge(p);
    }
    check(&backward, "merged backwards");
}

#[test]
fn reasons_are_exact_up_to_the_cap() {
    let at = Location { input: 0, line: 1 };
    let mut one = CodeStats::new(at);
    let mut parts = [CodeStats::new(at), CodeStats::new(at)];
    for i in 0..(MAX_REASONS as u64 * 3) {
        let reason = format!("reason {}", i % MAX_REASONS as u64);
        one.add_reason(&reason);
        parts[(i % 2) as usize].add_reason(&reason);
    }
    let [mut a, b] = parts;
    a.merge(b);
    assert_eq!(a.reasons, one.reasons);
    assert_eq!(one.other_reasons, 0);
    assert!(one.reasons.values().all(|&n| n == 3));
}
