//! Command-line conventions: colour, versions, completions, man pages, values parsed by clap,
//! JSON warnings as located objects.

use crate::common::*;

const AS_OF: &str = "2026-11-29";

#[test]
fn color_always_never_and_no_color() {
    let coal = sample("coal-mine");
    let o = minehaz(&["--color", "always", "check", p(&coal), "--as-of", AS_OF]);
    assert!(stdout(&o).contains("\u{1b}["), "ANSI colour with --color always");
    let o = minehaz(&["--color", "never", "check", p(&coal), "--as-of", AS_OF]);
    assert!(!stdout(&o).contains("\u{1b}["));
    // On a terminal (a pseudo-terminal from util-linux `script`, which CI's Debian has): colour
    // by default, none with NO_COLOR. Piped, auto is plain as well.
    let on_tty = |no_color: bool| {
        // stderr away: the spinner there is not colour.
        let cmd =
            format!("'{}' --lang en check '{}' --as-of {AS_OF} 2>/dev/null", env!("CARGO_BIN_EXE_minehaz"), p(&coal));
        let mut c = std::process::Command::new("script");
        c.args(["-qec", &cmd, "/dev/null"]).env_remove("NO_COLOR");
        if no_color {
            c.env("NO_COLOR", "1");
        }
        let o = c.output().expect("script (util-linux)");
        String::from_utf8_lossy(&o.stdout).to_string()
    };
    assert!(on_tty(false).contains("\u{1b}["), "colour on a terminal");
    assert!(!on_tty(true).contains("\u{1b}["), "NO_COLOR on a terminal");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_minehaz"))
        .args(["--lang", "en", "check", p(&coal), "--as-of", AS_OF])
        .env_remove("NO_COLOR")
        .output()
        .expect("run");
    assert!(!String::from_utf8_lossy(&o.stdout).contains("\u{1b}["), "piped: plain");
}

#[test]
fn subcommands_have_versions_completions_and_man_pages() {
    let o = minehaz(&["check", "--version"]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains(env!("CARGO_PKG_VERSION")), "{}", stdout(&o));
    let o = minehaz(&["completions", "bash"]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("_minehaz") && stdout(&o).contains("import-layer"));
    let d = tempfile::tempdir().expect("tmp");
    let o = minehaz(&["man", "--out", p(d.path())]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let page = std::fs::read_to_string(d.path().join("minehaz-check.1")).expect("page");
    assert!(page.contains(".TH") && page.contains("as\\-of"), "{page}");
    assert!(d.path().join("minehaz.1").exists());
}

#[test]
fn an_unknown_view_is_refused_by_clap_with_the_possible_values() {
    let o = minehaz(&["render", p(&sample("coal-mine")), "--view", "top", "--out", "x.png"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("plan") && stderr(&o).contains("section"), "{}", stderr(&o));
}

#[test]
fn json_warnings_are_located_objects() {
    let d = tempfile::tempdir().expect("tmp");
    let mut layers = valid_layers();
    layers[1].fields.push(("colour", minehaz_core::model::record::FieldType::Text));
    write_package(d.path(), SURVEY_TOML, &layers);
    let o = minehaz(&["info", p(d.path()), "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let w = v["warnings"].as_array().expect("warnings");
    let extra = w.iter().find(|w| w["message"].as_str().is_some_and(|m| m.contains("colour"))).expect("ignored field");
    assert_eq!(extra["layer"], "goaf");
    assert!(extra["file"].as_str().is_some_and(|f| f.ends_with("layers.gpkg")), "{extra}");
    assert!(w.iter().all(|x| x.as_object().is_some_and(|o| o.contains_key("feature") && o.contains_key("field"))));
}

#[test]
fn progress_is_not_drawn_when_stderr_is_not_a_terminal() {
    let o = minehaz(&["check", p(&sample("coal-mine")), "--as-of", AS_OF]);
    assert!(!stderr(&o).contains("reading the survey") && !stderr(&o).contains("checking the rules"), "{}", stderr(&o));
}
