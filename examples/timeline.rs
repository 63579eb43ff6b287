//! The heap over time, like memory_profiler's `mprof run` + `mprof plot`:
//!
//! ```sh
//! MEMPROF_TIMELINE=heap.svg cargo run --release --example timeline
//! ```
//!
//! writes a plot of the live heap against time with each profiled
//! function's calls marked (`heap.json` writes the samples instead).

use std::collections::HashMap;
use std::time::Duration;

memprof::install!();

/// Reads "documents" in batches, keeping all of them.
#[memprof::profile]
fn load(batches: usize) -> Vec<String> {
    let mut documents = Vec::new();
    for batch in 0..batches {
        for i in 0..2000 {
            documents.push(format!("document {batch} {i} ").repeat(40));
        }
        std::thread::sleep(Duration::from_millis(4));
    }
    documents
}

/// Counts words; the map grows, the scratch buffers come and go.
#[memprof::profile]
fn index(documents: &[String]) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for (n, document) in documents.iter().enumerate() {
        let words: Vec<&str> = document.split(' ').collect();
        for word in words {
            *counts.entry(word.to_string()).or_insert(0) += 1;
        }
        if n % 2000 == 0 {
            std::thread::sleep(Duration::from_millis(2));
        }
    }
    counts
}

/// A short burst: a large temporary, freed at once.
#[memprof::profile]
fn summarize(counts: &HashMap<String, usize>) -> usize {
    let mut sorted: Vec<(&String, &usize)> = counts.iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    std::thread::sleep(Duration::from_millis(5));
    sorted.len()
}

fn main() {
    let documents = load(12);
    let counts = index(&documents);
    drop(documents);
    std::thread::sleep(Duration::from_millis(10));
    let distinct = summarize(&counts);
    println!("{distinct} distinct words");
}
