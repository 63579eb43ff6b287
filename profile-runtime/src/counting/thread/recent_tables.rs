//! The tables of the functions this thread called last, by the function's
//! id: what a call's start reads instead of the thread's record.
//!
//! Why: finding a function's table through the record is a chain of four
//! dependent loads (the thread's record, its index, the index's slot, the
//! table), and a call's start waits on all of them before it can count its
//! first line. Here it is one load beside the thread's other fields. The
//! collect layer fills an entry after finding a table the long way, and
//! every entry points into the record the thread counts in (`collector`):
//! whatever changes that record empties this (`ThreadState::set_collector`),
//! so an entry never outlives its table. Both pointers are the collect
//! layer's, opaque here.
//!
//! Direct-mapped: an entry is the function's id modulo `ENTRIES`, and holds
//! the function it is for, so that two functions sharing it take turns.
//! Worked example: with 64 entries, ids 3 and 67 share entry 3. A call of
//! id 3 finds entry 3 empty, looks its table up in the record and stores
//! (site 3, table); a call of id 67 then finds site 3 there, looks up its
//! own and replaces it; the next call of id 3 looks up again.

use std::ptr::NonNull;

use super::Local;
use crate::unchecked;

/// How many functions' tables are kept: ids are handed out in the order
/// functions are first called, so a program's first 64 never collide.
const ENTRIES: usize = 64;

/// One function's table, or two nulls.
#[derive(Clone, Copy)]
struct Entry {
    site: *const (),
    table: *const (),
}

impl Entry {
    const EMPTY: Entry = Entry {
        site: std::ptr::null(),
        table: std::ptr::null(),
    };
}

/// See the module's doc.
pub(crate) struct RecentTables([Local<Entry>; ENTRIES]);

impl RecentTables {
    pub(crate) const fn new() -> Self {
        RecentTables([const { Local::new(Entry::EMPTY) }; ENTRIES])
    }

    /// The table kept for `site`, whose id is `id`.
    #[inline(always)]
    pub(crate) fn get(&self, id: u64, site: NonNull<()>) -> Option<NonNull<()>> {
        let entry = self.0[slot_of(id)].get();
        // An empty entry's site is null, which `site` is not.
        if entry.site == site.as_ptr().cast_const() {
            // SAFETY: an entry with a site was written by `put`, whose table
            // is not null. Not `NonNull::new`, whose test for null is a
            // branch more on every call's start.
            Some(unsafe { unchecked::non_null(entry.table.cast_mut()) })
        } else {
            None
        }
    }

    /// Keeps `table` as `site`'s, whose id is `id`.
    #[inline]
    pub(crate) fn put(&self, id: u64, site: NonNull<()>, table: NonNull<()>) {
        self.0[slot_of(id)].set(Entry {
            site: site.as_ptr().cast_const(),
            table: table.as_ptr().cast_const(),
        });
    }

    /// Forgets every table.
    pub(crate) fn clear(&self) {
        for entry in &self.0 {
            entry.set(Entry::EMPTY);
        }
    }
}

/// The entry of the function whose id is `id`.
#[inline(always)]
fn slot_of(id: u64) -> usize {
    (id % ENTRIES as u64) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(address: usize) -> NonNull<()> {
        NonNull::new(address as *mut ()).unwrap()
    }

    #[test]
    fn ids_a_multiple_of_the_size_apart_take_turns() {
        let tables = RecentTables::new();
        tables.put(3, at(0x100), at(0x1000));
        assert_eq!(tables.get(3, at(0x100)), Some(at(0x1000)));
        assert_eq!(tables.get(67, at(0x200)), None);
        tables.put(67, at(0x200), at(0x2000));
        assert_eq!(tables.get(67, at(0x200)), Some(at(0x2000)));
        assert_eq!(tables.get(3, at(0x100)), None);
        assert_eq!(slot_of(u64::MAX), 63);
    }

    #[test]
    fn clearing_forgets_every_table() {
        let tables = RecentTables::new();
        tables.put(0, at(0x100), at(0x1000));
        tables.put(63, at(0x200), at(0x2000));
        tables.clear();
        assert_eq!(tables.get(0, at(0x100)), None);
        assert_eq!(tables.get(63, at(0x200)), None);
    }
}
