//! The persons present underground: each person's latest fix, in an R-tree of their plan
//! positions so that a withdrawal list is a range query, not a scan of everyone.

use crate::geometry::point_segment_distance;
use crate::model::monitoring::parse_time;
use crate::model::{Fix, ShortText};
use chrono::{DateTime, Duration, FixedOffset};
use rstar::primitives::GeomWithData;
use rstar::{RTree, AABB};
use std::collections::HashMap;

type Entry = GeomWithData<[f64; 2], u32>;

#[derive(Debug, Clone)]
struct Latest {
    id: ShortText,
    time: DateTime<FixedOffset>,
    pos: [f64; 3],
}

/// Every person's latest fix.
#[derive(Debug, Clone, Default)]
pub struct Presence {
    slots: HashMap<ShortText, u32>,
    latest: Vec<Latest>,
    tree: RTree<Entry>,
}

impl Presence {
    pub fn new(fixes: &[Fix]) -> Self {
        let mut p = Self::default();
        for f in fixes {
            p.note(f);
        }
        p.tree = RTree::bulk_load(
            p.latest.iter().enumerate().map(|(i, l)| Entry::new([l.pos[0], l.pos[1]], i as u32)).collect(),
        );
        p
    }

    /// Record a fix without touching the tree; true when it is the person's latest.
    fn note(&mut self, f: &Fix) -> Option<(u32, Option<[f64; 2]>)> {
        let t = parse_time(&f.time)?;
        match self.slots.get(&f.person_id) {
            Some(&i) => {
                let l = &mut self.latest[i as usize];
                if t < l.time {
                    return None;
                }
                let old = [l.pos[0], l.pos[1]];
                l.time = t;
                l.pos = f.pos;
                Some((i, Some(old)))
            }
            None => {
                let i = self.latest.len() as u32;
                self.slots.insert(f.person_id.clone(), i);
                self.latest.push(Latest { id: f.person_id.clone(), time: t, pos: f.pos });
                Some((i, None))
            }
        }
    }

    /// Take a new fix into account.
    pub fn update(&mut self, f: &Fix) {
        if let Some((i, old)) = self.note(f) {
            if let Some(old) = old {
                self.tree.remove(&Entry::new(old, i));
            }
            self.tree.insert(Entry::new([f.pos[0], f.pos[1]], i));
        }
    }

    fn present(&self, i: u32, t: DateTime<FixedOffset>, window: Duration) -> bool {
        self.latest[i as usize].time >= t - window
    }

    /// Every present person (sorted).
    pub fn all(&self, t: DateTime<FixedOffset>, window: Duration) -> Vec<String> {
        let mut v: Vec<String> = (0..self.latest.len() as u32)
            .filter(|&i| self.present(i, t, window))
            .map(|i| self.latest[i as usize].id.to_string())
            .collect();
        v.sort();
        v
    }

    /// The present persons within plan distance `r` of a polyline (or a point), at or below
    /// `z_max` when given (an unknown z counts as below); sorted.
    pub fn near_line(
        &self,
        line: &[[f64; 3]],
        r: f64,
        t: DateTime<FixedOffset>,
        window: Duration,
        z_max: Option<f64>,
    ) -> Vec<String> {
        let mut hit = vec![false; self.latest.len()];
        let segs: Vec<([f64; 2], [f64; 2])> = match line {
            [] => Vec::new(),
            [p] => vec![([p[0], p[1]], [p[0], p[1]])],
            _ => line.windows(2).map(|w| ([w[0][0], w[0][1]], [w[1][0], w[1][1]])).collect(),
        };
        for (a, b) in segs {
            let env =
                AABB::from_corners([a[0].min(b[0]) - r, a[1].min(b[1]) - r], [a[0].max(b[0]) + r, a[1].max(b[1]) + r]);
            for e in self.tree.locate_in_envelope(&env) {
                let i = e.data;
                if hit[i as usize] || !self.present(i, t, window) {
                    continue;
                }
                let l = &self.latest[i as usize];
                if point_segment_distance([l.pos[0], l.pos[1]], a, b) > r {
                    continue;
                }
                if z_max.is_some_and(|z| l.pos[2] > z) {
                    continue;
                }
                hit[i as usize] = true;
            }
        }
        let mut v: Vec<String> =
            hit.iter().enumerate().filter(|(_, h)| **h).map(|(i, _)| self.latest[i].id.to_string()).collect();
        v.sort();
        v
    }

    /// A person's latest fix: time and position.
    pub fn latest(&self, person: &str) -> Option<(DateTime<FixedOffset>, [f64; 3])> {
        self.slots.get(person).map(|&i| (self.latest[i as usize].time, self.latest[i as usize].pos))
    }

    pub fn len(&self) -> usize {
        self.latest.len()
    }

    pub fn is_empty(&self) -> bool {
        self.latest.is_empty()
    }
}
