// A synchronous body runs in a closure: what it borrows through its
// parameters, returns early with `?` or `return`, and infers from the
// signature stays as written; a body that a closure would change (an
// `impl Trait` return type, `#[track_caller]`) stays in its own frame.
#![deny(warnings)]

use std::cell::{Ref, RefCell};
use std::error::Error;
use std::fmt::Display;
use std::future::Future;
use std::pin::Pin;

memprof::install!();

#[memprof::profile]
fn first_mut<'a>(v: &'a mut Vec<u8>) -> &'a mut u8 {
    v.push(1);
    &mut v[0]
}

#[memprof::profile]
fn last_mut(v: &mut Vec<u8>) -> &mut u8 {
    v.push(2);
    v.last_mut().unwrap()
}

struct Buffer {
    len: u32,
    bytes: Vec<u8>,
}

impl Buffer {
    #[memprof::profile]
    fn grown(&mut self) -> &mut [u8] {
        self.len += 1;
        &mut self.bytes[..]
    }

    #[memprof::profile]
    fn first(&mut self) -> Option<&mut u8> {
        if self.len > 100 {
            return None;
        }
        self.bytes.iter_mut().next()
    }

    #[memprof::profile]
    fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

struct Holder {
    cell: RefCell<Vec<u8>>,
    name: String,
}

impl Holder {
    #[memprof::profile]
    fn borrowed(&self) -> Ref<'_, Vec<u8>> {
        self.cell.borrow()
    }

    #[memprof::profile]
    fn shown(&self) -> Box<dyn Display + '_> {
        Box::new(&self.name)
    }

    #[memprof::profile]
    fn name(&self) -> &'_ str {
        &self.name
    }

    #[memprof::profile]
    fn boxed_future(&self, extra: String) -> Pin<Box<dyn Future<Output = usize> + '_>> {
        Box::pin(async move { self.name.len() + extra.len() })
    }
}

enum Slot {
    Empty,
    Full(u32),
}

impl Slot {
    #[memprof::profile]
    fn fill(&mut self, value: u32) -> &mut u32 {
        *self = Slot::Full(value);
        if let Slot::Full(v) = self {
            v
        } else {
            unreachable!()
        }
    }
}

#[memprof::profile]
fn array<const N: usize>(x: u8) -> [u8; N] {
    [x; N]
}

#[memprof::profile]
fn multiplier(k: u32) -> Box<dyn Fn(u32) -> u32> {
    Box::new(move |x| x * k)
}

#[memprof::profile]
fn parse(text: &str) -> Result<u32, Box<dyn Error>> {
    let n: u32 = text.trim().parse()?;
    Ok(n * 2)
}

#[memprof::profile]
unsafe fn read(p: *const u8) -> u8 {
    *p
}

#[memprof::profile]
fn filled<T: Clone + Default>(mut v: Vec<T>, n: usize) -> Vec<T> {
    v.resize(n, T::default());
    v
}

#[memprof::profile]
fn adder(k: u32) -> impl Fn(u32) -> u32 {
    move |x| x + k
}

#[memprof::profile]
fn collected(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| w.to_uppercase()).collect()
}

#[memprof::profile]
#[track_caller]
fn caller_line() -> u32 {
    std::panic::Location::caller().line()
}

fn main() {
    let mut v = Vec::new();
    *first_mut(&mut v) += 1;
    *last_mut(&mut v) += 1;
    let mut buffer = Buffer { len: 0, bytes: v };
    buffer.grown()[0] = 7;
    *buffer.first().unwrap() += 1;
    assert_eq!(buffer.into_bytes(), [8, 3]);
    assert_eq!(parse(" 21 ").unwrap(), 42);
    assert!(parse("x").is_err());
    // SAFETY: the pointer is to a live byte.
    assert_eq!(unsafe { read(&5) }, 5);
    assert_eq!(filled(vec![1u8], 3), [1, 0, 0]);
    assert_eq!(adder(2)(40), 42);
    assert_eq!(collected(&["a", "b"]), ["A", "B"]);
    assert_eq!(caller_line(), line!());
    let holder = Holder {
        cell: RefCell::new(vec![1, 2]),
        name: "ab".into(),
    };
    assert_eq!(holder.borrowed().len(), 2);
    assert_eq!(holder.shown().to_string(), "ab");
    assert_eq!(holder.name(), "ab");
    drop(holder.boxed_future("x".into()));
    let mut slot = Slot::Empty;
    *slot.fill(1) += 1;
    assert!(matches!(slot, Slot::Full(2)));
    assert_eq!(array::<3>(2), [2, 2, 2]);
    assert_eq!(multiplier(3)(2), 6);
}
