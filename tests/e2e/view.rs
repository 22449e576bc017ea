//! `minehaz view`: what can be checked without a display. Bad arguments are refused before a
//! window is opened (exit 2, bilingual message); the window itself is tested with egui_kittest
//! in `app/src/view/tests.rs`.

use crate::common::*;

#[test]
fn view_refuses_a_missing_survey_before_opening_a_window() {
    let o = minehaz(&["view", "/nonexistent/survey.gpkg"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("/nonexistent/survey.gpkg"), "{}", stderr(&o));
}

#[test]
fn view_refuses_a_bad_date_and_view() {
    let mine = sample("coal-mine");
    let o = minehaz(&["view", p(&mine), "--as-of", "29.11.2026"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("invalid date"), "{}", stderr(&o));
    // Every part of the section must parse: "x" is not silently dropped to leave four numbers.
    for bad in ["1,2,x,3,4", "1,2,nan,4", "5,5,5,5"] {
        let o = minehaz(&["view", p(&mine), "--section", bad]);
        assert_eq!(code(&o), 2, "{bad}: {}", stderr(&o));
        assert!(stderr(&o).contains("--section"), "{}", stderr(&o));
    }
    let o = minehaz(&["view", p(&mine), "--view", "side"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("invalid value 'side'") && stderr(&o).contains("section"), "{}", stderr(&o));
}

#[test]
fn view_is_listed_in_the_help() {
    let o = minehaz(&["--help"]);
    assert!(stdout(&o).contains("view"), "{}", stdout(&o));
    let o = minehaz(&["view", "--help"]);
    assert_eq!(code(&o), 0);
    assert!(!stdout(&o).contains("--bench-frames"), "hidden options stay hidden");
}
