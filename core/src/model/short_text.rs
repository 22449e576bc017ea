//! [`ShortText`]: a string of up to 30 bytes kept inline, without a heap allocation — a
//! positioning fix's timestamp and person id, of which a live mine holds millions.

use std::fmt;

const INLINE: usize = 30;

/// A string that keeps up to 30 bytes inline (32 bytes in all) and a longer one on the heap.
/// It reads as a `&str` (it derefs to one) and compares, orders and hashes as its text.
#[derive(Clone)]
pub enum ShortText {
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(Box<str>),
}

impl ShortText {
    pub fn as_str(&self) -> &str {
        match self {
            // SAFETY: `bytes[..len]` was copied from a `&str` whole (see `From<&str>`), so it is
            // valid UTF-8, and `len` ≤ INLINE.
            ShortText::Inline { len, bytes } => unsafe { std::str::from_utf8_unchecked(&bytes[..*len as usize]) },
            ShortText::Heap(s) => s,
        }
    }
}

impl Default for ShortText {
    fn default() -> Self {
        ShortText::Inline { len: 0, bytes: [0; INLINE] }
    }
}

impl From<&str> for ShortText {
    fn from(s: &str) -> Self {
        if s.len() <= INLINE {
            let mut bytes = [0; INLINE];
            bytes[..s.len()].copy_from_slice(s.as_bytes());
            ShortText::Inline { len: s.len() as u8, bytes }
        } else {
            ShortText::Heap(s.into())
        }
    }
}

impl From<String> for ShortText {
    fn from(s: String) -> Self {
        if s.len() <= INLINE {
            s.as_str().into()
        } else {
            ShortText::Heap(s.into_boxed_str())
        }
    }
}

impl From<&String> for ShortText {
    fn from(s: &String) -> Self {
        s.as_str().into()
    }
}

impl std::ops::Deref for ShortText {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for ShortText {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::borrow::Borrow<str> for ShortText {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Debug for ShortText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for ShortText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq for ShortText {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for ShortText {}

impl PartialEq<str> for ShortText {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for ShortText {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialOrd for ShortText {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ShortText {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl std::hash::Hash for ShortText {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.as_str().hash(h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_keeps_any_text_and_compares_as_it() {
        assert_eq!(std::mem::size_of::<ShortText>(), 32);
        let cases =
            ["", "P0089", "2026-11-29T08:00:01.000+08:00", "2026-11-29T08:00:01.000000+08:00", "张三·井下一队", "é"];
        for s in cases {
            let t = ShortText::from(s);
            assert_eq!(t.as_str(), s);
            assert_eq!(ShortText::from(s.to_string()), t);
            assert_eq!(matches!(t, ShortText::Inline { .. }), s.len() <= INLINE, "{s}");
            assert_eq!(format!("{t}"), s);
            assert_eq!(format!("{t:?}"), format!("{s:?}"));
        }
        // 30 bytes of three-byte characters and one more: inline, then heap.
        let ten = "井".repeat(10);
        assert!(matches!(ShortText::from(ten.as_str()), ShortText::Inline { .. }));
        let eleven = "井".repeat(11);
        assert!(matches!(ShortText::from(eleven.as_str()), ShortText::Heap(_)));
        assert_eq!(&*ShortText::from(eleven.as_str()), eleven);
        let mut v: Vec<ShortText> =
            ["b", "a", "2026-11-29T08:00:01.000000000+08:00", "c"].map(ShortText::from).to_vec();
        v.sort();
        assert_eq!(
            v.iter().map(|t| t.as_str()).collect::<Vec<_>>(),
            ["2026-11-29T08:00:01.000000000+08:00", "a", "b", "c"]
        );
        let set: std::collections::HashSet<ShortText> = v.iter().cloned().collect();
        assert!(set.contains("a"));
    }
}
