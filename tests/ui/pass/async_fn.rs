// `async fn` shapes: `?` and `Box<dyn>` returns infer through the wrapper,
// `impl Trait` returns, methods, generics, and the future stays `Send`.
#![deny(warnings)]

use std::fmt::Display;
use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

memprof::install!();

#[memprof::profile]
async fn fetch() -> u32 {
    1
}

#[memprof::profile]
async fn parse(text: &str) -> Result<u32, std::num::ParseIntError> {
    let n: u32 = text.trim().parse()?;
    Ok(n + fetch().await)
}

#[memprof::profile]
async fn boxed(flag: bool) -> Box<dyn Display + Send> {
    if flag {
        return Box::new(1u8);
    }
    Box::new("two")
}

#[memprof::profile]
async fn shown(value: u32) -> impl Display {
    value * 2
}

#[memprof::profile]
async fn generic<T: Clone + Send>(items: &[T]) -> Vec<T> {
    let mut out = Vec::new();
    for item in items {
        out.push(item.clone());
    }
    out
}

struct Store {
    values: Vec<u32>,
}

impl Store {
    #[memprof::profile]
    async fn sum(&self) -> u32 {
        let mut total = 0;
        for v in &self.values {
            total += v;
        }
        total
    }
}

fn assert_send<T: Send>(t: T) -> T {
    t
}

struct Noop;

impl Wake for Noop {
    fn wake(self: Arc<Self>) {}
}

fn block_on<F: Future>(future: F) -> F::Output {
    let waker = Waker::from(Arc::new(Noop));
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

fn main() {
    assert_eq!(block_on(assert_send(parse(" 41 "))), Ok(42));
    assert!(block_on(parse("x")).is_err());
    assert_eq!(block_on(boxed(true)).to_string(), "1");
    assert_eq!(block_on(boxed(false)).to_string(), "two");
    assert_eq!(block_on(shown(4)).to_string(), "8");
    assert_eq!(block_on(generic(&[1, 2])), [1, 2]);
    let store = Store { values: vec![1, 2, 3] };
    assert_eq!(block_on(assert_send(store.sum())), 6);
    let report = memprof::report();
    assert_eq!(report.function("parse").unwrap().calls, 2);
    assert_eq!(report.function("fetch").unwrap().calls, 1);
}
