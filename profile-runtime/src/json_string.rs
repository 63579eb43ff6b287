//! JSON string literals, for the outputs that write JSON (the report and
//! the timeline's samples): a pure function.

use std::fmt::Write;

/// Appends `text` as a JSON string literal.
pub(crate) fn push_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::push_string;

    #[test]
    fn quotes_backslashes_and_control_characters_are_escaped() {
        let mut out = String::new();
        push_string(&mut out, "a \"b\" \\ c\n\td\u{1}");
        assert_eq!(out, "\"a \\\"b\\\" \\\\ c\\n\\td\\u0001\"");
    }
}
