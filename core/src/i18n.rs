//! Bilingual text. Users read Chinese first; English is an option (`--lang en`).
//!
//! Messages are built as [`Text`] pairs where they are raised; the language is chosen once per
//! process by the binary ([`set_lang`]) and applied when a message is displayed.

use std::fmt;
use std::sync::atomic::{AtomicU8, Ordering};

/// The user's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// 中文 (default).
    #[default]
    Zh,
    /// English.
    En,
}

static LANG: AtomicU8 = AtomicU8::new(0);

/// Set the process-wide display language.
pub fn set_lang(lang: Lang) {
    LANG.store(
        match lang {
            Lang::Zh => 0,
            Lang::En => 1,
        },
        Ordering::Relaxed,
    );
}

/// The process-wide display language.
pub fn lang() -> Lang {
    match LANG.load(Ordering::Relaxed) {
        1 => Lang::En,
        _ => Lang::Zh,
    }
}

/// A message in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self { zh: zh.into(), en: en.into() }
    }

    /// A text that reads the same in both languages (an id, a number).
    pub fn same(s: impl Into<String>) -> Self {
        let s = s.into();
        Self { zh: s.clone(), en: s }
    }

    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.get(lang()))
    }
}

/// Pick a string by the process language: `tr("中文", "English")`.
pub fn tr<'a>(zh: &'a str, en: &'a str) -> &'a str {
    match lang() {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// Build a [`Text`] from two format strings sharing arguments:
/// `text!("第 {} 行", "line {}", n)`.
#[macro_export]
macro_rules! text {
    ($zh:literal, $en:literal $(, $arg:expr)* $(,)?) => {
        $crate::i18n::Text { zh: format!($zh $(, $arg)*), en: format!($en $(, $arg)*) }
    };
}
