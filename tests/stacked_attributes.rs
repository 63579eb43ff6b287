//! `#[memprof::profile]` stacked with attribute macros that rewrite the
//! body (tokio's main and test, tracing's instrument, async-trait), above
//! them and below them: the full per-line table either way.

// These tests allocate on purpose: `vec!` is the point, not an array.
#![allow(clippy::useless_vec)]

mod common;

use common::{closing, stats, Figures};
use memprof::capture;

memprof::install!();

fn allocated(bytes: u64) -> Figures {
    Figures {
        occurrences: 1,
        allocs: 1,
        allocated: bytes,
        increment: bytes as i64,
        peak: bytes,
        ..Figures::default()
    }
}

fn freed(bytes: u64) -> Figures {
    Figures {
        occurrences: 1,
        freed: bytes,
        increment: -(bytes as i64),
        ..Figures::default()
    }
}

#[tokio::main(flavor = "current_thread")]
#[memprof::profile]
async fn main_below() -> usize {
    let v = vec![0u8; 1000];
    common::yield_once::yield_once().await;
    v.len()
}

#[memprof::profile]
#[tokio::main(flavor = "current_thread")]
async fn main_above() -> usize {
    let v = vec![0u8; 1001];
    common::yield_once::yield_once().await;
    v.len()
}

#[test]
fn tokio_main_either_order() {
    for (name, bytes) in [("main_below", 1000), ("main_above", 1001)] {
        let (n, r) = capture(|| match name {
            "main_below" => main_below(),
            _ => main_above(),
        });
        assert_eq!(n, bytes as usize);
        assert_eq!(
            Figures::of(stats(&r, name, "let v = vec!")),
            allocated(bytes),
            "{name}"
        );
        assert_eq!(
            Figures::of(stats(&r, name, "yield_once().await")),
            Figures {
                occurrences: 1,
                ..Figures::default()
            },
            "{name}"
        );
        assert_eq!(Figures::of(closing(&r, name)), freed(bytes), "{name}");
    }
}

#[tokio::test]
#[memprof::profile]
async fn tokio_test_below() {
    let v = vec![0u8; 1002];
    common::yield_once::yield_once().await;
    assert_eq!(v.len(), 1002);
    // The call is still running: its lines so far are in the report.
    let r = memprof::report();
    assert_eq!(
        Figures::of(stats(&r, "tokio_test_below", "let v = vec!")),
        allocated(1002)
    );
}

#[tracing::instrument]
#[memprof::profile]
fn traced_below(n: usize) -> usize {
    let v = vec![0u8; n];
    v.len()
}

#[memprof::profile]
#[tracing::instrument]
fn traced_above(n: usize) -> usize {
    let v = vec![0u8; n];
    v.len()
}

#[tracing::instrument]
#[memprof::profile]
async fn traced_async_below(n: usize) -> usize {
    let v = vec![0u8; n];
    common::yield_once::yield_once().await;
    v.len()
}

#[test]
fn tracing_instrument_either_order_sync_and_async() {
    let (_, r) = capture(|| {
        traced_below(100);
        traced_above(200);
        common::block_on(traced_async_below(300));
    });
    for (name, bytes) in [
        ("traced_below", 100),
        ("traced_above", 200),
        ("traced_async_below", 300),
    ] {
        let f = r.function(name).unwrap();
        let lines = if name == "traced_async_below" { 5 } else { 4 };
        assert_eq!(f.lines.len(), lines, "{name}: every line of the function");
        assert_eq!(
            Figures::of(stats(&r, name, "let v = vec!")),
            allocated(bytes),
            "{name}"
        );
        assert_eq!(Figures::of(closing(&r, name)), freed(bytes), "{name}");
    }
}

#[async_trait::async_trait]
trait Store {
    async fn load(&self, n: usize) -> usize;
    async fn load_more(&self, n: usize) -> usize;
}

struct Memory;

#[async_trait::async_trait]
impl Store for Memory {
    #[memprof::profile]
    async fn load(&self, n: usize) -> usize {
        let v = vec![0u8; n];
        common::yield_once::yield_once().await;
        v.len()
    }

    async fn load_more(&self, n: usize) -> usize {
        self.load(n).await
    }
}

struct Disk;

#[memprof::profile]
#[async_trait::async_trait]
impl Store for Disk {
    async fn load(&self, n: usize) -> usize {
        let v = vec![0u8; n];
        common::yield_once::yield_once().await;
        v.len()
    }

    async fn load_more(&self, n: usize) -> usize {
        self.load(n).await
    }
}

#[test]
fn async_trait_either_order() {
    let (n, r) =
        capture(|| common::block_on(Memory.load_more(400)) + common::block_on(Disk.load(500)));
    assert_eq!(n, 900);
    for (name, bytes) in [
        ("<Memory as Store>::load", 400),
        ("<Disk as Store>::load", 500),
    ] {
        assert_eq!(
            Figures::of(stats(&r, name, "let v = vec!")),
            allocated(bytes),
            "{name}"
        );
        assert_eq!(Figures::of(closing(&r, name)), freed(bytes), "{name}");
    }
}
