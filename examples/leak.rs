//! A leak found by Retained and Live at exit: a document is indexed again
//! each time it changes, and the cache that should keep its latest index
//! keeps them all.
//!
//! ```sh
//! cargo run --release --example leak
//! ```

use std::collections::HashMap;
use std::sync::Mutex;

memprof::install!();

/// The latest index of the document (so it was meant to be).
static LATEST: Mutex<Vec<HashMap<String, usize>>> = Mutex::new(Vec::new());

#[memprof::profile]
fn index_document(text: &str) -> usize {
    let words: Vec<String> = text.split_whitespace().map(str::to_lowercase).collect();
    let index = count(words);
    let distinct = index.len();
    LATEST.lock().unwrap().push(index); // the bug: `*latest = vec![index]` was meant
    distinct
}

fn count(words: Vec<String>) -> HashMap<String, usize> {
    let mut index = HashMap::new();
    for word in words {
        *index.entry(word).or_insert(0) += 1;
    }
    index
}

fn main() {
    let mut document = String::new();
    for i in 0..20_000 {
        document.push_str(&format!("Word{} ", i % 2_000));
    }
    let mut distinct = 0;
    for _edit in 0..10 {
        distinct = index_document(&document);
    }
    println!("indexed 10 versions, {distinct} distinct words");
}
