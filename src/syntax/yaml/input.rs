//! granit-parser's `&str` input with comments skipped a line at a time.
//!
//! Configuration files are mostly comments: 71% of the YAML bytes of the real published
//! configurations in `tests/corpus` (Helm charts' `values.yaml` above all), two thirds of
//! the generated benchmark trees'. granit's `StrInput` skips a
//! comment's text one `char` at a time (`char_indices`, then a printable check on each), which
//! made that skip a fifth of all of camguard's instructions. This input hands every call to
//! `StrInput` except that one, which it answers by scanning bytes.
//!
//! The contract is the trait's, as `StrInput` keeps it: `skip_while_non_breakz` consumes
//! characters up to, not including, the first line break, NUL or non-printable character
//! (YAML's `c-printable`), and counts characters, not bytes. The tests check the run against
//! `StrInput`'s loop, and the parser over this input against the parser over `StrInput`,
//! event for event and span for span, on real files and on random, hostile text.

use granit_parser::input::{SkipTabs, WhitespaceResult};
use granit_parser::{BorrowedInput, ErrorKind, Input, StrInput};

pub(super) struct CommentSkippingInput<'a> {
    /// The whole text; byte offsets are into it.
    text: &'a str,
    /// Where `inner`'s text starts in `text`: `inner` is rebuilt over the rest of the text
    /// after each comment, which is how it moves over one without a character at a time.
    base: usize,
    inner: StrInput<'a>,
}

impl<'a> CommentSkippingInput<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        CommentSkippingInput {
            text,
            base: 0,
            inner: StrInput::new(text),
        }
    }

    fn offset(&self) -> usize {
        // `StrInput` always knows its offset: where its remaining text starts.
        self.base + self.inner.byte_offset().unwrap_or(0)
    }

    /// Move on to byte `to` of the text (at or after the current offset, on a character
    /// boundary).
    fn move_to(&mut self, to: usize) {
        if to == self.offset() {
            return;
        }
        // A `StrInput` over the rest of the text is this one moved on, but for its offsets,
        // which `base` corrects. The lookahead count is carried over so that `buflen` keeps
        // the trait's contract (`StrInput` itself does not depend on it).
        let lookahead = self.inner.buflen();
        self.base = to;
        self.inner = StrInput::new(&self.text[to..]);
        self.inner.lookahead(lookahead);
    }
}

/// The bytes and characters of the longest run at the start of `rest` with no line break,
/// NUL or non-printable character: what granit's `skip_while_non_breakz` consumes.
fn printable_run(rest: &str) -> (usize, usize) {
    let bytes = rest.as_bytes();
    let mut end = 0;
    let mut chars = 0;
    loop {
        let plain = plain_ascii_prefix(&bytes[end..]);
        end += plain;
        chars += plain;
        match bytes.get(end) {
            Some(b'\t') => end += 1,
            Some(&b) if b >= 0x80 => match rest[end..].chars().next() {
                Some(c) if is_printable(c) => end += c.len_utf8(),
                _ => break,
            },
            // A line break, NUL, another control character, DEL or the end.
            _ => break,
        }
        chars += 1;
    }
    (end, chars)
}

/// The length of the run of U+0020..=U+007E at the start of `bytes`, eight bytes at a time.
fn plain_ascii_prefix(bytes: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = 0;
    while let Some(word) = bytes.get(i..i + 8) {
        let w = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        // Non-zero exactly when a byte is below 0x20 (`hasless`), equal to 0x7F (a zero
        // byte of `w ^ 0x7F..`) or above 0x7F (its high bit).
        let below_space = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
        let del = w ^ (ONES * 0x7f);
        let is_del = del.wrapping_sub(ONES) & !del & HIGH;
        if (w & HIGH) | below_space | is_del != 0 {
            break;
        }
        i += 8;
    }
    i + bytes[i..]
        .iter()
        .take_while(|&&b| matches!(b, 0x20..=0x7e))
        .count()
}

/// YAML 1.2's `c-printable`, as granit-parser defines it (`char_traits::is_printable`, which
/// the crate does not export).
fn is_printable(c: char) -> bool {
    matches!(
        c as u32,
        0x0009
            | 0x000A
            | 0x000D
            | 0x0020..=0x007E
            | 0x0085
            | 0x00A0..=0xD7FF
            | 0xE000..=0xFFFD
            | 0x10000..=0x0010_FFFF
    )
}

impl Input for CommentSkippingInput<'_> {
    fn skip_while_non_breakz(&mut self) -> usize {
        let at = self.offset();
        let (end, chars) = printable_run(&self.text[at..]);
        self.move_to(at + end);
        chars
    }

    // Everything else is `StrInput`'s, including the methods it overrides for speed.
    #[inline]
    fn lookahead(&mut self, count: usize) {
        self.inner.lookahead(count)
    }
    #[inline]
    fn buflen(&self) -> usize {
        self.inner.buflen()
    }
    #[inline]
    fn bufmaxlen(&self) -> usize {
        self.inner.bufmaxlen()
    }
    #[inline]
    fn buf_is_empty(&self) -> bool {
        self.inner.buf_is_empty()
    }
    #[inline]
    fn raw_read_ch(&mut self) -> char {
        self.inner.raw_read_ch()
    }
    #[inline]
    fn raw_read_non_breakz_ch(&mut self) -> Option<char> {
        self.inner.raw_read_non_breakz_ch()
    }
    #[inline]
    fn skip(&mut self) {
        self.inner.skip()
    }
    #[inline]
    fn skip_n(&mut self, count: usize) {
        self.inner.skip_n(count)
    }
    #[inline]
    fn peek(&self) -> char {
        self.inner.peek()
    }
    #[inline]
    fn peek_nth(&self, n: usize) -> char {
        self.inner.peek_nth(n)
    }
    #[inline]
    fn byte_offset(&self) -> Option<usize> {
        Some(self.offset())
    }
    #[inline]
    fn slice_bytes(&self, start: usize, end: usize) -> Option<&str> {
        self.text.get(start..end)
    }
    #[inline]
    fn may_contain_comments(&self) -> bool {
        self.text.as_bytes().contains(&b'#')
    }
    #[inline]
    fn take_source_error(&mut self) -> Option<ErrorKind> {
        self.inner.take_source_error()
    }
    #[inline]
    fn look_ch(&mut self) -> char {
        self.inner.look_ch()
    }
    #[inline]
    fn next_char_is(&self, c: char) -> bool {
        self.inner.next_char_is(c)
    }
    #[inline]
    fn nth_char_is(&self, n: usize, c: char) -> bool {
        self.inner.nth_char_is(n, c)
    }
    #[inline]
    fn next_2_are(&self, c1: char, c2: char) -> bool {
        self.inner.next_2_are(c1, c2)
    }
    #[inline]
    fn next_3_are(&self, c1: char, c2: char, c3: char) -> bool {
        self.inner.next_3_are(c1, c2, c3)
    }
    #[inline]
    fn next_is_document_indicator(&self) -> bool {
        self.inner.next_is_document_indicator()
    }
    #[inline]
    fn next_is_document_start(&self) -> bool {
        self.inner.next_is_document_start()
    }
    #[inline]
    fn next_is_document_end(&self) -> bool {
        self.inner.next_is_document_end()
    }
    #[inline]
    fn skip_ws_to_eol(
        &mut self,
        skip_tabs: SkipTabs,
    ) -> (usize, Result<WhitespaceResult, ErrorKind>) {
        // (its comment branch never runs: granit calls it only when the text has no `#`
        // or comments are emitted, and crosses comments itself otherwise)
        self.inner.skip_ws_to_eol(skip_tabs)
    }
    #[inline]
    fn skip_ws_to_eol_blanks(&mut self, skip_tabs: SkipTabs) -> (usize, WhitespaceResult) {
        self.inner.skip_ws_to_eol_blanks(skip_tabs)
    }
    #[inline]
    fn next_can_be_plain_scalar(&self, in_flow: bool) -> bool {
        self.inner.next_can_be_plain_scalar(in_flow)
    }
    #[inline]
    fn next_is_blank_or_break(&self) -> bool {
        self.inner.next_is_blank_or_break()
    }
    #[inline]
    fn next_is_blank_or_breakz(&self) -> bool {
        self.inner.next_is_blank_or_breakz()
    }
    #[inline]
    fn next_is_blank(&self) -> bool {
        self.inner.next_is_blank()
    }
    #[inline]
    fn next_is_break(&self) -> bool {
        self.inner.next_is_break()
    }
    #[inline]
    fn next_is_breakz(&self) -> bool {
        self.inner.next_is_breakz()
    }
    #[inline]
    fn next_is_z(&self) -> bool {
        self.inner.next_is_z()
    }
    #[inline]
    fn next_is_flow(&self) -> bool {
        self.inner.next_is_flow()
    }
    #[inline]
    fn next_is_digit(&self) -> bool {
        self.inner.next_is_digit()
    }
    #[inline]
    fn next_is_alpha(&self) -> bool {
        self.inner.next_is_alpha()
    }
    #[inline]
    fn skip_while_blank(&mut self) -> usize {
        self.inner.skip_while_blank()
    }
    #[inline]
    fn fetch_while_is_alpha(&mut self, out: &mut String) -> usize {
        self.inner.fetch_while_is_alpha(out)
    }
    #[inline]
    fn fetch_while_is_yaml_non_space(&mut self, out: &mut String) -> usize {
        self.inner.fetch_while_is_yaml_non_space(out)
    }
    #[inline]
    fn fetch_block_scalar_line(&mut self, out: &mut String) -> usize {
        self.inner.fetch_block_scalar_line(out)
    }
    #[inline]
    fn take_quoted_scalar_ascii_chunk(&mut self, single: bool) -> &str {
        self.inner.take_quoted_scalar_ascii_chunk(single)
    }
    #[inline]
    fn take_quoted_scalar_chunk(&mut self, single: bool) -> (&str, usize) {
        self.inner.take_quoted_scalar_chunk(single)
    }
    #[inline]
    fn fetch_plain_scalar_chunk(
        &mut self,
        out: &mut String,
        count: usize,
        flow_level_gt_0: bool,
    ) -> (bool, usize) {
        self.inner
            .fetch_plain_scalar_chunk(out, count, flow_level_gt_0)
    }
    #[inline]
    fn skip_plain_scalar_chunk(&mut self, count: usize, flow_level_gt_0: bool) -> (bool, usize) {
        self.inner.skip_plain_scalar_chunk(count, flow_level_gt_0)
    }
}

impl<'a> BorrowedInput<'a> for CommentSkippingInput<'a> {
    #[inline]
    fn slice_borrowed(&self, start: usize, end: usize) -> Option<&'a str> {
        self.text.get(start..end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use granit_parser::{Options, Parser};
    use proptest::prelude::*;

    /// granit-parser 2.2's `StrInput::skip_while_non_breakz`, on a `&str`.
    fn char_loop(rest: &str) -> (usize, usize) {
        let (mut end, mut chars) = (0, 0);
        for (i, c) in rest.char_indices() {
            if matches!(c, '\n' | '\r' | '\0') || !is_printable(c) {
                break;
            }
            end = i + c.len_utf8();
            chars += 1;
        }
        (end, chars)
    }

    /// Every event and error, with its span, as granit reports it.
    fn stream<'a, T: BorrowedInput<'a>>(parser: Parser<'a, T>) -> Vec<String> {
        parser.map(|item| format!("{item:?}")).collect()
    }

    fn parsed_both_ways(text: &str, comments: bool) -> (Vec<String>, Vec<String>) {
        let mut options = Options::default();
        options.emit_comments = comments;
        let ours = stream(Parser::with_options(
            CommentSkippingInput::new(text),
            options.clone(),
        ));
        let granit = stream(Parser::with_options(StrInput::new(text), options));
        (ours, granit)
    }

    #[test]
    fn the_ascii_prefix_stops_at_every_byte_outside_space_to_tilde() {
        for byte in 0..=255u8 {
            for at in 0..20 {
                let mut bytes = [b'a'; 20];
                bytes[at] = byte;
                let want = if matches!(byte, 0x20..=0x7e) { 20 } else { at };
                assert_eq!(plain_ascii_prefix(&bytes), want, "byte {byte:#x} at {at}");
            }
        }
    }

    #[test]
    fn skips_as_granit_does_on_real_files() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut seen = 0;
        for dir in ["fixtures", "tests/corpus", "fuzz/regressions"] {
            for entry in ignore::WalkBuilder::new(root.join(dir)).build().flatten() {
                let Ok(text) = std::fs::read_to_string(entry.path()) else {
                    continue;
                };
                for comments in [false, true] {
                    let (ours, granit) = parsed_both_ways(&text, comments);
                    assert_eq!(ours, granit, "{}", entry.path().display());
                }
                seen += 1;
            }
        }
        assert!(seen > 500, "{seen}");
    }

    proptest! {
        #[test]
        fn printable_run_is_granits_char_loop(
            text in "(a|~| |\t|#|\n|\r|\0|\x01|\x1f|\x7f|\u{80}|\u{85}|\u{a0}|é|\u{2028}|\u{feff}|\u{fffe}|\u{ffff}|😀)*"
        ) {
            prop_assert_eq!(printable_run(&text), char_loop(&text));
        }

        #[test]
        fn skips_as_granit_does(
            text in "([a-z]{1,9}|: |- |#|# [a-z é\t]{0,40}|\n|\r\n|\r|  |\t|\\[|\\]|\\{|\\}|, |\\||>|&a|\\*a|'|\"|---|\\.\\.\\.|\0|\x07|\x7f|\u{85}|\u{2028}|\u{fffe}|é|😀)*",
            comments in any::<bool>(),
        ) {
            let (ours, granit) = parsed_both_ways(&text, comments);
            prop_assert_eq!(ours, granit);
        }
    }
}
