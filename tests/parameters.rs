//! What a call frees when its by-value parameters drop shows on its closing
//! brace: plain, `mut`, destructured and `_` parameters, and `self`.

mod common;

use common::{closing, stats, Figures};
use memprof::capture;

memprof::install!();

const MIB: usize = 1 << 20;

#[memprof::profile]
fn consume(v: Vec<u8>) -> usize {
    v.len()
}

#[test]
fn a_by_value_vec_is_freed_on_the_closing_brace() {
    let v = vec![0u8; MIB];
    let (n, r) = capture(|| consume(v));
    assert_eq!(n, MIB);
    assert_eq!(
        Figures::of(closing(&r, "consume")),
        Figures {
            occurrences: 1,
            freed: MIB as u64,
            increment: -(MIB as i64),
            ..Figures::default()
        }
    );
    assert_eq!(
        Figures::of(stats(&r, "consume", "v.len()")),
        Figures {
            occurrences: 1,
            ..Figures::default()
        }
    );
}

#[memprof::profile]
fn patterns(mut a: Vec<u8>, (b, _n): (String, u32), _: Box<[u8; 100]>, r: &[u8]) -> usize {
    a.push(1);
    a.len() + b.len() + r.len()
}

#[test]
fn mut_destructured_and_unnamed_parameters_are_freed_there_too() {
    let a = Vec::with_capacity(1000);
    let b = String::with_capacity(300);
    let unnamed = Box::new([7u8; 100]);
    let kept = vec![0u8; 50];
    let (n, r) = capture(|| patterns(a, (b, 3), unnamed, &kept));
    assert_eq!(n, 51);
    // `a` (1,000 B), `b` (300 B) and the box (100 B) drop on the closing
    // brace; `kept` is only borrowed.
    assert_eq!(
        Figures::of(closing(&r, "patterns")),
        Figures {
            occurrences: 1,
            freed: 1400,
            increment: -1400,
            ..Figures::default()
        }
    );
}

struct Document {
    text: String,
}

impl Document {
    #[memprof::profile]
    fn into_len(self) -> usize {
        self.text.len()
    }

    #[memprof::profile]
    fn describe(self) -> String {
        format!("{} bytes: {self:?}", self.text.len())
    }

    // A box on purpose: what its receiver frees is the point.
    #[allow(clippy::boxed_local)]
    #[memprof::profile]
    fn boxed(self: Box<Self>) -> usize {
        let Document { text } = *self;
        text.len()
    }
}

impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Document")
    }
}

#[test]
fn self_by_value_is_freed_on_the_closing_brace() {
    let doc = Document {
        text: String::with_capacity(4096),
    };
    let (n, r) = capture(|| doc.into_len());
    assert_eq!(n, 0);
    assert_eq!(
        Figures::of(closing(&r, "into_len")),
        Figures {
            occurrences: 1,
            freed: 4096,
            increment: -4096,
            ..Figures::default()
        }
    );

    // A format string's `{self:?}` still reads the document.
    let doc = Document {
        text: String::with_capacity(2048),
    };
    let (text, r) = capture(|| doc.describe());
    assert_eq!(text, "0 bytes: Document");
    let close = closing(&r, "describe");
    assert_eq!((close.occurrences, close.freed), (1, 2048));

    // A boxed self, unpacked: the box (24 B) and the text both drop on the
    // closing brace.
    let doc = Box::new(Document {
        text: String::with_capacity(512),
    });
    let (n, r) = capture(|| doc.boxed());
    assert_eq!(n, 0);
    assert_eq!(
        Figures::of(stats(&r, "boxed", "let Document { text } = *self;")),
        Figures {
            occurrences: 1,
            ..Figures::default()
        }
    );
    assert_eq!(
        Figures::of(closing(&r, "boxed")),
        Figures {
            occurrences: 1,
            freed: 536,
            increment: -536,
            ..Figures::default()
        }
    );
}

#[memprof::profile]
async fn consume_later(v: Vec<u8>) -> usize {
    std::future::ready(()).await;
    v.len()
}

#[test]
fn an_async_fn_frees_its_parameters_on_its_closing_brace() {
    let v = vec![0u8; 3000];
    let (n, r) = capture(|| common::block_on(consume_later(v)));
    assert_eq!(n, 3000);
    let close = closing(&r, "consume_later");
    assert_eq!((close.occurrences, close.freed), (1, 3000));
}
