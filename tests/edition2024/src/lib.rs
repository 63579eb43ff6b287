//! Edition-2024 code under `#[profile]`: let chains in `if` and `while`.

/// Sums the even numbers of `values` below `limit`, with let chains.
#[memprof::profile]
pub fn even_sum(values: &[Option<u32>], limit: u32) -> u32 {
    let mut total = 0;
    let mut rest = values.iter();
    while let Some(value) = rest.next()
        && total < limit
    {
        if let Some(v) = value
            && v % 2 == 0
        {
            total += v;
        }
    }
    total
}

/// Keeps the words longer than `min`, allocating one `String` each.
#[memprof::profile]
pub fn long_words(text: &str, min: usize) -> Vec<String> {
    let mut kept = Vec::with_capacity(8);
    for word in text.split(' ') {
        if let Some(first) = word.chars().next()
            && first.is_alphabetic()
            && word.len() > min
        {
            kept.push(word.to_string());
        }
    }
    kept
}
