// `#[profile]` on a whole `impl` block and on a trait: every method with a
// body is profiled and named with its type; `const fn` members, and those
// another attribute makes `const` (generic-array's
// `#[rustversion::attr(since(1.83), const)]`), are left alone and stay
// usable in const contexts.
#![deny(warnings)]

memprof::install!();

struct Stack<T> {
    items: Vec<T>,
}

#[memprof::profile]
impl<T: Clone> Stack<T> {
    const fn capacity_hint() -> usize {
        16
    }

    #[memprof_test_macros::attr(const)]
    fn made_const() -> usize {
        Self::capacity_hint() * 2
    }

    fn new() -> Self {
        Stack {
            items: Vec::with_capacity(Self::capacity_hint()),
        }
    }

    fn push(&mut self, item: T) -> &mut Self {
        self.items.push(item);
        self
    }

    fn into_boxed(self: Box<Self>) -> Vec<T> {
        self.items.clone()
    }

    fn pinned(self: std::pin::Pin<&mut Self>) -> usize {
        self.items.len()
    }

    fn count(&self) -> usize {
        self.items.len()
    }

    fn by_value(self) -> usize
    where
        T: Default,
    {
        let extra = T::default();
        drop(extra);
        self.count()
    }
}

const HINT: usize = Stack::<u8>::capacity_hint();
const MADE: usize = Stack::<u8>::made_const();

#[memprof::profile]
trait Describe {
    fn name(&self) -> String;

    fn describe(&self) -> String {
        format!("<{}>", self.name())
    }
}

impl<T> Describe for Stack<T> {
    fn name(&self) -> String {
        "stack".to_string()
    }
}

#[memprof::profile]
impl<T> Drop for Stack<T> {
    fn drop(&mut self) {
        self.items.clear();
    }
}

fn main() {
    let mut s = Stack::new();
    s.push(1).push(2);
    assert_eq!(std::pin::Pin::new(&mut s).pinned(), 2);
    assert_eq!(s.describe(), "<stack>");
    assert_eq!(Box::new(s).into_boxed(), [1, 2]);
    assert_eq!(HINT, 16);
    assert_eq!(MADE, 32);
    let mut other = Stack::<u8>::new();
    other.push(7);
    assert_eq!(other.by_value(), 1);
    let report = memprof::report();
    assert_eq!(report.function("Stack::push").unwrap().calls, 3);
    assert_eq!(report.function("Describe::describe").unwrap().calls, 1);
    assert_eq!(report.function("<Stack as Drop>::drop").unwrap().calls, 2);
    assert_eq!(report.function("Stack::by_value").unwrap().calls, 1);
    assert!(report.function("Stack::capacity_hint").is_none());
}
