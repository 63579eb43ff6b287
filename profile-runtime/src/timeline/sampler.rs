//! The heap over time (`MEMPROF_TIMELINE=heap.svg`), memory_profiler's
//! `mprof run` + `mprof plot`: the sampler, and what it recorded.
//!
//! A sampler thread reads the process-wide counters every
//! `MEMPROF_INTERVAL` and notes which profiled functions were running.
//! Profiled calls only bump their function's counter of running calls (and
//! only while a timeline is recorded), so the profiled code pays nearly
//! nothing. The sampler keeps out of the numbers: it is started with
//! `pthread_create` and stores its samples in memory taken straight from
//! the system allocator, so neither goes through the counting allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU64, AtomicU8, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::collect::site::{self, Site};
use crate::counting::thread::suspended;
use crate::counting::totals::exact_live;
use crate::timeline::settings;

const UNDECIDED: u8 = 0;
const RUNNING: u8 = 1;
const OFF: u8 = 2;

static STATE: AtomicU8 = AtomicU8::new(UNDECIDED);
static INTERVAL_NS: AtomicU64 = AtomicU64::new(1_000_000);
static STOP: AtomicBool = AtomicBool::new(false);
static STOPPED: AtomicBool = AtomicBool::new(false);
static FIRST_CHUNK: AtomicPtr<Chunk> = AtomicPtr::new(ptr::null_mut());

/// One sample: time since the first profiled call, the process's live heap,
/// and a bit per profiled function (by first-call order) that ran.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Sample {
    pub(crate) t_ns: u64,
    pub(crate) live: u64,
    pub(crate) active: u64,
}

/// Functions beyond this many (in first-call order) are not marked.
pub(crate) const MAX_FUNCTIONS: usize = 64;

const CHUNK_SAMPLES: usize = 4096;

struct Chunk {
    // Three words a sample; atomics, so that the exit hook may read what the
    // sampler published while it runs.
    words: [AtomicU64; 3 * CHUNK_SAMPLES],
    len: AtomicUsize,
    next: AtomicPtr<Chunk>,
}

/// A zeroed chunk from the system allocator (all-zero atomics are valid).
fn new_chunk() -> *mut Chunk {
    // SAFETY: a non-zero-sized layout; the result is checked for null.
    unsafe { System.alloc_zeroed(Layout::new::<Chunk>()) as *mut Chunk }
}

/// Starts the sampler on the first profiled call if `MEMPROF_TIMELINE` asks
/// for a timeline. One relaxed load afterwards.
#[inline(always)]
pub(crate) fn ensure_started() {
    if STATE.load(Ordering::Relaxed) == UNDECIDED {
        decide();
    }
}

#[cold]
fn decide() {
    let settings = suspended(|| {
        let (settings, messages) = settings::timeline_settings();
        for message in messages {
            eprintln!("{message}");
        }
        settings
    });
    let Some(settings) = settings else {
        let _ = STATE.compare_exchange(UNDECIDED, OFF, Ordering::AcqRel, Ordering::Acquire);
        return;
    };
    if STATE
        .compare_exchange(UNDECIDED, RUNNING, Ordering::AcqRel, Ordering::Acquire)
        .is_err()
    {
        return;
    }
    INTERVAL_NS.store(settings.interval.as_nanos() as u64, Ordering::Relaxed);
    let first = new_chunk();
    if first.is_null() || !spawn_sampler() {
        STATE.store(OFF, Ordering::Release);
        suspended(|| eprintln!("memprof: could not start the timeline sampler; no timeline"));
        return;
    }
    FIRST_CHUNK.store(first, Ordering::Release);
    site::track_active();
}

/// Whether a timeline is being recorded.
#[inline(always)]
pub(crate) fn recording() -> bool {
    STATE.load(Ordering::Relaxed) == RUNNING
}

#[cfg(unix)]
fn spawn_sampler() -> bool {
    use std::os::raw::{c_int, c_void};
    extern "C" {
        fn pthread_create(
            thread: *mut usize,
            attr: *const c_void,
            start: extern "C" fn(*mut c_void) -> *mut c_void,
            arg: *mut c_void,
        ) -> c_int;
        fn pthread_detach(thread: usize) -> c_int;
    }
    extern "C" fn start(_: *mut c_void) -> *mut c_void {
        // A panic must not cross the C boundary.
        let _ = std::panic::catch_unwind(run_sampler);
        ptr::null_mut()
    }
    let mut thread: usize = 0;
    // SAFETY: plain POSIX calls; `start` takes no argument.
    unsafe {
        if pthread_create(&mut thread, ptr::null(), start, ptr::null_mut()) != 0 {
            return false;
        }
        pthread_detach(thread);
    }
    true
}

#[cfg(not(unix))]
fn spawn_sampler() -> bool {
    suspended(|| {
        std::thread::Builder::new()
            .name("memprof-timeline".into())
            .spawn(run_sampler)
            .is_ok()
    })
}

fn run_sampler() {
    // Nothing this thread does is anybody's line.
    suspended(sample_until_stopped);
}

fn sample_until_stopped() {
    let start = Instant::now();
    let interval = Duration::from_nanos(INTERVAL_NS.load(Ordering::Relaxed));
    let mut chunk = loop {
        let first = FIRST_CHUNK.load(Ordering::Acquire);
        if !first.is_null() {
            break first;
        }
        std::thread::yield_now();
    };
    loop {
        let sample = Sample {
            t_ns: start.elapsed().as_nanos() as u64,
            live: exact_live(),
            active: active_functions(),
        };
        // SAFETY: chunks are never freed.
        let c = unsafe { &*chunk };
        let len = c.len.load(Ordering::Relaxed);
        if len == CHUNK_SAMPLES {
            let next = new_chunk();
            if next.is_null() {
                break;
            }
            c.next.store(next, Ordering::Release);
            chunk = next;
            continue;
        }
        c.words[3 * len].store(sample.t_ns, Ordering::Relaxed);
        c.words[3 * len + 1].store(sample.live, Ordering::Relaxed);
        c.words[3 * len + 2].store(sample.active, Ordering::Relaxed);
        c.len.store(len + 1, Ordering::Release);
        if STOP.load(Ordering::Acquire) {
            break;
        }
        std::thread::sleep(interval);
    }
    STOPPED.store(true, Ordering::Release);
}

/// A bit per function that is running or was entered since the last
/// sample.
fn active_functions() -> u64 {
    let mut mask = 0u64;
    Site::for_each(|site| {
        let order = site.order.load(Ordering::Relaxed) as usize;
        let touched = site.touched.swap(false, Ordering::Relaxed);
        if order < MAX_FUNCTIONS && (touched || site.active.load(Ordering::Relaxed) > 0) {
            mask |= 1 << order;
        }
    });
    mask
}

/// What was recorded, for rendering.
pub(crate) struct Timeline {
    pub(crate) program: String,
    pub(crate) interval: Duration,
    /// Names of the profiled functions, by first-call order.
    pub(crate) functions: Vec<String>,
    pub(crate) samples: Vec<Sample>,
}

/// One stretch of samples in which a function ran.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) function: usize,
    pub(crate) start_ns: u64,
    pub(crate) end_ns: u64,
}

impl Timeline {
    /// The largest sampled live heap.
    pub(crate) fn peak(&self) -> u64 {
        self.samples.iter().map(|s| s.live).max().unwrap_or(0)
    }

    /// The stretches of consecutive samples in which each function ran; a
    /// stretch of one sample lasts one interval.
    pub(crate) fn spans(&self) -> Vec<Span> {
        let mut spans = Vec::new();
        for function in 0..self.functions.len().min(MAX_FUNCTIONS) {
            let bit = 1u64 << function;
            let mut open: Option<(u64, u64)> = None;
            for s in &self.samples {
                match (s.active & bit != 0, open) {
                    (true, None) => open = Some((s.t_ns, s.t_ns)),
                    (true, Some((start, _))) => open = Some((start, s.t_ns)),
                    (false, Some((start, end))) => {
                        spans.push(self.span(function, start, end));
                        open = None;
                    }
                    (false, None) => {}
                }
            }
            if let Some((start, end)) = open {
                spans.push(self.span(function, start, end));
            }
        }
        spans.sort_by_key(|s| (s.start_ns, s.function));
        spans
    }

    fn span(&self, function: usize, start_ns: u64, end_ns: u64) -> Span {
        Span {
            function,
            start_ns,
            end_ns: end_ns.max(start_ns + self.interval.as_nanos() as u64),
        }
    }
}

/// Stops the sampler and collects the timeline, if one was recorded.
pub(crate) fn finish() -> Option<Timeline> {
    if !recording() {
        return None;
    }
    STOP.store(true, Ordering::Release);
    // The sampler takes one last sample (which marks a call too short to
    // have been sampled yet) and stops; wait for it, up to a second on a
    // loaded machine.
    let deadline = Instant::now() + Duration::from_secs(1);
    while !STOPPED.load(Ordering::Acquire) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_micros(100));
    }
    let mut samples = Vec::new();
    let mut chunk = FIRST_CHUNK.load(Ordering::Acquire);
    while !chunk.is_null() {
        // SAFETY: chunks are never freed.
        let c = unsafe { &*chunk };
        let len = c.len.load(Ordering::Acquire);
        for i in 0..len {
            samples.push(Sample {
                t_ns: c.words[3 * i].load(Ordering::Relaxed),
                live: c.words[3 * i + 1].load(Ordering::Relaxed),
                active: c.words[3 * i + 2].load(Ordering::Relaxed),
            });
        }
        chunk = c.next.load(Ordering::Acquire);
    }
    let bodies = site::body_paths();
    let functions = Site::all().iter().map(|s| s.name_among(&bodies)).collect();
    let program = std::env::args()
        .next()
        .map(|p| {
            std::path::Path::new(&p)
                .file_name()
                .map_or(p.clone(), |n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "program".to_string());
    Some(Timeline {
        program,
        interval: Duration::from_nanos(INTERVAL_NS.load(Ordering::Relaxed)),
        functions,
        samples,
    })
}
