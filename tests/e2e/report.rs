//! `minehaz report`: the survey report of both samples as HTML and as PDF; the PDF's pages are
//! rendered with pdftoppm (poppler-utils) and its text extracted with pdftotext, so what a
//! reader sees is checked, not only that a file was written.

use crate::common::*;
use std::path::Path;

fn tool(name: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} is needed by this test (apt-get install poppler-utils): {e}"))
}

/// The PDF's pages as PNG files (72 dpi), decoded: (width, height, share of non-white pixels).
fn pages(pdf: &Path, dir: &Path) -> Vec<(u32, u32, f64)> {
    let prefix = dir.join("page");
    let o = tool("pdftoppm", &["-r", "40", "-png", p(pdf), p(&prefix)]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("page")))
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| {
            let img = image::open(f).expect("png").to_rgb8();
            let ink = img.pixels().filter(|px| px.0.iter().any(|&c| c < 200)).count();
            (img.width(), img.height(), ink as f64 / (img.width() * img.height()) as f64)
        })
        .collect()
}

fn report(survey: &Path, out: &Path, as_of: &str, lang: &str) -> String {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_minehaz"))
        .args(["--lang", lang, "report", p(survey), "--out", p(out), "--as-of", as_of])
        .output()
        .expect("run");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    stdout(&o)
}

fn check_json(survey: &Path, as_of: &str) -> serde_json::Value {
    let o = minehaz(&["check", p(survey), "--format", "json", "--as-of", as_of]);
    serde_json::from_str(&stdout(&o)).expect("json")
}

#[test]
fn the_coal_report_with_its_ledger_is_a_readable_pdf_with_the_font_embedded() {
    let d = tempfile::tempdir().expect("tmp");
    let store = d.path().join("coal.gpkg");
    assert_eq!(code(&minehaz(&["import", p(&sample("coal-mine")), "--out", p(&store)])), 0);
    let key = d.path().join("zs.key");
    let o = minehaz(&["key", "new", "--name", "张三", "--role", "inspector", "--out", p(&key), "--into", p(&store)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = minehaz(&["ledger", "sync", p(&store), "--as-of", "2026-11-29", "--key", p(&key)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));

    // HTML: every major finding and every hazard is in it, with the levels.
    let html_path = d.path().join("report.html");
    report(&store, &html_path, "2026-11-29", "zh");
    let html = std::fs::read_to_string(&html_path).expect("read");
    let r = check_json(&store, "2026-11-29");
    for f in r["findings"].as_array().expect("findings") {
        assert!(html.contains(f["rule"].as_str().expect("rule")), "{} missing", f["rule"]);
    }
    for level in ["water", "gas", "burst"] {
        let l = r["levels"][level]["level"].as_str().expect("level");
        assert!(html.contains(&format!("class=\"lvl\">{l}<")), "{level} level {l} missing");
    }
    let n_hazards = stdout(&minehaz(&["ledger", "list", p(&store), "--format", "json"]));
    let hazards: serde_json::Value = serde_json::from_str(&n_hazards).expect("json");
    for h in hazards.as_array().expect("array") {
        assert!(html.contains(h["id"].as_str().expect("id")));
    }
    assert!(html.contains("font-family: \"MinehazCJK\"") && html.contains("data:font/otf;base64,"));
    assert_eq!(html.matches("data:image/png;base64,").count(), 3, "plan, 3D and a section");

    // PDF: pages render, carry ink, and the text (Chinese) is extractable from the embedded font.
    let pdf = d.path().join("report.pdf");
    report(&store, &pdf, "2026-11-29", "zh");
    let dir = d.path().join("pages");
    std::fs::create_dir(&dir).expect("dir");
    let ps = pages(&pdf, &dir);
    assert!(ps.len() >= 4, "{} pages", ps.len());
    for (i, (w, h, ink)) in ps.iter().enumerate() {
        assert!((*h as f64 / *w as f64 - 297.0 / 210.0).abs() < 0.02, "page {} is not A4: {w}×{h}", i + 1);
        assert!(*ink > 0.003, "page {} is blank ({ink})", i + 1);
    }
    let text = stdout(&tool("pdftotext", &["-layout", p(&pdf), "-"]));
    for s in [
        "矿山隐蔽致灾因素普查报告",
        "防治等级（就高不就低）",
        "重大事故隐患台账",
        "HZ-000001",
        "water.exploration_required",
    ] {
        assert!(text.contains(s), "\"{s}\" not in the PDF text");
    }
    let fonts = stdout(&tool("pdffonts", &[p(&pdf)]));
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty() && rows.iter().all(|l| l.contains(" yes ")), "every font embedded:\n{fonts}");
}

#[test]
fn the_open_pit_report_in_english_has_no_ledger_and_says_so() {
    let d = tempfile::tempdir().expect("tmp");
    let pit = sample("open-pit");
    let html_path = d.path().join("pit.html");
    report(&pit, &html_path, "2026-11-29", "en");
    let html = std::fs::read_to_string(&html_path).expect("read");
    assert!(html.contains("<html lang=\"en\">") && html.contains("Survey Report of Hidden Hazard-Causing Factors"));
    assert!(html.contains("This store has no hazard ledger yet"));
    let r = check_json(&pit, "2026-11-29");
    for n in r["not_evaluated"].as_array().expect("ne") {
        assert!(html.contains(n["rule"].as_str().expect("rule")), "not-evaluated {} missing", n["rule"]);
    }
    let pdf = d.path().join("pit.pdf");
    report(&pit, &pdf, "2026-11-29", "en");
    let dir = d.path().join("pages");
    std::fs::create_dir(&dir).expect("dir");
    let ps = pages(&pdf, &dir);
    assert!(ps.len() >= 2 && ps.iter().all(|p| p.2 > 0.003), "{ps:?}");
    // An existing output is refused without --force; a wrong extension too.
    let o = minehaz(&["report", p(&pit), "--out", p(&pdf)]);
    assert_eq!(code(&o), 2);
    let o = minehaz(&["report", p(&pit), "--out", p(&d.path().join("r.docx"))]);
    assert_eq!(code(&o), 2);
}
