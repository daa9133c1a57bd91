//! Spec prose → text for doc comments that rustc accepts and rustdoc never runs.
//!
//! Every doc comment of the emitted crate passes through [`doc_text`]: lowering uses it on each
//! paragraph it takes from the spec, and emitting uses it again on the whole text of each doc
//! comment (it is idempotent), so no text reaches a doc comment without it.
//!
//! - Characters: a carriage return or another control character becomes a space, a tab four
//!   spaces (clippy's `tabs_in_doc_comments`), and the Unicode bidirectional controls that rustc
//!   rejects in comments (`text_direction_codepoint_in_comment`) are removed. Trailing spaces go.
//! - Code blocks: rustdoc runs every code block whose language is Rust or missing as a doctest.
//!   The spec's Markdown is read with pulldown-cmark, the parser rustdoc itself uses, so that the
//!   blocks found are the ones rustdoc would find, wherever they are (in a list, a quote, behind
//!   a fence of any length of backticks or tildes): each fence is marked `text`, each indented
//!   code block becomes a fenced `text` block, and a fence left open is closed.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag};
use std::ops::Range;

/// Text that is safe in a doc comment (see the module docs).
pub fn doc_text(text: &str) -> String {
    let text = characters(text);
    // Code needs a fence or four spaces of indentation; most descriptions have neither.
    if !text.contains("```") && !text.contains("~~~") && !text.contains("    ") {
        return text;
    }
    let mut text = text;
    for _ in 0..MAX_ROUNDS {
        let edits = code_block_edits(&text);
        if edits.is_empty() {
            return text;
        }
        for (range, replacement) in edits.into_iter().rev() {
            // Every range is on character boundaries; one that were not would be skipped.
            if text.get(range.clone()).is_some() {
                text.replace_range(range, &replacement);
            }
        }
    }
    if code_block_edits(&text).is_empty() { text } else { all_text(&text) }
}

/// Rounds of editing before the text is given up on and shown whole as a `text` block. One is
/// enough for the Markdown of real specs; an edit can change how the text around it reads.
const MAX_ROUNDS: usize = 4;

/// Unicode bidirectional controls: rustc rejects them in comments and literals, since they can
/// make code read differently from how it compiles.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

fn characters(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let start = out.len();
        for c in line.chars() {
            match c {
                '\t' => out.push_str("    "),
                c if is_bidi_control(c) => {}
                c if c.is_control() => out.push(' '),
                c => out.push(c),
            }
        }
        out.truncate(start + out[start..].trim_end().len());
        out.push('\n');
    }
    out.pop();
    out
}

/// The options rustdoc reads Markdown with.
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
}

/// The edits, in order and not overlapping, that make every code block of `text` a `text` block.
fn code_block_edits(text: &str) -> Vec<(Range<usize>, String)> {
    let mut edits = Vec::new();
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        let Event::Start(Tag::CodeBlock(kind)) = event else { continue };
        let line_start = text.get(..range.start).and_then(|before| before.rfind('\n')).map_or(0, |at| at + 1);
        let prefix = text.get(line_start..range.start).unwrap_or_default();
        match kind {
            CodeBlockKind::Fenced(info) => fenced(text, range, prefix, info.trim() == "text", &mut edits),
            CodeBlockKind::Indented => indented(text, line_start..range.end, prefix, &mut edits),
        }
    }
    edits
}

/// Marks a fenced block `text` and closes it when it runs to the end of the text unclosed.
fn fenced(text: &str, range: Range<usize>, prefix: &str, is_text: bool, edits: &mut Vec<(Range<usize>, String)>) {
    let block = text.get(range.clone()).unwrap_or_default();
    let indent = block.len() - block.trim_start_matches(' ').len();
    let fence_char = match block.trim_start_matches(' ').chars().next() {
        Some(c @ ('`' | '~')) => c,
        // Not where a fence starts: nothing to mark.
        _ => return,
    };
    let fence_len = block.get(indent..).unwrap_or_default().chars().take_while(|c| *c == fence_char).count();
    let fence = fence_char.to_string().repeat(fence_len);
    let first_line_end = block.find('\n').unwrap_or(block.len());
    if !is_text {
        edits.push((range.start + indent + fence_len..range.start + first_line_end, "text".to_owned()));
    }
    // The closing fence, after the markers of the quotes the block is in.
    let last_line = block.trim_end_matches('\n').rsplit('\n').next().unwrap_or_default();
    let last_line = last_line.trim_start_matches(['>', ' ']).trim_end();
    let closed = first_line_end < block.trim_end_matches('\n').len()
        && last_line.len() >= fence_len
        && last_line.chars().all(|c| c == fence_char);
    if !closed && text.get(range.end..).unwrap_or_default().trim().is_empty() {
        let container = container_of(prefix);
        let newline = if block.ends_with('\n') { "" } else { "\n" };
        edits.push((text.len()..text.len(), format!("{newline}{container}{}{fence}", " ".repeat(indent))));
    }
}

/// Turns an indented code block (lines `range` of the text, each after `prefix`: the containers'
/// markers and four spaces) into a fenced `text` block with the same content.
fn indented(text: &str, range: Range<usize>, prefix: &str, edits: &mut Vec<(Range<usize>, String)>) {
    let container = prefix.strip_suffix("    ").map_or_else(|| container_of(prefix), str::to_owned);
    let block = text.get(range.clone()).unwrap_or_default();
    let mut fenced = format!("{container}```text\n");
    for line in block.lines() {
        match line.strip_prefix(prefix) {
            Some(code) => fenced.push_str(&format!("{container}{code}\n")),
            None => fenced.push_str(&format!("{line}\n")),
        }
    }
    fenced.push_str(&format!("{container}```"));
    if block.ends_with('\n') {
        fenced.push('\n');
    }
    edits.push((range, fenced));
}

/// The markers of the containers a line is in (`> ` for a quote), with list markers and other
/// text turned into spaces: what a continuation line of the same containers starts with.
fn container_of(prefix: &str) -> String {
    prefix.chars().map(|c| if c == '>' { '>' } else { ' ' }).collect()
}

/// The whole text as one `text` block, behind a fence longer than any run of backticks in it.
fn all_text(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    format!("{fence}text\n{text}\n{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether rustdoc would run a code block of `text` as a doctest.
    fn has_doctest(text: &str) -> bool {
        Parser::new_ext(text, options()).any(|event| match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) => true,
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => info.trim() != "text",
            _ => false,
        })
    }

    #[test]
    fn characters_rustc_rejects_are_replaced() {
        assert_eq!(doc_text("a\r\nb\rc\u{7}d"), "a\nb c d");
        assert_eq!(doc_text("safe\u{202E}txt.exe\u{2066}x\u{2069}"), "safetxt.exex");
        assert_eq!(doc_text("col\tumn  \nnext"), "col    umn\nnext");
    }

    #[test]
    fn fences_become_text_blocks() {
        let table = [
            ("a\n```\nlet x;\n```", "a\n```text\nlet x;\n```"),
            ("```rust\nfn main() {}\n```", "```text\nfn main() {}\n```"),
            ("~~~ rust,ignore\nx\n~~~", "~~~text\nx\n~~~"),
            ("````\n```\ninner\n````", "````text\n```\ninner\n````"),
            ("```json\n{}", "```text\n{}\n```"),
            ("  ```\n  x\n  ```", "  ```text\n  x\n  ```"),
            ("- item\n  ```\n  x\n  ```", "- item\n  ```text\n  x\n  ```"),
            ("> ```rust\n> x\n> ```", "> ```text\n> x\n> ```"),
            ("```text\nalready\n```", "```text\nalready\n```"),
            ("inline ```code``` stays", "inline ```code``` stays"),
        ];
        for (input, expected) in table {
            assert_eq!(doc_text(input), expected, "{input:?}");
            assert!(!has_doctest(&doc_text(input)), "{input:?}");
        }
    }

    #[test]
    fn indented_code_becomes_a_text_block() {
        assert_eq!(doc_text("a\n\n    let x = 1;\n      y\n\nb"), "a\n\n```text\nlet x = 1;\n  y\n```\n\nb");
        assert_eq!(doc_text("    only code"), "```text\nonly code\n```");
        assert_eq!(doc_text("- item\n\n      code\n"), "- item\n\n  ```text\n  code\n  ```\n");
        assert_eq!(doc_text("> quote\n>\n>     code"), "> quote\n>\n> ```text\n> code\n> ```");
        // Indentation that continues a paragraph is not code.
        assert_eq!(doc_text("a\n    b"), "a\n    b");
    }

    /// Texts made of pieces of Markdown syntax, in every order a small generator finds.
    #[test]
    fn generated_markdown_never_holds_a_doctest() {
        const PIECES: &[&str] = &[
            "```", "~~~", "`", "~", " ", "    ", "\t", "\n", "\n\n", "> ", "- ", "1. ", "[^a]: ", "rust", "x", "é", "|",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let length = next() % 24;
            let text: String = (0..length)
                .map(|_| PIECES.get(usize::try_from(next() % PIECES.len() as u64).unwrap_or(0)).copied().unwrap_or(""))
                .collect();
            let output = doc_text(&text);
            assert!(!has_doctest(&output), "{text:?} became {output:?}");
        }
    }

    #[test]
    fn no_text_ever_holds_a_doctest() {
        let nasty = [
            "```",
            "~~~~~\n~~~\n```rust\nx",
            "- ```rust\n  x",
            "1. a\n\n       code\n2. ```\n   y",
            "> > ```\n> > x",
            "\t\tcode after tabs",
            "[^1]: note\n\n    ```rust\n    x\n    ```",
            "text\n\n    ```\n    x\n\n```rust\ny\n```",
            "```\n````\n```",
        ];
        for input in nasty {
            let output = doc_text(input);
            assert!(!has_doctest(&output), "{input:?} became {output:?}");
            assert_eq!(doc_text(&output), output, "idempotent on {input:?}");
        }
    }
}
