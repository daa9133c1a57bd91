//! Arbitrary bytes, read as (lossy) UTF-8, fed to `generator::generate`: whatever the text, the
//! generator must return `Ok` or `Err`, never panic (or overflow its stack, or hang).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Valid UTF-8 is used as is; anything else loses its invalid sequences to U+FFFD, so that
    // byte-level mutations of the YAML fixtures in the corpus still reach the parser.
    let text = String::from_utf8_lossy(data);
    let _ = generator::generate(&text, "spec/fuzz.yaml");
});
