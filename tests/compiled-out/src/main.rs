//! Every use of memprof, with its `enabled` feature off: the program must
//! behave and print as if memprof were not there, and keep none of it.

use std::collections::HashMap;

memprof::install!();

#[memprof::profile(max_peak = "1 KiB", max_increment = "0 B")]
fn build_index(words: &[&str]) -> HashMap<String, usize> {
    // Over both budgets on purpose: compiled out, budgets are not checked.
    let mut index = HashMap::new();
    for word in words {
        index.insert(word.to_string(), word.len());
    }
    index
}

struct Counter(u64);

#[memprof::profile]
impl Counter {
    fn add(&mut self, n: u64) -> u64 {
        self.0 += n;
        self.0
    }
}

#[memprof::profile]
mod parsing {
    pub fn split(text: &str) -> Vec<&str> {
        text.split_whitespace().collect()
    }
}

fn main() {
    let text = "the quick brown fox jumps over the lazy dog";
    let words = parsing::split(text);
    let index = build_index(&words);
    let mut counter = Counter(0);
    for word in &words {
        counter.add(index[*word] as u64);
    }
    let mut keys: Vec<&String> = index.keys().collect();
    keys.sort();
    println!("{} words, {} distinct, {} letters", words.len(), keys.len(), counter.0);
    println!("{keys:?}");
}
