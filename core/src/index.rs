//! The one spatial index of minehaz: every spatial query of `check`, `derive`, `plan`, `watch`
//! and picking goes through [`Index`] (or, for layers that never change, the [`PackedRTree`] it
//! is built on).
//!
//! - [`PackedRTree`]: a static R-tree packed bottom-up in Hilbert order (as flatbush does),
//!   flat arrays, fixed fan-out 16, no allocation per query; box search and best-first nearest
//!   search.
//! - [`Index`]: a packed tree plus a small overlay of items inserted or moved since it was
//!   packed, so that a working can advance its face or a zone can be redrawn without rebuilding
//!   100 000 entries; the overlay is folded into a new packed tree when it grows past
//!   `256 + n/64` items (amortised O(log n) per update, worst-case rebuild about 5 ms per
//!   100 000 items).
//!
//! Chosen by measurement: `minehaz bench` builds an [`Index`] over the hazard and zone polygon
//! boxes (as `Prepared::area_index` is built) and an `rstar::RTree` bulk-loaded over the same
//! boxes, and queries both with every working's box, as each working's rules do. Measured on
//! 2 cores (release), scale 1 (11 758 boxes, 2 895 queries, 134 004 hits): load 0.7 ms against
//! 1.5 ms, queries 3.2 ms against 4.4 ms. (Earlier, over 100 200 working-segment boxes queried
//! by 11 700 polygon boxes: load 7.6 against 15.6 ms, queries 10.8 against 22.1 ms; at scale 10
//! 257 against 393 ms and 152 against 433 ms.) Loading matters because `check` builds its
//! indexes on every run.
//!
//! Boxes are `[min_x, min_y, max_x, max_y]` in the mine CRS (metres); touching counts as
//! overlapping.

/// A box [min_x, min_y, max_x, max_y].
pub type Box2 = [f64; 4];

/// The empty box (grows to anything).
pub const EMPTY: Box2 = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];

/// Do two boxes overlap (touching counts)?
#[inline]
pub fn overlaps(a: &Box2, b: &Box2) -> bool {
    a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]
}

/// `a` grown by `b`.
#[inline]
pub fn union(a: &Box2, b: &Box2) -> Box2 {
    [a[0].min(b[0]), a[1].min(b[1]), a[2].max(b[2]), a[3].max(b[3])]
}

/// `b` grown by `d` on every side.
#[inline]
pub fn expand(b: &Box2, d: f64) -> Box2 {
    [b[0] - d, b[1] - d, b[2] + d, b[3] + d]
}

/// The box of a point.
#[inline]
pub fn point_box(p: [f64; 2]) -> Box2 {
    [p[0], p[1], p[0], p[1]]
}

/// The box of plan points.
pub fn box_of(points: impl IntoIterator<Item = [f64; 2]>) -> Box2 {
    points.into_iter().fold(EMPTY, |b, p| [b[0].min(p[0]), b[1].min(p[1]), b[2].max(p[0]), b[3].max(p[1])])
}

/// The plan box of 3D vertices.
pub fn box_of_3d(points: &[[f64; 3]]) -> Box2 {
    box_of(points.iter().map(|p| [p[0], p[1]]))
}

/// Squared distance from a point to a box (0 inside).
#[inline]
pub fn box_distance2(b: &Box2, p: [f64; 2]) -> f64 {
    let dx = (b[0] - p[0]).max(0.0).max(p[0] - b[2]);
    let dy = (b[1] - p[1]).max(0.0).max(p[1] - b[3]);
    dx * dx + dy * dy
}

/// Distance between two boxes (0 when they overlap).
#[inline]
pub fn box_box_distance(a: &Box2, b: &Box2) -> f64 {
    let dx = (a[0] - b[2]).max(0.0).max(b[0] - a[2]);
    let dy = (a[1] - b[3]).max(0.0).max(b[1] - a[3]);
    dx.hypot(dy)
}

const NODE: usize = 16;

/// The depth-first stack of a query, on the call stack: a query pushes at most the top level
/// (≤ 16) plus 15 per level below (≤ 9 levels for 2^32 items), well under its 256 entries; a
/// deeper tree spills to the heap instead of failing.
struct Stack {
    fixed: [(u32, u32); 256],
    len: usize,
    spill: Vec<(u32, u32)>,
}

impl Stack {
    fn new() -> Self {
        Self { fixed: [(0, 0); 256], len: 0, spill: Vec::new() }
    }
    fn push(&mut self, v: (u32, u32)) {
        if self.len < self.fixed.len() {
            self.fixed[self.len] = v;
            self.len += 1;
        } else {
            self.spill.push(v);
        }
    }
    fn pop(&mut self) -> Option<(u32, u32)> {
        if let Some(v) = self.spill.pop() {
            return Some(v);
        }
        (self.len > 0).then(|| {
            self.len -= 1;
            self.fixed[self.len]
        })
    }
}

/// A static R-tree packed bottom-up in Hilbert order.
#[derive(Debug, Clone, Default)]
pub struct PackedRTree {
    /// All node boxes, level 0 (the items, in packed order) first.
    boxes: Vec<Box2>,
    /// Item index of each level-0 entry.
    items: Vec<u32>,
    /// Start offset of each level in `boxes`; the last level is the root level.
    levels: Vec<usize>,
}

impl PackedRTree {
    /// Bulk-load `boxes` (item i = boxes[i]).
    pub fn new(boxes: &[Box2]) -> Self {
        Self::from_items(boxes.iter().enumerate().map(|(i, b)| (i as u32, *b)).collect())
    }

    /// Bulk-load (item id, box) pairs.
    pub fn from_items(entries: Vec<(u32, Box2)>) -> Self {
        let n = entries.len();
        if n == 0 {
            return Self::default();
        }
        // Order along a Hilbert curve over the box centres: nearby items share nodes.
        let ext = entries.iter().fold(EMPTY, |b, (_, x)| union(&b, x));
        let (w, h) = ((ext[2] - ext[0]).max(f64::MIN_POSITIVE), (ext[3] - ext[1]).max(f64::MIN_POSITIVE));
        let keys: Vec<u32> = entries
            .iter()
            .map(|(_, b)| {
                let x = (65535.0 * (((b[0] + b[2]) / 2.0 - ext[0]) / w).clamp(0.0, 1.0)) as u32;
                let y = (65535.0 * (((b[1] + b[3]) / 2.0 - ext[1]) / h).clamp(0.0, 1.0)) as u32;
                hilbert(x, y)
            })
            .collect();
        let order = radix_order(&keys);
        let mut boxes: Vec<Box2> = Vec::with_capacity(n + n / (NODE - 1) + 2);
        let mut items = Vec::with_capacity(n);
        for &i in &order {
            let (id, b) = entries[i as usize];
            boxes.push(b);
            items.push(id);
        }
        let mut levels = vec![0];
        let (mut start, mut len) = (0, n);
        while len > NODE {
            let parents: Vec<Box2> =
                boxes[start..start + len].chunks(NODE).map(|c| c.iter().fold(EMPTY, |a, b| union(&a, b))).collect();
            start += len;
            len = parents.len();
            levels.push(start);
            boxes.extend(parents);
        }
        Self { boxes, items, levels }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The box of everything.
    pub fn bounds(&self) -> Box2 {
        match self.levels.last() {
            Some(&top) => self.boxes[top..].iter().fold(EMPTY, |a, b| union(&a, b)),
            None => EMPTY,
        }
    }

    fn children(&self, level: usize, i: usize) -> std::ops::Range<usize> {
        let below_len = self.levels[level] - self.levels[level - 1];
        let first = i * NODE;
        first..(first + NODE).min(below_len)
    }

    /// Call `f` with every item whose box overlaps `q` (touching counts).
    pub fn search(&self, q: &Box2, mut f: impl FnMut(usize)) {
        self.any(q, |i| {
            f(i);
            false
        });
    }

    /// Is any item's box overlapping `q` and accepted by `pred`? Stops at the first.
    pub fn any(&self, q: &Box2, mut pred: impl FnMut(usize) -> bool) -> bool {
        if self.items.is_empty() {
            return false;
        }
        let top = self.levels.len() - 1;
        let top_len = self.boxes.len() - self.levels[top];
        let mut stack = Stack::new();
        for i in 0..top_len {
            stack.push((top as u32, i as u32));
        }
        while let Some((level, i)) = stack.pop() {
            let (level, i) = (level as usize, i as usize);
            if !overlaps(&self.boxes[self.levels[level] + i], q) {
                continue;
            }
            if level == 0 {
                if pred(self.items[i] as usize) {
                    return true;
                }
                continue;
            }
            let base = self.levels[level - 1];
            for c in self.children(level, i) {
                if overlaps(&self.boxes[base + c], q) {
                    if level == 1 {
                        if pred(self.items[c] as usize) {
                            return true;
                        }
                    } else {
                        stack.push((level as u32 - 1, c as u32));
                    }
                }
            }
        }
        false
    }

    /// Best-first nearest search: the item minimising `exact(item)`, where `lower(box)` is a
    /// lower bound of `exact` for every item inside `box` (e.g. the distance from the query to
    /// the box). Items whose bound exceeds `max` are not considered. Returns (item, value).
    pub fn nearest_by(
        &self,
        max: f64,
        mut lower: impl FnMut(&Box2) -> f64,
        mut exact: impl FnMut(usize) -> f64,
    ) -> Option<(usize, f64)> {
        use std::cmp::Ordering;
        use std::collections::BinaryHeap;
        #[derive(PartialEq)]
        struct E(f64, u32, u32);
        impl Eq for E {}
        impl PartialOrd for E {
            fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
                Some(self.cmp(o))
            }
        }
        impl Ord for E {
            fn cmp(&self, o: &Self) -> Ordering {
                o.0.total_cmp(&self.0)
            }
        }
        if self.items.is_empty() {
            return None;
        }
        let top = self.levels.len() - 1;
        let top_len = self.boxes.len() - self.levels[top];
        let mut heap = BinaryHeap::new();
        for i in 0..top_len {
            let d = lower(&self.boxes[self.levels[top] + i]);
            if d <= max {
                heap.push(E(d, top as u32, i as u32));
            }
        }
        let mut best: Option<(usize, f64)> = None;
        while let Some(E(d, level, i)) = heap.pop() {
            if best.is_some_and(|(_, b)| d >= b) {
                break;
            }
            let (level, i) = (level as usize, i as usize);
            if level == 0 {
                let item = self.items[i] as usize;
                let v = exact(item);
                if v <= max && best.is_none_or(|(_, b)| v < b) {
                    best = Some((item, v));
                }
                continue;
            }
            let base = self.levels[level - 1];
            for c in self.children(level, i) {
                let d = lower(&self.boxes[base + c]);
                if d <= max && best.is_none_or(|(_, b)| d < b) {
                    heap.push(E(d, level as u32 - 1, c as u32));
                }
            }
        }
        best
    }
}

/// A spatial index over items identified by dense ids `0..n` (slots), that can also insert,
/// move and remove items: a [`PackedRTree`] plus an overlay of recent changes.
#[derive(Debug, Clone, Default)]
pub struct Index {
    packed: PackedRTree,
    /// The current box of every slot (None: absent).
    boxes: Vec<Option<Box2>>,
    /// Whether the packed tree's entry for the slot is current.
    in_packed: Vec<bool>,
    /// Slots present but not (currently) in the packed tree.
    overlay: Vec<usize>,
    overlay_pos: Vec<usize>,
}

const NOT_IN_OVERLAY: usize = usize::MAX;

impl Index {
    /// Index `boxes[i]` for slot i (None: slot absent).
    pub fn new(boxes: Vec<Option<Box2>>) -> Self {
        let entries: Vec<(u32, Box2)> =
            boxes.iter().enumerate().filter_map(|(i, b)| b.map(|b| (i as u32, b))).collect();
        let n = boxes.len();
        let in_packed = boxes.iter().map(Option::is_some).collect();
        Self {
            packed: PackedRTree::from_items(entries),
            boxes,
            in_packed,
            overlay: Vec::new(),
            overlay_pos: vec![NOT_IN_OVERLAY; n],
        }
    }

    /// Index every box (slot i = boxes[i]).
    pub fn from_boxes(boxes: impl IntoIterator<Item = Box2>) -> Self {
        Self::new(boxes.into_iter().map(Some).collect())
    }

    /// Number of slots (present or not).
    pub fn slots(&self) -> usize {
        self.boxes.len()
    }

    /// The current box of a slot.
    pub fn bbox(&self, slot: usize) -> Option<Box2> {
        self.boxes.get(slot).copied().flatten()
    }

    /// Insert, move (Some) or remove (None) the item in `slot` (slots beyond the end are added).
    pub fn set(&mut self, slot: usize, b: Option<Box2>) {
        if slot >= self.boxes.len() {
            self.boxes.resize(slot + 1, None);
            self.in_packed.resize(slot + 1, false);
            self.overlay_pos.resize(slot + 1, NOT_IN_OVERLAY);
        }
        // A present slot is always either in the packed tree or in the overlay.
        if self.boxes[slot] == b {
            return;
        }
        self.boxes[slot] = b;
        self.in_packed[slot] = false;
        let pos = self.overlay_pos[slot];
        match (b.is_some(), pos != NOT_IN_OVERLAY) {
            (true, false) => {
                self.overlay_pos[slot] = self.overlay.len();
                self.overlay.push(slot);
            }
            (false, true) => {
                self.overlay.swap_remove(pos);
                if let Some(&moved) = self.overlay.get(pos) {
                    self.overlay_pos[moved] = pos;
                }
                self.overlay_pos[slot] = NOT_IN_OVERLAY;
            }
            _ => {}
        }
        if self.overlay.len() > 256 + self.boxes.len() / 64 {
            *self = Self::new(std::mem::take(&mut self.boxes));
        }
    }

    /// Call `f` with every present slot whose box overlaps `q`.
    pub fn search(&self, q: &Box2, mut f: impl FnMut(usize)) {
        self.packed.search(q, |i| {
            if self.in_packed[i] {
                f(i)
            }
        });
        for &i in &self.overlay {
            if let Some(b) = &self.boxes[i] {
                if overlaps(b, q) {
                    f(i);
                }
            }
        }
    }

    /// Slots (sorted) whose box comes within `d` of `q`.
    pub fn near(&self, q: &Box2, d: f64) -> Vec<usize> {
        let mut v = Vec::new();
        self.search(&expand(q, d), |i| v.push(i));
        v.sort_unstable();
        v
    }

    /// Is any slot whose box overlaps `q` accepted by `pred`?
    pub fn any(&self, q: &Box2, mut pred: impl FnMut(usize) -> bool) -> bool {
        if self.packed.any(q, |i| self.in_packed[i] && pred(i)) {
            return true;
        }
        self.overlay.iter().any(|&i| self.boxes[i].is_some_and(|b| overlaps(&b, q)) && pred(i))
    }
}

/// Indices of `points` along a Hilbert curve over their extent (non-finite points last): for
/// batches of point queries, so that consecutive queries touch the same tree nodes and a
/// "last hit" cache works.
pub fn hilbert_order(points: &[[f64; 2]]) -> Vec<u32> {
    let ext =
        points.iter().filter(|p| p[0].is_finite() && p[1].is_finite()).fold(EMPTY, |b, p| union(&b, &point_box(*p)));
    let (w, h) = ((ext[2] - ext[0]).max(f64::MIN_POSITIVE), (ext[3] - ext[1]).max(f64::MIN_POSITIVE));
    let keys: Vec<u32> = points
        .iter()
        .map(|p| {
            if !(p[0].is_finite() && p[1].is_finite()) {
                return u32::MAX;
            }
            let x = (65535.0 * ((p[0] - ext[0]) / w).clamp(0.0, 1.0)) as u32;
            let y = (65535.0 * ((p[1] - ext[1]) / h).clamp(0.0, 1.0)) as u32;
            hilbert(x, y)
        })
        .collect();
    radix_order(&keys)
}

/// Indices of `keys` in ascending key order (stable LSD radix sort, 4 passes of 8 bits): linear
/// time, several times faster than a comparison sort for the bulk load.
fn radix_order(keys: &[u32]) -> Vec<u32> {
    let n = keys.len();
    let mut order: Vec<u32> = (0..n as u32).collect();
    let mut tmp = vec![0u32; n];
    for shift in [0u32, 8, 16, 24] {
        let mut count = [0usize; 257];
        for &i in &order {
            count[((keys[i as usize] >> shift) & 0xFF) as usize + 1] += 1;
        }
        for b in 0..256 {
            count[b + 1] += count[b];
        }
        for &i in &order {
            let b = ((keys[i as usize] >> shift) & 0xFF) as usize;
            tmp[count[b]] = i;
            count[b] += 1;
        }
        std::mem::swap(&mut order, &mut tmp);
    }
    order
}

/// Position of (x, y) (16-bit each) along a Hilbert curve (after flatbush / rawrunprotected).
fn hilbert(x: u32, y: u32) -> u32 {
    let mut a = x ^ y;
    let mut b = 0xFFFF ^ a;
    let mut c = 0xFFFF ^ (x | y);
    let mut d = x & (y ^ 0xFFFF);
    let mut aa = a | (b >> 1);
    let mut bb = (a >> 1) ^ a;
    let mut cc = ((c >> 1) ^ (b & (d >> 1))) ^ c;
    let mut dd = ((a & (c >> 1)) ^ (d >> 1)) ^ d;
    (a, b, c, d) = (aa, bb, cc, dd);
    aa = (a & (a >> 2)) ^ (b & (b >> 2));
    bb = (a & (b >> 2)) ^ (b & ((a ^ b) >> 2));
    cc ^= (a & (c >> 2)) ^ (b & (d >> 2));
    dd ^= (b & (c >> 2)) ^ ((a ^ b) & (d >> 2));
    (a, b, c, d) = (aa, bb, cc, dd);
    aa = (a & (a >> 4)) ^ (b & (b >> 4));
    bb = (a & (b >> 4)) ^ (b & ((a ^ b) >> 4));
    cc ^= (a & (c >> 4)) ^ (b & (d >> 4));
    dd ^= (b & (c >> 4)) ^ ((a ^ b) & (d >> 4));
    (a, b, c, d) = (aa, bb, cc, dd);
    cc ^= (a & (c >> 8)) ^ (b & (d >> 8));
    dd ^= (b & (c >> 8)) ^ ((a ^ b) & (d >> 8));
    a = cc ^ (cc >> 1);
    b = dd ^ (dd >> 1);
    let mut i0 = x ^ y;
    let mut i1 = b | (0xFFFF ^ (i0 | a));
    i0 = (i0 | (i0 << 8)) & 0x00FF_00FF;
    i0 = (i0 | (i0 << 4)) & 0x0F0F_0F0F;
    i0 = (i0 | (i0 << 2)) & 0x3333_3333;
    i0 = (i0 | (i0 << 1)) & 0x5555_5555;
    i1 = (i1 | (i1 << 8)) & 0x00FF_00FF;
    i1 = (i1 | (i1 << 4)) & 0x0F0F_0F0F;
    i1 = (i1 | (i1 << 2)) & 0x3333_3333;
    i1 = (i1 | (i1 << 1)) & 0x5555_5555;
    (i1 << 1) | i0
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::test_rng::Rng;

    fn random_boxes(r: &mut Rng, n: usize) -> Vec<Box2> {
        (0..n)
            .map(|_| {
                let (x, y) = (r.f() * 1000.0, r.f() * 1000.0);
                [x, y, x + r.f() * 20.0, y + r.f() * 20.0]
            })
            .collect()
    }

    #[test]
    fn radix_order_sorts_stably() {
        let keys = [5u32, 1 << 24, 3, 5, 0, u32::MAX, 70000];
        let o = radix_order(&keys);
        let sorted: Vec<u32> = o.iter().map(|&i| keys[i as usize]).collect();
        assert_eq!(sorted, [0, 3, 5, 5, 70000, 1 << 24, u32::MAX]);
        assert!(o.iter().position(|&i| i == 0) < o.iter().position(|&i| i == 3), "stable");
    }

    #[test]
    fn packed_rtree_finds_exactly_the_overlapping_boxes() {
        let mut r = Rng(7);
        for n in [0, 1, 15, 16, 17, 300, 5000] {
            let boxes = random_boxes(&mut r, n);
            let t = PackedRTree::new(&boxes);
            for _ in 0..100 {
                let (x, y) = (r.f() * 1000.0, r.f() * 1000.0);
                let q = [x, y, x + 30.0, y + 30.0];
                let mut got = Vec::new();
                t.search(&q, |i| got.push(i));
                got.sort_unstable();
                let want: Vec<usize> = (0..boxes.len()).filter(|&i| overlaps(&boxes[i], &q)).collect();
                assert_eq!(got, want, "n = {n}");
                assert_eq!(t.any(&q, |_| true), !want.is_empty());
            }
        }
    }

    #[test]
    fn nearest_by_box_distance_is_the_true_nearest() {
        let mut r = Rng(3);
        let boxes = random_boxes(&mut r, 3000);
        let t = PackedRTree::new(&boxes);
        for _ in 0..200 {
            let p = [r.f() * 1200.0 - 100.0, r.f() * 1200.0 - 100.0];
            let exact = |i: usize| box_distance2(&boxes[i], p).sqrt();
            let got = t.nearest_by(f64::INFINITY, |b| box_distance2(b, p).sqrt(), exact).expect("some");
            let want = (0..boxes.len()).map(exact).fold(f64::INFINITY, f64::min);
            assert!((got.1 - want).abs() < 1e-12);
            // With a cap below the answer: nothing.
            if want > 0.0 {
                assert!(t.nearest_by(want * 0.5, |b| box_distance2(b, p).sqrt(), exact).is_none());
            }
        }
    }

    #[test]
    fn index_inserts_moves_and_removes_like_a_list() {
        let mut r = Rng(11);
        let mut boxes: Vec<Option<Box2>> = random_boxes(&mut r, 2000).into_iter().map(Some).collect();
        let mut idx = Index::new(boxes.clone());
        // Enough updates to cross the rebuild threshold several times.
        for step in 0..3000 {
            let slot = (r.f() * 2100.0) as usize;
            let b = if step % 7 == 0 { None } else { Some(random_boxes(&mut r, 1)[0]) };
            if slot >= boxes.len() {
                boxes.resize(slot + 1, None);
            }
            boxes[slot] = b;
            idx.set(slot, b);
            if step % 100 == 0 {
                for _ in 0..20 {
                    let (x, y) = (r.f() * 1000.0, r.f() * 1000.0);
                    let q = [x, y, x + 50.0, y + 50.0];
                    let mut got = Vec::new();
                    idx.search(&q, |i| got.push(i));
                    got.sort_unstable();
                    let want: Vec<usize> =
                        (0..boxes.len()).filter(|&i| boxes[i].is_some_and(|b| overlaps(&b, &q))).collect();
                    assert_eq!(got, want, "step {step}");
                }
            }
        }
    }
}
