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
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
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

/// A collector of problems: ingest goes on after a bad feature and reports all of them.
#[derive(Debug, Default, Clone)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    pub fn push(&mut self, p: Problem) {
        self.0.push(p);
    }
    pub fn error(&mut self, at: Location, text: Text) {
        self.0.push(Problem::error(at, text));
    }
    pub fn warning(&mut self, at: Location, text: Text) {
        self.0.push(Problem::warning(at, text));
    }
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|p| p.severity == Severity::Error)
    }
    pub fn extend(&mut self, other: Problems) {
        self.0.extend(other.0);
    }
    /// Err with every problem when any is an error, else the warnings.
    pub fn into_result(self) -> Result<Vec<Problem>> {
        if self.has_errors() {
            Err(Error::Invalid(self.0))
        } else {
            Ok(self.0)
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
