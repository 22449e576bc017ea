//! Label placement, shared by the PNG renders and the viewer's window: labels are placed in
//! priority order (findings first, then workings and features, then lines), each at the first
//! free position of eight around its anchor, else farther out with a leader line back to the
//! anchor, else omitted. No two placed labels overlap, none leaves the frame and none covers
//! a blocked area (title, legend, north arrow, scale bar). A uniform grid of cells over the
//! frame holds the placed boxes, so placing n labels costs O(n) box tests, not O(n²).

use std::collections::HashMap;

/// A box in pixels, `[x0, y0, x1, y1]` with x0 < x1, y0 < y1 (y down).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl Rect {
    pub fn new(x: f32, y: f32, w: f32, h: f32) -> Self {
        Self { x0: x, y0: y, x1: x + w, y1: y + h }
    }
    /// Do the two boxes share interior (touching edges do not count)?
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }
    fn within(&self, w: f32, h: f32) -> bool {
        self.x0 >= 0.0 && self.y0 >= 0.0 && self.x1 <= w && self.y1 <= h
    }
    /// The smallest box holding both.
    pub fn union(&self, o: &Rect) -> Rect {
        Rect { x0: self.x0.min(o.x0), y0: self.y0.min(o.y0), x1: self.x1.max(o.x1), y1: self.y1.max(o.y1) }
    }
    /// The point of the box nearest to `p`.
    pub fn nearest(&self, p: [f32; 2]) -> [f32; 2] {
        [p[0].clamp(self.x0, self.x1), p[1].clamp(self.y0, self.y1)]
    }
}

/// A label to place: its anchor, its text box size and its priority (0 is placed first).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Request {
    pub anchor: [f32; 2],
    pub size: [f32; 2],
    pub priority: u8,
}

/// A placed label: which request, its box, and the leader line (anchor to box) when it was
/// moved away from its anchor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    pub index: usize,
    pub rect: Rect,
    pub leader: Option<[[f32; 2]; 2]>,
}

/// The candidate boxes for a label of `size` at `anchor`, best first: the eight positions
/// next to the anchor (upper right first, as cartographers prefer), then the same eight at two
/// farther rings, which get a leader line.
pub fn candidates(anchor: [f32; 2], size: [f32; 2]) -> impl Iterator<Item = (Rect, bool)> {
    let [x, y] = anchor;
    let [w, h] = size;
    [4.0f32, 2.0 * h + 4.0, 4.0 * h + 4.0].into_iter().enumerate().flat_map(move |(ring, g)| {
        let far = ring > 0;
        [
            (x + g, y - g - h),
            (x - g - w, y - g - h),
            (x + g, y + g),
            (x - g - w, y + g),
            (x + g, y - h / 2.0),
            (x - g - w, y - h / 2.0),
            (x - w / 2.0, y - g - h),
            (x - w / 2.0, y + g),
        ]
        .into_iter()
        .map(move |(x0, y0)| (Rect::new(x0, y0, w, h), far))
    })
}

/// The boxes placed so far, in a uniform grid of cells.
#[derive(Debug)]
pub struct Placer {
    width: f32,
    height: f32,
    cell: f32,
    rects: Vec<Rect>,
    cells: HashMap<(i32, i32), Vec<u32>>,
}

impl Placer {
    /// An empty frame of `width` × `height` px.
    pub fn new(width: f32, height: f32) -> Self {
        Self { width, height, cell: 48.0, rects: Vec::new(), cells: HashMap::new() }
    }

    fn cell_range(&self, r: &Rect) -> (std::ops::RangeInclusive<i32>, std::ops::RangeInclusive<i32>) {
        let c = |v: f32| (v / self.cell).floor() as i32;
        (c(r.x0)..=c(r.x1), c(r.y0)..=c(r.y1))
    }

    /// Is `r` inside the frame and clear of everything placed or blocked?
    pub fn is_free(&self, r: &Rect) -> bool {
        if !r.within(self.width, self.height) {
            return false;
        }
        let (xs, ys) = self.cell_range(r);
        for cy in ys {
            for cx in xs.clone() {
                if let Some(v) = self.cells.get(&(cx, cy)) {
                    if v.iter().any(|&i| self.rects[i as usize].overlaps(r)) {
                        return false;
                    }
                }
            }
        }
        true
    }

    /// Reserve `r` (a placed label, or an area nothing may cover).
    pub fn block(&mut self, r: Rect) {
        let i = self.rects.len() as u32;
        self.rects.push(r);
        let (xs, ys) = self.cell_range(&r);
        for cy in ys {
            for cx in xs.clone() {
                self.cells.entry((cx, cy)).or_default().push(i);
            }
        }
    }

    /// Place one label at its first free candidate; `None` when there is no room.
    pub fn place(&mut self, anchor: [f32; 2], size: [f32; 2]) -> Option<(Rect, Option<[[f32; 2]; 2]>)> {
        let (r, far) = candidates(anchor, size).find(|(r, _)| self.is_free(r))?;
        self.block(r);
        Some((r, far.then(|| [anchor, r.nearest(anchor)])))
    }
}

/// Place `requests` in a frame of `width` × `height` px avoiding `blocked`: by priority, then
/// in the given order. Returns the placed labels (in placement order) and how many were
/// omitted for want of room.
pub fn place(requests: &[Request], width: f32, height: f32, blocked: &[Rect]) -> (Vec<Placement>, usize) {
    let mut placer = Placer::new(width, height);
    for b in blocked {
        placer.block(*b);
    }
    let mut order: Vec<usize> = (0..requests.len()).collect();
    order.sort_by_key(|&i| requests[i].priority);
    let mut out = Vec::with_capacity(requests.len());
    for i in order {
        let q = &requests[i];
        let inside = (0.0..=width).contains(&q.anchor[0]) && (0.0..=height).contains(&q.anchor[1]);
        if !inside || !q.size.iter().all(|s| s.is_finite() && *s > 0.0) {
            continue;
        }
        if let Some((rect, leader)) = placer.place(q.anchor, q.size) {
            out.push(Placement { index: i, rect, leader });
        }
    }
    let omitted = requests
        .iter()
        .filter(|q| (0.0..=width).contains(&q.anchor[0]) && (0.0..=height).contains(&q.anchor[1]))
        .count()
        - out.len();
    (out, omitted)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::test_rng::Rng;

    fn random_requests(n: usize, seed: u64) -> Vec<Request> {
        let mut r = Rng::new(seed);
        (0..n)
            .map(|_| {
                // Clustered anchors, as findings and water lines pile up in one heading.
                let (cx, cy) = if r.f() < 0.5 { (300.0, 200.0) } else { (r.f() * 1200.0, r.f() * 800.0) };
                Request {
                    anchor: [(cx + r.f() * 40.0) as f32, (cy + r.f() * 40.0) as f32],
                    size: [(30.0 + r.f() * 120.0) as f32, 16.0],
                    priority: (r.f() * 4.0) as u8,
                }
            })
            .collect()
    }

    #[test]
    fn placed_labels_never_overlap_and_stay_in_frame() {
        let q = random_requests(2000, 7);
        let blocked = [Rect::new(900.0, 0.0, 300.0, 400.0)];
        let (placed, omitted) = place(&q, 1200.0, 800.0, &blocked);
        assert!(placed.len() > 200 && omitted > 0, "{} placed, {omitted} omitted", placed.len());
        let in_frame = q.iter().filter(|r| r.anchor[0] <= 1200.0 && r.anchor[1] <= 800.0).count();
        assert_eq!(placed.len() + omitted, in_frame);
        for (k, a) in placed.iter().enumerate() {
            assert!(a.rect.x0 >= 0.0 && a.rect.y0 >= 0.0 && a.rect.x1 <= 1200.0 && a.rect.y1 <= 800.0);
            assert!(!a.rect.overlaps(&blocked[0]), "label {} covers the legend", a.index);
            let s = q[a.index].size;
            assert!(((a.rect.x1 - a.rect.x0) - s[0]).abs() < 1e-3 && ((a.rect.y1 - a.rect.y0) - s[1]).abs() < 1e-3);
            for b in &placed[k + 1..] {
                assert!(!a.rect.overlaps(&b.rect), "labels {} and {} overlap", a.index, b.index);
            }
            // A label moved away from its anchor points back to it.
            if let Some([from, to]) = a.leader {
                assert_eq!(from, q[a.index].anchor);
                assert_eq!(to, a.rect.nearest(from));
            }
        }
    }

    #[test]
    fn higher_priority_is_never_dropped_for_a_lower_one() {
        let q = random_requests(1500, 11);
        let (placed, _) = place(&q, 1200.0, 800.0, &[]);
        let by_index: HashMap<usize, &Placement> = placed.iter().map(|p| (p.index, p)).collect();
        for (i, r) in q.iter().enumerate() {
            if by_index.contains_key(&i) || r.anchor[0] > 1200.0 || r.anchor[1] > 800.0 {
                continue;
            }
            // Every position it could have taken is inside the frame only where a label of the
            // same or a higher priority (a lower number) already sits.
            for (c, _) in candidates(r.anchor, r.size) {
                let inside = c.x0 >= 0.0 && c.y0 >= 0.0 && c.x1 <= 1200.0 && c.y1 <= 800.0;
                if !inside {
                    continue;
                }
                let blockers: Vec<u8> =
                    placed.iter().filter(|p| p.rect.overlaps(&c)).map(|p| q[p.index].priority).collect();
                assert!(!blockers.is_empty(), "request {i} was dropped though {c:?} was free");
                assert!(
                    blockers.iter().any(|&b| b <= r.priority),
                    "request {i} (priority {}) was dropped for lower-priority labels {blockers:?}",
                    r.priority
                );
            }
        }
        // All priority-0 labels of this layout found room before anything else was placed.
        let first: Vec<u8> = placed.iter().map(|p| q[p.index].priority).collect();
        assert!(first.windows(2).all(|w| w[0] <= w[1]), "placed in priority order");
    }

    #[test]
    fn a_crowded_anchor_gets_leaders_not_overlaps() {
        // Twelve labels on one spot (a heading with several findings and lines).
        let q: Vec<Request> =
            (0..12).map(|_| Request { anchor: [400.0, 300.0], size: [60.0, 14.0], priority: 1 }).collect();
        let (placed, omitted) = place(&q, 800.0, 600.0, &[]);
        assert_eq!(placed.len() + omitted, 12);
        assert!(placed.len() >= 8, "{} placed", placed.len());
        assert!(placed.iter().take(2).all(|p| p.leader.is_none()), "the first sit next to the anchor");
        assert!(placed.iter().any(|p| p.leader.is_some()), "later ones are led out");
        // Anchors outside the frame are not placed and not counted as omitted.
        let (p, o) = place(&[Request { anchor: [-5.0, 10.0], size: [10.0, 10.0], priority: 0 }], 100.0, 100.0, &[]);
        assert!(p.is_empty() && o == 0);
    }
}
