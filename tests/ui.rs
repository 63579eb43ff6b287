//! Macro expansion: shapes that must compile and run unchanged (`ui/pass`),
//! and misuse that must be one clean, spanned error (`ui/fail`).

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
