//! Report names: a whole module profiled, a method profiled on its own
//! (named with its type), methods of two trait impls (named with their
//! trait), and functions nested in a profiled one, each told apart.

use std::fmt;

memprof::install!();

#[memprof::profile]
mod parser {
    pub fn parse(text: &str) -> Vec<String> {
        text.split(',').map(str::to_string).collect()
    }

    pub struct Index(pub Vec<String>);

    impl Index {
        pub fn add(&mut self, word: &str) {
            self.0.push(word.to_string());
        }
    }

    pub trait Describe {
        fn describe(&self) -> String {
            "something".to_string()
        }
    }

    impl Describe for Index {}

    pub mod inner {
        pub fn deep() -> Box<u64> {
            Box::new(7)
        }
    }
}

use parser::Describe;

struct Point(i32, i32);

impl Point {
    #[memprof::profile]
    fn label(&self) -> String {
        format!("({}, {})", self.0, self.1)
    }
}

impl fmt::Display for Point {
    #[memprof::profile]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.label())
    }
}

impl fmt::Debug for Point {
    #[memprof::profile]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Point{}", self.label())
    }
}

#[memprof::profile]
fn outer() -> usize {
    #[memprof::profile]
    fn at_top() -> Vec<u8> {
        vec![1]
    }
    let in_block = {
        #[memprof::profile]
        fn in_block() -> Vec<u8> {
            vec![2]
        }
        in_block()
    };
    let in_closure = || {
        #[memprof::profile]
        fn in_closure() -> Vec<u8> {
            #[memprof::profile]
            fn deepest() -> Vec<u8> {
                vec![4]
            }
            deepest()
        }
        in_closure()
    };
    at_top().len() + in_block.len() + in_closure().len()
}

#[test]
fn nested_functions_are_named_as_written() {
    // The closure the user wrote is in the names; the one each profiled
    // body runs in is not.
    let (total, report) = memprof::capture(outer);
    assert_eq!(total, 3);
    let mut names: Vec<&str> = report.functions.iter().map(|f| f.name.as_str()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "names::outer",
            "names::outer::at_top",
            "names::outer::in_block",
            "names::outer::{{closure}}::in_closure",
            "names::outer::{{closure}}::in_closure::deepest",
        ]
    );
}

#[test]
fn every_function_has_a_name_of_its_own() {
    let (_, report) = memprof::capture(|| {
        let mut index = parser::Index(parser::parse("a,b"));
        index.add("c");
        let described = index.describe();
        let deep = parser::inner::deep();
        let point = Point(1, 2);
        (described, deep, point.to_string(), format!("{point:?}"))
    });
    let mut names: Vec<&str> = report.functions.iter().map(|f| f.name.as_str()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "names::<Point as Debug>::fmt",
            "names::<Point as Display>::fmt",
            "names::Point::label",
            "names::parser::Describe::describe",
            "names::parser::Index::add",
            "names::parser::inner::deep",
            "names::parser::parse",
        ]
    );
    assert_eq!(report.function("Index::add").unwrap().calls, 1);
    assert_eq!(report.function("<Point as Display>::fmt").unwrap().calls, 1);
    assert_eq!(report.functions_named("fmt").count(), 2);
}

#[test]
fn an_ambiguous_name_panics_naming_the_candidates() {
    let (_, report) = memprof::capture(|| {
        let point = Point(3, 4);
        (point.to_string(), format!("{point:?}"))
    });
    let panic = std::panic::catch_unwind(|| report.function("fmt").map(|f| f.calls))
        .expect_err("two functions are named fmt");
    let message = panic.downcast_ref::<String>().expect("a message");
    assert_eq!(
        message,
        "memprof: 2 profiled functions are named \"fmt\": names::<Point as Display>::fmt, \
         names::<Point as Debug>::fmt; ask for one by a longer name"
    );
}
