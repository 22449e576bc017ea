//! One module per subcommand; each calls core and prints.

pub mod audit;
pub mod bench;
pub mod check;
pub mod derive;
pub mod export;
pub mod import;
pub mod import_layer;
pub mod info;
pub mod key;
pub mod ledger;
pub mod plan;
pub mod render;
pub mod report;
pub mod rollup;
pub mod slope;
pub mod view;
pub mod watch;

/// Who is acting, for the audit log: the given author, else $USER, else $LOGNAME, else
/// "unknown".
pub fn author(given: Option<String>) -> String {
    given
        .filter(|s| !s.trim().is_empty())
        .or_else(|| ["USER", "LOGNAME"].iter().find_map(|k| std::env::var(k).ok().filter(|s| !s.is_empty())))
        .unwrap_or_else(|| "unknown".into())
}

/// Now, ISO 8601 with the local offset (audit timestamps; rules never read the clock).
pub fn now() -> String {
    chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// Display width in a terminal (CJK characters take two columns).
pub fn width(s: &str) -> usize {
    s.chars().map(|c| if ('\u{1100}'..='\u{ffdc}').contains(&c) { 2 } else { 1 }).sum()
}

/// `s` padded with spaces to display width `w`, left-aligned.
pub fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

/// `s` padded with spaces to display width `w`, right-aligned.
pub fn pad_left(s: &str, w: usize) -> String {
    format!("{}{s}", " ".repeat(w.saturating_sub(width(s))))
}

/// The `--as-of` date (YYYY-MM-DD; today when absent), checked before any work.
pub fn parse_as_of(as_of: Option<&str>) -> Result<chrono::NaiveDate, minehaz_core::Error> {
    use minehaz_core::{text, Location};
    match as_of {
        None => Ok(chrono::Local::now().date_naive()),
        Some(s) => chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
            minehaz_core::Error::at(
                Location::default().field("--as-of"),
                text!("日期格式无效: \"{}\"（应为 YYYY-MM-DD）", "invalid date \"{}\" (expected YYYY-MM-DD)", s),
            )
        }),
    }
}

/// What four numbers x1,y1,x2,y2 must span.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Span {
    /// A line: two distinct ends (`--section`).
    Line,
    /// An area: non-zero width and height (`--window`).
    Area,
}

/// Four finite numbers `x1,y1,x2,y2` (mine coordinates) for the option `field`: every part must
/// parse (nothing is silently dropped), and the ends must span a line or an area.
pub fn parse_four(s: &str, field: &str, span: Span) -> Result<[f64; 4], minehaz_core::Error> {
    use minehaz_core::Location;
    let v: Vec<f64> = s.split(',').map(|x| x.trim().parse::<f64>().unwrap_or(f64::NAN)).collect();
    let ok = v.len() == 4
        && v.iter().all(|x| x.is_finite())
        && match span {
            Span::Line => (v[0], v[1]) != (v[2], v[3]),
            Span::Area => v[0] != v[2] && v[1] != v[3],
        };
    if !ok {
        let (zh, en) = match span {
            Span::Line => ("两端不同", "with distinct ends"),
            Span::Area => ("宽高不为零", "spanning an area"),
        };
        return Err(minehaz_core::Error::at(
            Location::default().field(field),
            minehaz_core::i18n::Text::new(
                format!("{field} 无效: {s}（应为 4 个有限数 x1,y1,x2,y2，{zh}）"),
                format!("invalid {field}: {s} (expected 4 finite numbers x1,y1,x2,y2 {en})"),
            ),
        ));
    }
    Ok([v[0], v[1], v[2], v[3]])
}

/// The folder of an output file must exist (checked before any work: otherwise the atomic
/// write fails at the end, naming its temporary file).
pub fn output_folder(out: &std::path::Path) -> Result<(), minehaz_core::Error> {
    use minehaz_core::{text, Location};
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    if parent.is_dir() {
        return Ok(());
    }
    Err(minehaz_core::Error::at(
        Location::file(out).field("--out"),
        text!("输出目录不存在: {}", "the output folder does not exist: {}", parent.display()),
    ))
}

/// Refuse an output that would destroy an input or an existing file: the survey itself (a
/// `.gpkg` store, or `layers.gpkg` of a folder), any existing file without `--force`, and an
/// extension other than those of `exts`.
pub fn guard_output(
    out: &std::path::Path,
    input: &std::path::Path,
    force: bool,
    exts: &[&str],
) -> Result<(), minehaz_core::Error> {
    use minehaz_core::{text, Location};
    let at = || Location::file(out).field("--out");
    if !out.extension().is_some_and(|e| exts.iter().any(|x| e.eq_ignore_ascii_case(x))) {
        let list = exts.iter().map(|e| format!(".{e}")).collect::<Vec<_>>().join(" / ");
        return Err(minehaz_core::Error::at(
            at(),
            text!(
                "输出文件须以 {} 结尾（格式由扩展名决定）",
                "the output must end in {} (the format follows the extension)",
                list
            ),
        ));
    }
    output_folder(out)?;
    let canon = |p: &std::path::Path| std::fs::canonicalize(p).ok();
    if let Some(o) = canon(out) {
        let inputs = [Some(input.to_path_buf()), Some(input.join("layers.gpkg"))];
        if inputs.iter().flatten().filter_map(|p| canon(p)).any(|p| p == o) {
            return Err(minehaz_core::Error::at(
                at(),
                text!(
                    "输出会覆盖输入的调查数据 {}",
                    "the output would overwrite the survey being read, {}",
                    out.display()
                ),
            ));
        }
        if !force {
            return Err(minehaz_core::Error::at(
                at(),
                text!("{} 已存在；加 --force 覆盖", "{} exists; add --force to replace it", out.display()),
            ));
        }
    }
    Ok(())
}

/// Run one long step with a spinner and its elapsed time on stderr; indicatif draws nothing
/// when stderr is not a terminal (pipes, CI, tests).
pub fn step<T>(zh: &str, en: &str, f: impl FnOnce() -> T) -> T {
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    bar.set_message(minehaz_core::i18n::tr(zh, en).to_string());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    let out = f();
    bar.finish_and_clear();
    out
}

/// A progress bar on stderr in the given template (indicatif draws nothing when stderr is not
/// a terminal).
pub fn bar(template: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(1);
    bar.set_style(
        indicatif::ProgressStyle::with_template(template)
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar
}

/// Run one long step of several parts with a progress bar on stderr: `f` reports
/// `(part, done, total)` as it goes. indicatif draws nothing when stderr is not a terminal.
pub fn step_parts<T>(zh: &str, en: &str, f: impl FnOnce(&dyn Fn(&str, usize, usize)) -> T) -> T {
    let bar = bar("{msg} [{bar:30}] {pos}/{len} {elapsed}");
    let title = minehaz_core::i18n::tr(zh, en);
    bar.set_message(title.to_string());
    let out = f(&|part, done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
        bar.set_message(format!("{title}: {part}"));
    });
    bar.finish_and_clear();
    out
}

/// Assess a survey with a progress bar of the per-working rules on stderr (drawn only when
/// stderr is a terminal; a small mine finishes before it shows).
pub fn assess(
    zh: &str,
    en: &str,
    survey: minehaz_core::model::Survey,
    as_of: chrono::NaiveDate,
) -> minehaz_core::Result<minehaz_core::rules::Assessment> {
    let bar = bar("{msg} [{bar:30}] {percent}% {elapsed}");
    bar.set_message(minehaz_core::i18n::tr(zh, en).to_string());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    let out = minehaz_core::rules::Assessment::new_with_progress(survey, as_of, &|done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    });
    bar.finish_and_clear();
    out
}

/// Read a survey folder or store, with a spinner.
pub fn open(path: &std::path::Path) -> minehaz_core::Result<minehaz_core::model::Survey> {
    step("读取调查数据", "reading the survey", || minehaz_core::io::open(path))
}

/// A warning as a JSON object: `file`, `layer`, `feature`, `field`, `line`, `message` (in the
/// user's language).
pub fn warning_json(w: &minehaz_core::Problem) -> serde_json::Value {
    serde_json::json!({
        "file": w.at.file.as_ref().map(|f| f.display().to_string()),
        "layer": w.at.layer,
        "feature": w.at.feature,
        "field": w.at.field,
        "line": w.at.line,
        "message": w.text.get(minehaz_core::i18n::lang()),
    })
}

/// Warnings as a JSON array of [`warning_json`] objects (`info --format json`).
pub fn warnings_json(ws: &[minehaz_core::Problem]) -> serde_json::Value {
    serde_json::Value::Array(ws.iter().map(warning_json).collect())
}

/// The reading's warnings on stderr: as text, or with `json` (the command's `--format json`)
/// one JSON object per line ([`warning_json`]), so that a program reading the JSON report on
/// stdout reads the warnings too, located, without parsing text; stdout keeps its contract.
pub fn print_warnings_as(ws: &[minehaz_core::Problem], json: bool) {
    if !json {
        return print_warnings(ws);
    }
    for w in ws {
        eprintln!("{}", warning_json(w));
    }
}

/// Print warnings to stderr.
pub fn print_warnings(ws: &[minehaz_core::Problem]) {
    for w in ws {
        eprintln!("{w}");
    }
}

/// Mesa's window-system code complains on stderr when XDG_RUNTIME_DIR is unset (headless
/// machines, Xvfb, CI): point it at a private folder. Called before any thread is started.
pub fn quiet_mesa() {
    if std::env::var_os("XDG_RUNTIME_DIR").is_none() {
        let dir = std::env::temp_dir().join(format!("minehaz-xdg-{}", std::process::id()));
        if std::fs::create_dir_all(&dir).is_ok() {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let _ = std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700));
            }
            std::env::set_var("XDG_RUNTIME_DIR", &dir);
        }
    }
}
