//! A library whose functions are profiled, for `tests/documented.rs`:
//! rustdoc documents them as written and runs their doctests.

/// The number of items, less the sentinel this pushes.
///
/// ```
/// assert_eq!(documented::count_items(Box::new(7), vec![1, 2, 3]), 3);
/// ```
#[memprof::profile]
pub fn count_items(_: Box<u8>, mut items: Vec<u8>) -> usize {
    items.push(0);
    items.len() - 1
}

/// A type with a profiled method.
pub struct Counter(pub u32);

#[memprof::profile]
impl Counter {
    /// The count plus the pair's first number, and 3.
    ///
    /// ```
    /// assert_eq!(documented::Counter(1).add((2, 3)), 6);
    /// ```
    pub fn add(self, (a, _): (u32, u32)) -> u32 {
        let sum = self.0 + a;
        sum + 3
    }
}
