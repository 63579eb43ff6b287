// `#[memprof::profile]` stacked with attribute macros that rewrite the body,
// written above them and below them: tokio's main and test, tracing's
// instrument (sync and async), async-trait. Each compiles without a warning
// and runs; tests/stacked_attributes.rs checks their figures.
#![deny(warnings)]

use async_trait::async_trait;

memprof::install!();

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
async fn traced_async(n: usize) -> usize {
    let v = vec![0u8; n];
    v.len()
}

#[async_trait]
trait Store {
    async fn put(&self, n: usize) -> usize;
    async fn get(&self) -> usize;
}

struct Memory;

#[async_trait]
impl Store for Memory {
    #[memprof::profile]
    async fn put(&self, n: usize) -> usize {
        let v = vec![0u8; n];
        v.len()
    }

    async fn get(&self) -> usize {
        0
    }
}

struct Other;

#[memprof::profile]
#[async_trait]
impl Store for Other {
    async fn put(&self, n: usize) -> usize {
        let v = vec![0u8; n];
        v.len()
    }

    async fn get(&self) -> usize {
        1
    }
}

#[tokio::main(flavor = "current_thread")]
#[memprof::profile]
async fn main() {
    assert_eq!(traced_below(8), 8);
    assert_eq!(traced_above(8), 8);
    assert_eq!(traced_async(8).await, 8);
    assert_eq!(Memory.put(8).await + Memory.get().await, 8);
    assert_eq!(Other.put(8).await + Other.get().await, 9);
}

#[memprof::profile]
#[tokio::test]
async fn profiled_above_tokio_test() {
    assert_eq!(traced_async(4).await, 4);
}
