//! A realistic workload: index which lines each word occurs on, over text
//! generated from a fixed seed. Run `cargo run --release --example word_index`.
//!
//! The table shows where an index's memory really goes: the `String` keys,
//! the `Vec<usize>` postings growing by doubling, and the `HashMap` itself
//! rehashing, each on its own line.

use std::collections::HashMap;

memprof::install!();

/// A small deterministic generator (xorshift), so every run indexes the
/// same text.
struct Words {
    state: u64,
}

impl Words {
    fn next_word(&mut self) -> String {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        const SYLLABLES: [&str; 8] = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi"];
        let len = 1 + (self.state % 3) as usize;
        (0..len)
            .map(|i| SYLLABLES[((self.state >> (8 * i)) % 8) as usize])
            .collect()
    }
}

#[memprof::profile]
fn generate_text(lines: usize, words_per_line: usize) -> Vec<String> {
    let mut words = Words {
        state: 0x9E37_79B9_7F4A_7C15,
    };
    let mut text = Vec::with_capacity(lines);
    for _ in 0..lines {
        let line: Vec<String> = (0..words_per_line).map(|_| words.next_word()).collect();
        text.push(line.join(" "));
    }
    text
}

#[memprof::profile]
fn build_index(text: &[String]) -> HashMap<String, Vec<usize>> {
    let mut index: HashMap<String, Vec<usize>> = HashMap::new();
    for (number, line) in text.iter().enumerate() {
        for word in line.split_whitespace() {
            match index.get_mut(word) {
                Some(postings) => postings.push(number),
                None => {
                    index.insert(word.to_string(), vec![number]);
                }
            }
        }
    }
    index.shrink_to_fit();
    index
}

fn main() {
    let text = generate_text(20_000, 12);
    let index = build_index(&text);
    let busiest = index.iter().max_by_key(|(_, p)| p.len()).unwrap();
    println!(
        "{} lines, {} distinct words; {:?} occurs on {} lines",
        text.len(),
        index.len(),
        busiest.0,
        busiest.1.len()
    );
}
