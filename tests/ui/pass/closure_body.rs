// A synchronous body runs in a closure: what it borrows through its
// parameters, returns early with `?` or `return`, and infers from the
// signature stays as written; a body that a closure would change (an
// `impl Trait` return type, `#[track_caller]`) stays in its own frame.
#![deny(warnings)]

use std::error::Error;

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
}
