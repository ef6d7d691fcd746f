//! Showing untrusted text. Every string that came from AWS or from a user's file is data:
//! before it reaches a terminal, a PDF or a CSV cell it is made safe to *display* — control
//! characters (which a terminal obeys: colours, titles, clipboard writes, clearing the
//! screen) are replaced, and the invisible characters that reorder or hide text (bidi
//! controls, zero-width characters) are shown as what they are, so that `U+202E` + digits
//! cannot pass for another account id. What is stored is never changed.

use std::borrow::Cow;

/// Bidi controls: embeddings, overrides, isolates and marks.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Characters that take no room: zero-width space, joiners, word joiner, BOM.
fn is_zero_width(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

/// Whether `c` is one [`display`] changes (a newline and a tab are kept when `multiline`).
fn is_unsafe(c: char, multiline: bool) -> bool {
    (c.is_control() && !(multiline && (c == '\n' || c == '\t'))) || is_bidi_control(c) || is_zero_width(c)
}

/// `s` made safe to display on one line: every control character becomes a space, and each
/// bidi control or zero-width character is shown as its code point (`<U+202E>`).
pub fn display(s: &str) -> Cow<'_, str> {
    render(s, false)
}

/// As [`display`], keeping newlines and tabs (error messages over several lines).
pub fn display_lines(s: &str) -> Cow<'_, str> {
    render(s, true)
}

fn render(s: &str, multiline: bool) -> Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe(c, multiline)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !is_unsafe(c, multiline) {
            out.push(c);
        } else if c.is_control() {
            out.push(' ');
        } else {
            out.push_str(&format!("<U+{:04X}>", c as u32));
        }
    }
    Cow::Owned(out)
}

/// Every string in `v` made safe to display (newlines kept) and clipped to
/// [`crate::limits::REPORT_STRING_CHARS`] characters, ending in "…": what a report template
/// receives, so the PDF shows each invisible character for what it is, and a string stored
/// before the import limits (a 4 MB title) cannot make a report take minutes.
pub fn display_json(v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::String(s) => {
            let s = clip(s, crate::limits::REPORT_STRING_CHARS);
            match display_lines(&s) {
                Cow::Borrowed(_) => Value::String(s),
                Cow::Owned(t) => Value::String(t),
            }
        }
        Value::Array(a) => Value::Array(a.into_iter().map(display_json).collect()),
        Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, display_json(v))).collect()),
        other => other,
    }
}

/// `s` cut to its first `max` characters followed by "…" when it has more; unchanged
/// otherwise. The cut falls between characters, never inside one.
pub fn clip(mut s: String, max: usize) -> String {
    if s.len() <= max {
        return s;
    }
    if let Some((at, _)) = s.char_indices().nth(max) {
        s.truncate(at);
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_become_spaces_and_invisible_characters_show() {
        assert_eq!(display("plain"), "plain");
        assert!(matches!(display("plain"), Cow::Borrowed(_)));
        // OSC 52 (clipboard write), BEL, clear screen, C1 CSI.
        assert_eq!(display("a\u{1b}]52;c;ZXZpbA==\u{7}b"), "a ]52;c;ZXZpbA== b");
        assert_eq!(display("x\u{1b}[2Jy\u{9b}z"), "x [2Jy z");
        assert_eq!(display("\u{202E}1234"), "<U+202E>1234");
        assert_eq!(display("ab\u{200B}cd\u{FEFF}"), "ab<U+200B>cd<U+FEFF>");
        assert_eq!(display("one\ntwo"), "one two");
        assert_eq!(display_lines("one\ntwo\t\u{1b}[0m"), "one\ntwo\t [0m");
    }

    #[test]
    fn clip_cuts_between_characters_and_marks_the_cut() {
        assert_eq!(clip("short".into(), 5), "short");
        assert_eq!(clip("abcdef".into(), 3), "abc…");
        // Multi-byte characters count as one each; the cut never splits one.
        assert_eq!(clip("éééé".into(), 4), "éééé");
        assert_eq!(clip("éééééé".into(), 4), "éééé…");
        assert_eq!(clip("€€€".into(), 3), "€€€");
    }

    #[test]
    fn a_4_mb_title_reaches_a_report_clipped_and_still_made_safe() {
        let max = crate::limits::REPORT_STRING_CHARS;
        let title = format!("\u{202E}{}", "x".repeat(4 * 1024 * 1024));
        let model = serde_json::json!({"findings": [{"title": title, "severity": 3}], "name": "ok"});
        let shown = display_json(model);
        let t = shown["findings"][0]["title"].as_str().expect("a string");
        assert!(t.starts_with("<U+202E>xxx"), "{}", &t[..20]);
        assert!(t.ends_with('…'));
        // The clip counts the stored characters; the bidi control then shows as 8.
        assert_eq!(t.chars().count(), max + 1 + "<U+202E>".len() - 1);
        assert_eq!(shown["findings"][0]["severity"], 3);
        assert_eq!(shown["name"], "ok");
        // A string at the limit is left whole.
        let whole = "y".repeat(max);
        assert_eq!(display_json(serde_json::json!(whole.clone())), serde_json::json!(whole));
    }
}
