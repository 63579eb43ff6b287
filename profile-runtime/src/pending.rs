// Figures of a call's recent lines, kept in the call itself until the call
// ends (or the entry is needed for another line).
//
// Why: a line that allocates would otherwise add to four shared counters and
// raise two shared maxima on every execution, each a locked read-modify-write
// of a cache line that every thread running the function writes too. In a
// loop, the same few lines run again and again, so a handful of entries
// absorb nearly all of that, and the shared table is written once per line
// per call.

use std::cell::Cell;

use crate::capture;
use crate::site::{LineSlot, Site};
use crate::thread::Counters;

/// Entries per call: enough for the lines of a loop body.
const ENTRIES: usize = 8;
const EMPTY: u32 = u32::MAX;

/// One line's figures. A cache line each: with 48-byte entries, neighbours
/// shared cache lines, and one build of the seed benchmark ran 2 to 3 times
/// slower for it (a probe storing into one entry while the slow path updated
/// the next); aligned, no build measured did.
#[repr(align(64))]
pub(crate) struct Entry {
    slot: Cell<u32>,
    allocs: Cell<u64>,
    allocated: Cell<u64>,
    freed: Cell<u64>,
    peak: Cell<u64>,
    mem_usage: Cell<u64>,
}

impl Entry {
    const fn new() -> Self {
        Entry {
            slot: Cell::new(EMPTY),
            allocs: Cell::new(0),
            allocated: Cell::new(0),
            freed: Cell::new(0),
            peak: Cell::new(0),
            mem_usage: Cell::new(0),
        }
    }

    /// Raises the line's Mem usage.
    #[inline(always)]
    pub(crate) fn raise_mem_usage(&self, bytes: u64) {
        if bytes > self.mem_usage.get() {
            self.mem_usage.set(bytes);
        }
    }

    /// Adds allocation calls made while the line ran once.
    #[inline(always)]
    pub(crate) fn add_allocs(&self, allocs: u64) {
        self.allocs.set(self.allocs.get().wrapping_add(allocs));
    }

    /// Adds bytes allocated while the line ran once.
    #[inline(always)]
    pub(crate) fn add_allocated(&self, bytes: u64) {
        self.allocated.set(self.allocated.get().wrapping_add(bytes));
    }

    /// Adds bytes freed while the line ran once.
    #[inline(always)]
    pub(crate) fn add_freed(&self, bytes: u64) {
        self.freed.set(self.freed.get().wrapping_add(bytes));
    }

    /// Takes out what nested calls of the same function counted in their
    /// own rows.
    pub(crate) fn take_back(&self, excluded: Counters) {
        self.add_allocs(excluded.allocs.wrapping_neg());
        self.add_allocated(excluded.allocated.wrapping_neg());
        self.add_freed(excluded.freed.wrapping_neg());
    }

    /// Raises the line's peak.
    #[inline(always)]
    pub(crate) fn raise_peak(&self, peak: u64) {
        if peak > self.peak.get() {
            self.peak.set(peak);
        }
    }

    /// Adds the entry's figures to the shared table and empties it. Kept
    /// out of line: it is rare on the probe path, and inlined it would make
    /// every probe bigger.
    #[cold]
    #[inline(never)]
    fn flush(&self, site: &'static Site) {
        let slot = self.slot.get();
        if slot == EMPTY {
            return;
        }
        let delta = Counters {
            allocated: self.allocated.replace(0),
            freed: self.freed.replace(0),
            allocs: self.allocs.replace(0),
        };
        let peak = self.peak.replace(0);
        let mem_usage = self.mem_usage.replace(0);
        if let Some(shared) = site.slot(slot) {
            shared.add(delta);
            LineSlot::raise(&shared.peak, peak);
            LineSlot::raise(&shared.mem_usage, mem_usage);
        }
        capture::record(site, slot, |line| {
            line.allocs += delta.allocs;
            line.allocated += delta.allocated;
            line.freed += delta.freed;
            line.increment += delta.net();
            line.peak = line.peak.max(peak);
            line.mem_usage = line.mem_usage.max(mem_usage);
        });
    }
}

pub(crate) struct Pending {
    entries: [Entry; ENTRIES],
}

impl Pending {
    pub(crate) const fn new() -> Self {
        Pending {
            entries: [const { Entry::new() }; ENTRIES],
        }
    }

    /// The entry for `slot`'s figures. Direct-mapped (a line's entry
    /// is its slot modulo the number of entries): no search on the probe
    /// path. Another line holding the entry is flushed to `site`'s table
    /// first; lines of one loop body are consecutive, so they rarely meet.
    #[inline(always)]
    pub(crate) fn select(&self, site: &'static Site, slot: u32) -> &Entry {
        let entry = &self.entries[slot as usize % ENTRIES];
        let held = entry.slot.get();
        if held != slot {
            if held != EMPTY {
                entry.flush(site);
            }
            entry.slot.set(slot);
        }
        entry
    }

    /// `slot`'s entry, if it holds `slot`'s figures already.
    #[inline(always)]
    pub(crate) fn held(&self, slot: u32) -> Option<&Entry> {
        let entry = &self.entries[slot as usize % ENTRIES];
        (entry.slot.get() == slot).then_some(entry)
    }

    /// Raises `slot`'s Mem usage to `live` if its entry holds it; false if
    /// the entry is another line's (or nobody's).
    #[inline(always)]
    pub(crate) fn raise_if_held(&self, slot: u32, live: u64) -> bool {
        let Some(entry) = self.held(slot) else {
            return false;
        };
        entry.raise_mem_usage(live);
        true
    }

    /// Moves every entry's figures to the shared table.
    pub(crate) fn flush(&self, site: &'static Site) {
        for entry in &self.entries {
            entry.flush(site);
        }
    }
}
