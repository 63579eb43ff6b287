//! One profiled function: its compile-time description, in a `static` that
//! `#[profile]` emits, and its place among the functions that have run.
//!
//! A site registers itself on its first call, in a lock-free list that the
//! report walks, and gets an id: the index of its table in each thread's
//! record (`record.rs`). Its figures are not here; they are in those
//! per-thread tables, summed when a report is made.

use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicPtr, AtomicU64, Ordering};

use crate::collect::budget::Budget;
use crate::relaxed;

/// Compile-time description of one profiled function. Created only by
/// `#[profile]`.
#[doc(hidden)]
pub struct Site {
    /// `std::any::type_name` of an item nested in the function: its path,
    /// as the compiler knows it (`<app::A as core::fmt::Display>::fmt::..`).
    pub(crate) path: fn() -> &'static str,
    /// `module_path!()` where the function is written.
    pub(crate) module: &'static str,
    pub(crate) file: &'static str,
    /// Line number of the first line of the signature.
    pub(crate) first_line: u32,
    /// The function's source, from its first line to its closing brace.
    pub(crate) source: &'static str,
    /// Number of source lines, and so of per-line figures: at least 1.
    pub(crate) len: u32,
    /// The function's memory budget, if it has one.
    pub(crate) budget: Option<&'static Budget>,
    /// The function's body is a closure to the compiler (an `async fn`'s,
    /// or a synchronous one that `#[profile]` runs in a closure): items
    /// nested in it have a `{{closure}}` in their path that the user did
    /// not write.
    pub(crate) body_in_closure: bool,
    /// Runs once, on the first call of any profiled function in the
    /// process (the layers above: the exit report, the timeline).
    first_call: fn(),
    /// The index of this function's table in each thread's record;
    /// `UNREGISTERED` until the first call.
    id: AtomicU64,
    /// First-call order among sites, for the report.
    pub(crate) order: AtomicU64,
    next: AtomicPtr<Site>,
    /// Calls running now, counted only while a timeline is recorded.
    pub(crate) active: AtomicI64,
    /// For an `async fn`, the size in bytes of its body's future (the
    /// largest, over a generic function's instantiations); 0 until the
    /// first call, and for a synchronous function.
    future_size: AtomicU64,
    /// A call started since the timeline's last sample.
    pub(crate) touched: AtomicBool,
}

/// `Site::id` before the first call.
pub(crate) const UNREGISTERED: u64 = u64::MAX;
/// `Site::id` while the first call registers it: like `UNREGISTERED`, above
/// every id, so that no table is found for it.
const REGISTERING: u64 = u64::MAX - 1;

static HEAD: AtomicPtr<Site> = AtomicPtr::new(ptr::null_mut());
/// Whether calls count themselves in their site's `active` (1 while a
/// timeline is recorded, set by that layer). `pub(crate)` for the
/// assembly of an unoptimised runtime (`call/quiet.rs`), which names it.
pub(crate) static TRACK_ACTIVE: AtomicU64 = AtomicU64::new(0);
static NEXT_ID: AtomicU64 = AtomicU64::new(0);
/// Taken by the process's first call, which runs `first_call`.
static FIRST_CALL: AtomicBool = AtomicBool::new(false);
/// Set once `first_call` has run: whether calls are tracked
/// (`TRACK_ACTIVE`) is then settled for the rest of the process.
static FIRST_CALL_DONE: AtomicBool = AtomicBool::new(false);

impl Site {
    #[doc(hidden)]
    #[allow(clippy::too_many_arguments)]
    pub const fn new(
        path: fn() -> &'static str,
        module: &'static str,
        file: &'static str,
        first_line: u32,
        source: &'static str,
        len: u32,
        budget: Option<&'static Budget>,
        body_in_closure: bool,
        first_call: fn(),
    ) -> Self {
        // A function has at least its signature's line, which a call's
        // start counts (`line::entry_starts_line` relies on it).
        assert!(
            len >= 1,
            "memprof: a profiled function has at least one line"
        );
        Site {
            path,
            module,
            file,
            first_line,
            source,
            len,
            budget,
            body_in_closure,
            first_call,
            id: AtomicU64::new(UNREGISTERED),
            order: AtomicU64::new(0),
            next: AtomicPtr::new(ptr::null_mut()),
            active: AtomicI64::new(0),
            touched: AtomicBool::new(false),
            future_size: AtomicU64::new(0),
        }
    }

    /// A call of this `async fn` made a body future of `bytes`.
    #[inline(always)]
    pub(crate) fn note_future_size(&self, bytes: usize) {
        relaxed::raise(&self.future_size, bytes as u64);
    }

    /// The size of the function's body future, for an `async fn` that has
    /// been called.
    pub(crate) fn future_size(&self) -> Option<u64> {
        match relaxed::load(&self.future_size) {
            0 => None,
            bytes => Some(bytes),
        }
    }

    /// Where `id` is, for a call's start in assembly (`call/quiet.rs`, in
    /// an unoptimised runtime).
    #[cfg(all(memprof_asm, not(miri)))]
    pub(crate) const ID_OFFSET: usize = std::mem::offset_of!(Site, id);

    /// The site's table index, or `UNREGISTERED` (or a value above every
    /// id) before its first call finished registering it.
    #[inline(always)]
    pub(crate) fn id(&self) -> u64 {
        // Relaxed: the id is all that is read here, and it never changes
        // once set; what a thread finds by it is its own.
        relaxed::load(&self.id)
    }

    /// The site's table index, registering it first if need be.
    pub(crate) fn registered_id(&'static self) -> u64 {
        match self.id() {
            UNREGISTERED | REGISTERING => self.register(),
            id => id,
        }
    }

    /// Registers the site on its first call; returns its id. Another thread
    /// registering it at the same moment is waited for (a few instructions).
    #[cold]
    #[inline(never)]
    pub(crate) fn register(&'static self) -> u64 {
        loop {
            match self.id.compare_exchange(
                UNREGISTERED,
                REGISTERING,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => break,
                Err(REGISTERING) => std::hint::spin_loop(),
                Err(id) => return id,
            }
        }
        if !FIRST_CALL.swap(true, Ordering::AcqRel) {
            (self.first_call)();
            FIRST_CALL_DONE.store(true, Ordering::Release);
        }
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        self.order.store(id, Ordering::Relaxed);
        let me = ptr::from_ref(self).cast_mut();
        let mut head = HEAD.load(Ordering::Acquire);
        loop {
            self.next.store(head, Ordering::Relaxed);
            match HEAD.compare_exchange_weak(head, me, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => break,
                Err(actual) => head = actual,
            }
        }
        self.id.store(id, Ordering::Release);
        id
    }

    /// Every site that has been called, in first-call order.
    pub(crate) fn all() -> Vec<&'static Site> {
        let mut sites = Vec::new();
        Site::for_each(|site| sites.push(site));
        sites.sort_by_key(|s| s.order.load(Ordering::Relaxed));
        sites
    }

    /// Calls `f` with every site that has been called, in no set order,
    /// without allocating.
    pub(crate) fn for_each(mut f: impl FnMut(&'static Site)) {
        let mut p = HEAD.load(Ordering::Acquire);
        while !p.is_null() {
            // SAFETY: only `&'static Site`s are ever pushed on the list.
            let site: &'static Site = unsafe { &*p };
            f(site);
            p = site.next.load(Ordering::Acquire);
        }
    }

    /// The function's name in the report: its module path, then the type
    /// of a method (`Index::add`, `<A as Display>::fmt`), then the
    /// function, with enclosing functions for a nested one.
    pub(crate) fn name(&self) -> String {
        self.name_among(&body_paths())
    }

    /// `name`, given `body_paths()`: for naming many sites, which share
    /// that list.
    pub(crate) fn name_among(&self, bodies: &[&str]) -> String {
        let path = without_body_closures((self.path)(), bodies);
        function_name(&path, self.module)
    }
}

/// The paths of the called functions whose body is a closure to the
/// compiler (see `Site::body_in_closure`).
pub(crate) fn body_paths() -> Vec<&'static str> {
    let mut bodies = Vec::new();
    Site::for_each(|site| {
        if site.body_in_closure {
            bodies.push(body_path((site.path)()));
        }
    });
    bodies
}

/// From now on, calls count themselves in their site's `active`.
pub(crate) fn track_active() {
    TRACK_ACTIVE.store(1, Ordering::Relaxed);
}

/// Whether calls count themselves in their site's `active`.
#[inline(always)]
pub(crate) fn tracking_active() -> bool {
    relaxed::load(&TRACK_ACTIVE) != 0
}

/// Whether a thread may keep a function's table among its recent ones,
/// where a call's common start finds it (`record::recent_table`). Not
/// while calls are tracked, so that the common start and end need no test
/// for it: every call of a tracked process starts from the thread's record
/// instead, and counts itself there. Nor before the process's first call
/// has settled whether calls are tracked: a thread whose first call races
/// it starts its calls from its record meanwhile.
pub(crate) fn calls_may_keep_recent_tables() -> bool {
    FIRST_CALL_DONE.load(Ordering::Acquire) && !tracking_active()
}

/// A call of `site` started (while calls are tracked).
pub(crate) fn call_started(site: &Site) {
    site.active.fetch_add(1, Ordering::Relaxed);
    if !site.touched.load(Ordering::Relaxed) {
        site.touched.store(true, Ordering::Relaxed);
    }
}

/// A call of `site` finished (while calls are tracked).
pub(crate) fn call_finished(site: &Site) {
    site.active.fetch_sub(1, Ordering::Relaxed);
}

/// The path of the function's body, from the `type_name` of the item
/// `#[profile]` nests in it: `app::run` from `app::run::__memprof_here`, and
/// from `app::fetch::{{closure}}::__memprof_here` (an `async fn`).
fn body_path(here: &str) -> &str {
    let path = here.strip_suffix("::__memprof_here").unwrap_or(here);
    path.strip_suffix("::{{closure}}").unwrap_or(path)
}

/// `path` without the `{{closure}}` of each function in `bodies` whose body
/// is a closure: an item nested in such a function is named as written.
/// Closures the user wrote stay: they are nested in that one.
///
/// `app::run::{{closure}}::inner::{{closure}}::f::__memprof_here`, with
/// bodies `app::run` and `app::run::{{closure}}::inner`, is
/// `app::run::inner::f::__memprof_here`.
fn without_body_closures(path: &str, bodies: &[&str]) -> String {
    const CLOSURE: &str = "::{{closure}}";
    let mut ends: Vec<usize> = bodies
        .iter()
        .filter(|body| {
            path.strip_prefix(**body)
                .is_some_and(|rest| rest.starts_with(CLOSURE))
        })
        .map(|body| body.len())
        .collect();
    ends.sort_unstable();
    ends.dedup();
    let mut out = String::with_capacity(path.len());
    let mut from = 0;
    for end in ends {
        out.push_str(&path[from..end]);
        from = end + CLOSURE.len();
    }
    out.push_str(&path[from..]);
    out
}

/// The report name of a function, from `path`, the `type_name` of an item
/// nested in it (`<app::A as core::fmt::Display>::fmt::__memprof_here`), and
/// `module`, the module it is written in (`app`).
///
/// - a free function, a nested one, an inherent method: the path as the
///   compiler writes it, with generic arguments that are all placeholders
///   dropped (`app::Index<_>::add` is `app::Index::add`);
/// - a method of a trait impl: `app::<A as Display>::fmt`, the type and
///   trait by their own names, so that `Display::fmt` and `Debug::fmt` of
///   one type are two functions.
pub(crate) fn function_name(path: &str, module: &str) -> String {
    let path = path.strip_suffix("::__memprof_here").unwrap_or(path);
    // An `async fn`'s body is a closure to the compiler.
    let path = path.strip_suffix("::{{closure}}").unwrap_or(path);
    if let Some(rest) = path.strip_prefix('<') {
        if let Some(close) = matching_angle(rest) {
            let inside = &rest[..close];
            let after = &rest[close + 1..];
            let qualified = match split_as(inside) {
                Some((ty, tr)) => format!("<{} as {}>", short_paths(ty), short_paths(tr)),
                None => format!("<{}>", short_paths(inside)),
            };
            return format!("{module}::{qualified}{after}");
        }
    }
    drop_placeholder_arguments(path)
}

/// The index in `text` of the `>` closing an already opened `<`.
fn matching_angle(text: &str) -> Option<usize> {
    let mut depth = 1usize;
    for (i, c) in text.char_indices() {
        match c {
            '<' => depth += 1,
            '>' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// `T as Trait` at the top level of `inside` (not inside generic
/// arguments), split in two.
fn split_as(inside: &str) -> Option<(&str, &str)> {
    let mut depth = 0usize;
    let bytes = inside.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'<' | b'(' | b'[' => depth += 1,
            b'>' | b')' | b']' => depth = depth.saturating_sub(1),
            b' ' if depth == 0 && inside[i..].starts_with(" as ") => {
                return Some((&inside[..i], &inside[i + 4..]));
            }
            _ => {}
        }
    }
    None
}

/// Every path in a type written by its last segment:
/// `alloc::vec::Vec<alloc::string::String>` is `Vec<String>`.
fn short_paths(ty: &str) -> String {
    let mut out = String::with_capacity(ty.len());
    // Where, in `out`, the path being written began.
    let mut path_start = 0;
    let mut rest = ty;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("::") {
            out.truncate(path_start);
            rest = after;
            continue;
        }
        out.push(c);
        if !(c.is_alphanumeric() || c == '_') {
            path_start = out.len();
        }
        rest = &rest[c.len_utf8()..];
    }
    drop_placeholder_arguments(&out)
}

/// `Index<_>::add` is `Index::add`: generic arguments that only say "some
/// type" tell the reader nothing. Concrete ones (`Wrapper<u8>`) stay.
fn drop_placeholder_arguments(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match matching_angle(after) {
            Some(close) => {
                let arguments = &after[..close];
                let placeholders = arguments.split(',').all(|a| matches!(a.trim(), "_" | "'_"));
                if !placeholders {
                    out.push('<');
                    out.push_str(arguments);
                    out.push('>');
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::function_name;

    #[test]
    fn free_and_nested_functions_keep_their_path() {
        assert_eq!(
            function_name("app::parse::__memprof_here", "app"),
            "app::parse"
        );
        assert_eq!(
            function_name("app::parse::parse::__memprof_here", "app"),
            "app::parse::parse"
        );
        assert_eq!(
            function_name("app::run::{{closure}}::inner::__memprof_here", "app"),
            "app::run::{{closure}}::inner"
        );
        assert_eq!(
            function_name("app::fetch::{{closure}}::__memprof_here", "app"),
            "app::fetch"
        );
    }

    #[test]
    fn closures_that_are_function_bodies_are_not_in_names() {
        use super::{body_path, without_body_closures};
        let bodies = [
            body_path("app::run::__memprof_here"),
            body_path("app::run::{{closure}}::inner::__memprof_here"),
            body_path("app::fetch::{{closure}}::__memprof_here"),
        ];
        assert_eq!(
            bodies,
            ["app::run", "app::run::{{closure}}::inner", "app::fetch"]
        );
        assert_eq!(
            without_body_closures(
                "app::run::{{closure}}::inner::{{closure}}::f::__memprof_here",
                &bodies
            ),
            "app::run::inner::f::__memprof_here"
        );
        // A closure the user wrote, inside the body's.
        assert_eq!(
            without_body_closures(
                "app::run::{{closure}}::{{closure}}::g::__memprof_here",
                &bodies
            ),
            "app::run::{{closure}}::g::__memprof_here"
        );
        assert_eq!(
            without_body_closures("app::fetch::{{closure}}::__memprof_here", &bodies),
            "app::fetch::__memprof_here"
        );
        // `app::runner` is not nested in `app::run`.
        assert_eq!(
            without_body_closures("app::runner::{{closure}}::h::__memprof_here", &bodies),
            "app::runner::{{closure}}::h::__memprof_here"
        );
    }

    #[test]
    fn methods_are_named_with_their_type() {
        assert_eq!(
            function_name("app::Index::add::__memprof_here", "app"),
            "app::Index::add"
        );
        assert_eq!(
            function_name("app::W<_>::get::__memprof_here", "app"),
            "app::W::get"
        );
        assert_eq!(
            function_name("app::W<u8>::get::__memprof_here", "app"),
            "app::W<u8>::get"
        );
        assert_eq!(
            function_name("app::Shape::area::__memprof_here", "app"),
            "app::Shape::area"
        );
    }

    #[test]
    fn trait_impl_methods_name_the_type_and_the_trait() {
        assert_eq!(
            function_name("<app::A as core::fmt::Display>::fmt::__memprof_here", "app"),
            "app::<A as Display>::fmt"
        );
        assert_eq!(
            function_name("<app::A as core::fmt::Debug>::fmt::__memprof_here", "app"),
            "app::<A as Debug>::fmt"
        );
        assert_eq!(
            function_name(
                "<app::W<_> as core::convert::From<alloc::string::String>>::from::__memprof_here",
                "app"
            ),
            "app::<W as From<String>>::from"
        );
        assert_eq!(
            function_name(
                "<app::A as app::Tr>::go::inner::__memprof_here",
                "app::nested"
            ),
            "app::nested::<A as Tr>::go::inner"
        );
    }
}
