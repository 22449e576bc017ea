//! Spatial building blocks for hot loops: a static packed R-tree (Hilbert-ordered bulk load,
//! fixed fan-out, flat arrays: no pointer chasing, no allocation per query) and prepared
//! polygons (flattened edges, bounding box) with exact segment / point predicates.
//!
//! The predicates count touching as intersecting, like GEOS `intersects` and geo's
//! `Intersects`; the tests check both against geo on random data.

/// A box [min_x, min_y, max_x, max_y].
pub type Box2 = [f64; 4];

fn overlaps(a: &Box2, b: &Box2) -> bool {
    a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]
}

/// A static R-tree packed bottom-up in Hilbert order.
#[derive(Debug, Clone)]
pub struct PackedRTree {
    node_size: usize,
    /// All node boxes, level 0 (the items, in packed order) first.
    boxes: Vec<Box2>,
    /// Item index of each level-0 entry.
    items: Vec<u32>,
    /// Start offset of each level in `boxes`; the last level is the root.
    levels: Vec<usize>,
}

impl PackedRTree {
    /// Bulk-load `boxes` (item i = boxes[i]).
    pub fn new(boxes: &[Box2]) -> Self {
        let node_size = 16;
        let n = boxes.len();
        // Order the items along a Hilbert curve over their centres (as flatbush does): nearby
        // items share nodes, so node boxes stay small and square.
        let ext = boxes.iter().fold([f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY], |b, x| {
            [b[0].min(x[0]), b[1].min(x[1]), b[2].max(x[2]), b[3].max(x[3])]
        });
        let (w, h) = ((ext[2] - ext[0]).max(f64::MIN_POSITIVE), (ext[3] - ext[1]).max(f64::MIN_POSITIVE));
        let key = |b: &Box2| {
            let x = (65535.0 * ((b[0] + b[2]) / 2.0 - ext[0]) / w) as u32;
            let y = (65535.0 * ((b[1] + b[3]) / 2.0 - ext[1]) / h) as u32;
            hilbert(x, y)
        };
        let keys: Vec<u32> = boxes.iter().map(key).collect();
        let order = radix_order(&keys);
        let mut all: Vec<Box2> = order.iter().map(|&i| boxes[i as usize]).collect();
        let mut levels = vec![0];
        let (mut start, mut len) = (0, n);
        while len > node_size {
            let parents: Vec<Box2> = all[start..start + len]
                .chunks(node_size)
                .map(|c| {
                    c.iter().fold([f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY], |b, x| {
                        [b[0].min(x[0]), b[1].min(x[1]), b[2].max(x[2]), b[3].max(x[3])]
                    })
                })
                .collect();
            start += len;
            len = parents.len();
            levels.push(start);
            all.extend(parents);
        }
        Self { node_size, boxes: all, items: order, levels }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Call `f` with every item whose box overlaps `q` (touching counts).
    pub fn search(&self, q: &Box2, f: impl FnMut(usize)) {
        self.search_with(q, &mut Vec::new(), f);
    }

    /// [`Self::search`] with a caller-owned stack, for loops of many queries.
    pub fn search_with(&self, q: &Box2, stack: &mut Vec<(usize, usize)>, mut f: impl FnMut(usize)) {
        if self.items.is_empty() {
            return;
        }
        let top = self.levels.len() - 1;
        let top_len = self.boxes.len() - self.levels[top];
        stack.clear();
        stack.extend((0..top_len).map(|i| (top, i)));
        while let Some((level, i)) = stack.pop() {
            let b = &self.boxes[self.levels[level] + i];
            if !overlaps(b, q) {
                continue;
            }
            if level == 0 {
                f(self.items[i] as usize);
            } else {
                let below_len = self.levels[level] - self.levels[level - 1];
                let first = i * self.node_size;
                let last = (first + self.node_size).min(below_len);
                let base = self.levels[level - 1];
                for c in first..last {
                    if overlaps(&self.boxes[base + c], q) {
                        stack.push((level - 1, c));
                    }
                }
            }
        }
    }
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

fn orient(a: [f64; 2], b: [f64; 2], c: [f64; 2]) -> f64 {
    (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
}

fn on_segment(a: [f64; 2], b: [f64; 2], p: [f64; 2]) -> bool {
    p[0] >= a[0].min(b[0]) && p[0] <= a[0].max(b[0]) && p[1] >= a[1].min(b[1]) && p[1] <= a[1].max(b[1])
}

/// Do segments [a, b] and [c, d] meet (touching included)?
pub fn segments_intersect(a: [f64; 2], b: [f64; 2], c: [f64; 2], d: [f64; 2]) -> bool {
    let (d1, d2, d3, d4) = (orient(c, d, a), orient(c, d, b), orient(a, b, c), orient(a, b, d));
    if ((d1 > 0.0 && d2 < 0.0) || (d1 < 0.0 && d2 > 0.0)) && ((d3 > 0.0 && d4 < 0.0) || (d3 < 0.0 && d4 > 0.0)) {
        return true;
    }
    (d1 == 0.0 && on_segment(c, d, a))
        || (d2 == 0.0 && on_segment(c, d, b))
        || (d3 == 0.0 && on_segment(a, b, c))
        || (d4 == 0.0 && on_segment(a, b, d))
}

/// A polygon prepared for repeated predicates: its edges (all rings) and box.
#[derive(Debug, Clone)]
pub struct PreparedPolygon {
    pub bbox: Box2,
    edges: Vec<[f64; 4]>,
}

impl PreparedPolygon {
    pub fn new(p: &geo_types::Polygon<f64>) -> Self {
        let mut edges = Vec::new();
        let mut bbox = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
        for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
            for w in ring.0.windows(2) {
                edges.push([w[0].x, w[0].y, w[1].x, w[1].y]);
            }
        }
        for c in &p.exterior().0 {
            bbox = [bbox[0].min(c.x), bbox[1].min(c.y), bbox[2].max(c.x), bbox[3].max(c.y)];
        }
        Self { bbox, edges }
    }

    /// Point strictly inside or on the boundary (holes excluded).
    pub fn contains_or_touches(&self, p: [f64; 2]) -> bool {
        if p[0] < self.bbox[0] || p[0] > self.bbox[2] || p[1] < self.bbox[1] || p[1] > self.bbox[3] {
            return false;
        }
        let mut inside = false;
        for e in &self.edges {
            let (a, b) = ([e[0], e[1]], [e[2], e[3]]);
            if orient(a, b, p) == 0.0 && on_segment(a, b, p) {
                return true;
            }
            if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < (b[0] - a[0]) * (p[1] - a[1]) / (b[1] - a[1]) + a[0] {
                inside = !inside;
            }
        }
        inside
    }

    /// Does segment [a, b] meet the polygon (inside, crossing or touching)? One pass over the
    /// edges: any edge met → true; else `a` inside by the crossing number.
    pub fn intersects_segment(&self, a: [f64; 2], b: [f64; 2]) -> bool {
        let sb = [a[0].min(b[0]), a[1].min(b[1]), a[0].max(b[0]), a[1].max(b[1])];
        if !overlaps(&sb, &self.bbox) {
            return false;
        }
        let mut inside = false;
        for e in &self.edges {
            let (c, d) = ([e[0], e[1]], [e[2], e[3]]);
            // Edges whose box misses the segment's box cannot meet it.
            let eb = [c[0].min(d[0]), c[1].min(d[1]), c[0].max(d[0]), c[1].max(d[1])];
            if overlaps(&sb, &eb) && segments_intersect(a, b, c, d) {
                return true;
            }
            if (c[1] > a[1]) != (d[1] > a[1]) {
                // Does the edge cross the horizontal ray from `a` to +x? (sign of the
                // orientation, no division)
                let o = orient(c, d, a);
                if (o > 0.0) == (d[1] > c[1]) {
                    inside = !inside;
                }
            }
        }
        inside
    }

    /// Does a polyline meet the polygon?
    pub fn intersects_line(&self, line: &[geo_types::Coord<f64>]) -> bool {
        match line {
            [] => false,
            [p] => self.contains_or_touches([p.x, p.y]),
            _ => line.windows(2).any(|w| self.intersects_segment([w[0].x, w[0].y], [w[1].x, w[1].y])),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Intersects;

    struct Rng(u64);
    impl Rng {
        fn f(&mut self) -> f64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 >> 11) as f64 / (1u64 << 53) as f64
        }
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
        let boxes: Vec<Box2> = (0..5000)
            .map(|_| {
                let (x, y) = (r.f() * 1000.0, r.f() * 1000.0);
                [x, y, x + r.f() * 20.0, y + r.f() * 20.0]
            })
            .collect();
        let t = PackedRTree::new(&boxes);
        for _ in 0..200 {
            let (x, y) = (r.f() * 1000.0, r.f() * 1000.0);
            let q = [x, y, x + 30.0, y + 30.0];
            let mut got = Vec::new();
            t.search(&q, |i| got.push(i));
            got.sort_unstable();
            let want: Vec<usize> = (0..boxes.len()).filter(|&i| overlaps(&boxes[i], &q)).collect();
            assert_eq!(got, want);
        }
        let empty = PackedRTree::new(&[]);
        empty.search(&[0.0, 0.0, 1.0, 1.0], |_| panic!("empty"));
    }

    #[test]
    fn prepared_polygon_agrees_with_geo() {
        let mut r = Rng(11);
        let holed = geo_types::Polygon::new(
            geo_types::LineString::from(vec![(0.0, 0.0), (100.0, 0.0), (100.0, 100.0), (0.0, 100.0), (0.0, 0.0)]),
            vec![geo_types::LineString::from(vec![
                (40.0, 40.0),
                (60.0, 40.0),
                (60.0, 60.0),
                (40.0, 60.0),
                (40.0, 40.0),
            ])],
        );
        let pp = PreparedPolygon::new(&holed);
        for _ in 0..20000 {
            let a = [r.f() * 140.0 - 20.0, r.f() * 140.0 - 20.0];
            let b = [a[0] + r.f() * 30.0 - 15.0, a[1] + r.f() * 30.0 - 15.0];
            let l =
                geo_types::Line::new(geo_types::coord! { x: a[0], y: a[1] }, geo_types::coord! { x: b[0], y: b[1] });
            assert_eq!(pp.intersects_segment(a, b), l.intersects(&holed), "{a:?} {b:?}");
        }
        // Touching the outer ring and a hole's ring counts; inside the hole does not.
        assert!(pp.intersects_segment([100.0, 50.0], [120.0, 50.0]));
        assert!(pp.intersects_segment([45.0, 50.0], [40.0, 50.0]));
        assert!(!pp.intersects_segment([45.0, 50.0], [55.0, 50.0]));
    }
}
