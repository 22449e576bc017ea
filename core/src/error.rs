//! Errors and problems with their location: which file, layer, feature id, field, line.
//!
//! Ingest collects every problem it meets (all of them, not only the first) as [`Problem`]s.
//! Problems of severity [`Severity::Error`] make the input invalid: the command reports all of
//! them and exits with code 2, writing nothing. Warnings are reported and the work goes on.

use crate::i18n::{lang, Lang, Text};
use std::fmt;
use std::path::{Path, PathBuf};

/// Where a problem is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    pub file: Option<PathBuf>,
    pub layer: Option<String>,
    pub feature: Option<String>,
    pub field: Option<String>,
    /// 1-based line of a text file (CSV), counting the header as line 1.
    pub line: Option<u64>,
}

impl Location {
    pub fn file(path: impl AsRef<Path>) -> Self {
        Self { file: Some(path.as_ref().to_path_buf()), ..Self::default() }
    }
    pub fn layer(mut self, layer: impl Into<String>) -> Self {
        self.layer = Some(layer.into());
        self
    }
    pub fn feature(mut self, feature: impl Into<String>) -> Self {
        self.feature = Some(feature.into());
        self
    }
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
    pub fn line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let zh = lang() == Lang::Zh;
        let mut parts: Vec<String> = Vec::new();
        if let Some(p) = &self.file {
            parts.push(format!("{}", p.display()));
        }
        if let Some(l) = self.line {
            parts.push(if zh { format!("第 {l} 行") } else { format!("line {l}") });
        }
        if let Some(l) = &self.layer {
            parts.push(if zh { format!("图层 {l}") } else { format!("layer {l}") });
        }
        if let Some(x) = &self.feature {
            parts.push(if zh { format!("要素 {x}") } else { format!("feature {x}") });
        }
        if let Some(x) = &self.field {
            parts.push(if zh { format!("字段 {x}") } else { format!("field {x}") });
        }
        f.write_str(&parts.join(", "))
    }
}

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Warning,
    Error,
}

/// One problem found in the input.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub severity: Severity,
    pub at: Location,
    pub text: Text,
}

impl Problem {
    pub fn error(at: Location, text: Text) -> Self {
        Self { severity: Severity::Error, at, text }
    }
    pub fn warning(at: Location, text: Text) -> Self {
        Self { severity: Severity::Warning, at, text }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let zh = lang() == Lang::Zh;
        let sev = match (self.severity, zh) {
            (Severity::Error, true) => "错误",
            (Severity::Error, false) => "error",
            (Severity::Warning, true) => "警告",
            (Severity::Warning, false) => "warning",
        };
        let loc = self.at.to_string();
        if loc.is_empty() {
            write!(f, "{sev}: {}", self.text)
        } else {
            write!(f, "{sev}: {loc}: {}", self.text)
        }
    }
}

/// A collector of problems: ingest goes on after a bad feature and reports all of them — up to
/// [`Problems::PER_KIND`] of one kind (same severity, file, layer and field); the rest of that
/// kind are counted and reported as one line, so a bad column in a table of millions of rows
/// gives a readable report and bounded memory, not millions of problems.
#[derive(Debug, Default, Clone)]
pub struct Problems(pub Vec<Problem>, Capped);

/// Problems kept per kind, and those left out.
#[derive(Debug, Default, Clone)]
pub struct Capped {
    kept: std::collections::HashMap<Kind, usize>,
    omitted: std::collections::BTreeMap<Kind, usize>,
}

type Kind = (Severity, Option<PathBuf>, Option<String>, Option<String>);

impl Problems {
    /// The most problems of one kind kept.
    pub const PER_KIND: usize = 100;

    pub fn push(&mut self, p: Problem) {
        let kind: Kind = (p.severity, p.at.file.clone(), p.at.layer.clone(), p.at.field.clone());
        let n = self.1.kept.entry(kind.clone()).or_insert(0);
        if *n < Self::PER_KIND {
            *n += 1;
            self.0.push(p);
        } else {
            *self.1.omitted.entry(kind).or_insert(0) += 1;
        }
    }
    pub fn error(&mut self, at: Location, text: Text) {
        self.push(Problem::error(at, text));
    }
    pub fn warning(&mut self, at: Location, text: Text) {
        self.push(Problem::warning(at, text));
    }
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|p| p.severity == Severity::Error)
    }
    /// Take over another collector's problems and its counts of those left out.
    pub fn extend(&mut self, other: Problems) {
        for p in other.0 {
            self.push(p);
        }
        for (kind, n) in other.1.omitted {
            *self.1.omitted.entry(kind).or_insert(0) += n;
        }
    }
    /// Every problem kept, then one line per kind that had more.
    fn into_list(mut self) -> Vec<Problem> {
        for ((severity, file, layer, field), n) in std::mem::take(&mut self.1.omitted) {
            let at = Location { file, layer, field, ..Location::default() };
            self.0.push(Problem {
                severity,
                at,
                text: crate::text!("……另有 {} 个同类问题未列出", "… and {} more problems of this kind, not listed", n),
            });
        }
        self.0
    }
    /// Err with every problem when any is an error, else the warnings.
    pub fn into_result(self) -> Result<Vec<Problem>> {
        let errors = self.has_errors();
        let list = self.into_list();
        if errors {
            Err(Error::Invalid(list))
        } else {
            Ok(list)
        }
    }
}

/// Errors of minehaz-core. Every variant is about the input (exit code 2) except
/// [`Error::Internal`].
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input is invalid: all its problems (errors first), each with its location.
    #[error("{}", fmt_problems(.0))]
    Invalid(Vec<Problem>),
    /// A file cannot be read or written.
    #[error("{}: {}", .path.display(), .source)]
    Io { path: PathBuf, source: std::io::Error },
    /// A fault of minehaz itself, not of the input.
    #[error("internal error: {0}")]
    Internal(String),
}

fn fmt_problems(ps: &[Problem]) -> String {
    let mut sorted: Vec<&Problem> = ps.iter().collect();
    sorted.sort_by_key(|p| std::cmp::Reverse(p.severity));
    sorted.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n")
}

impl Error {
    /// One input error at `at`.
    pub fn at(at: Location, text: Text) -> Self {
        Error::Invalid(vec![Problem::error(at, text)])
    }
    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Self {
        Error::Io { path: path.as_ref().to_path_buf(), source }
    }
    /// The process exit code for this error: 2 for bad or unreadable input, 3 for internal.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Invalid(_) | Error::Io { .. } => 2,
            Error::Internal(_) => 3,
        }
    }
    /// The problems of an invalid input (empty for other errors).
    pub fn problems(&self) -> &[Problem] {
        match self {
            Error::Invalid(p) => p,
            _ => &[],
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_of_one_kind_are_capped_and_counted() {
        let mut ps = Problems::default();
        let at = |line: u64| Location { line: Some(line), ..Location::file("p.csv").field("time") };
        for line in 2..1_000_002u64 {
            ps.error(at(line), Text::new("坏时间", "bad time"));
        }
        ps.warning(Location::file("p.csv").field("z"), Text::new("z", "z"));
        // A second collector (a parallel chunk) with its own overflow.
        let mut chunk = Problems::default();
        for line in 0..150u64 {
            chunk.error(at(line), Text::new("坏时间", "bad time"));
        }
        ps.extend(chunk);
        let Err(Error::Invalid(list)) = ps.into_result() else { panic!("errors") };
        assert_eq!(list.len(), Problems::PER_KIND + 1 + 1, "100 kept, the warning, one summary line");
        let summary = list.iter().find(|p| p.text.en.contains("more problems")).expect("summary");
        assert!(summary.text.en.contains(&format!("{}", 1_000_000 + 150 - Problems::PER_KIND)), "{}", summary.text.en);
        assert_eq!(summary.at.field.as_deref(), Some("time"));
    }
}
