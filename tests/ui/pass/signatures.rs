// Signatures stay as written: generics, lifetimes, where clauses, impl
// Trait, methods, patterns in parameters, attributes.
#![deny(warnings)]

use std::fmt::Display;

memprof::install!();

#[memprof::profile]
fn longest<'a, T: AsRef<str> + ?Sized>(a: &'a T, b: &'a T) -> &'a str
where
    T: 'a,
{
    if a.as_ref().len() >= b.as_ref().len() {
        a.as_ref()
    } else {
        b.as_ref()
    }
}

#[memprof::profile]
#[inline]
#[must_use]
/// Documented.
pub fn evens(limit: u32) -> impl Iterator<Item = u32> {
    (0..limit).filter(|x| x % 2 == 0)
}

#[memprof::profile]
fn show(items: impl IntoIterator<Item = impl Display>) -> String {
    items.into_iter().map(|i| i.to_string()).collect::<Vec<_>>().join(",")
}

#[memprof::profile]
fn pair((a, b): (u32, u32), mut c: u32) -> u32 {
    c += a;
    c + b
}

struct Counter {
    n: u64,
}

impl Counter {
    #[memprof::profile]
    fn new() -> Self {
        Counter { n: 0 }
    }

    #[memprof::profile]
    fn bump(&mut self) -> &mut Self {
        self.n += 1;
        self
    }

    #[memprof::profile]
    fn into_boxed(self: Box<Self>) -> u64 {
        self.n
    }
}

trait Named {
    #[memprof::profile]
    fn name(&self) -> String {
        String::from("default")
    }
}

impl Named for Counter {}

#[memprof::profile]
fn dynamic(flag: bool) -> Box<dyn Display> {
    if flag {
        return Box::new(1u8);
    }
    if !flag { Box::new("two") } else { Box::new(3u32) }
}

#[memprof::profile]
fn diverges() -> ! {
    std::process::exit(0)
}

#[memprof::profile]
unsafe fn raw(p: *const u8) -> u8 {
    unsafe { *p }
}

fn main() {
    assert_eq!(longest("ab", "abc"), "abc");
    assert_eq!(evens(7).collect::<Vec<_>>(), [0, 2, 4, 6]);
    assert_eq!(show([1, 2]), "1,2");
    assert_eq!(pair((1, 2), 3), 6);
    let mut c = Counter::new();
    c.bump().bump();
    assert_eq!(c.name(), "default");
    assert_eq!(Box::new(c).into_boxed(), 2);
    assert_eq!(dynamic(true).to_string(), "1");
    assert_eq!(dynamic(false).to_string(), "two");
    assert_eq!(unsafe { raw(&7) }, 7);
    diverges()
}
