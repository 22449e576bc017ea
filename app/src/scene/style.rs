//! One place for the colours of the scene: every visualizer takes its colours from here, so a
//! legend swatch, a prism and a test all agree.
//!
//! Colours are written as sRGB hex (as a designer gives them) and returned as linear RGBA
//! (`[f32; 4]`, what [`super::MeshVertex::color`] holds). Translucent surfaces (prisms) use
//! [`PRISM_ALPHA`], fault surfaces [`FAULT_ALPHA`]; their outlines are drawn opaque.

use minehaz_core::model::{BurstLevel, WorkingStatus, ZoneClass};
use minehaz_core::rules::Severity;

/// Linear RGBA.
pub type Rgba = [f32; 4];

/// Alpha of translucent prisms (goaf, water bodies, zones …).
pub const PRISM_ALPHA: f32 = 0.35;
/// Alpha of fault surfaces.
pub const FAULT_ALPHA: f32 = 0.28;

/// sRGB component (0..1) to linear.
pub fn srgb_to_linear(c: f32) -> f32 {
    if c <= 0.04045 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

/// An opaque colour from sRGB hex `0xRRGGBB`, as linear RGBA.
pub fn hex(rgb: u32) -> Rgba {
    let ch = |shift: u32| srgb_to_linear(((rgb >> shift) & 0xff) as f32 / 255.0);
    [ch(16), ch(8), ch(0), 1.0]
}

/// The same colour with another alpha.
pub fn with_alpha(c: Rgba, alpha: f32) -> Rgba {
    [c[0], c[1], c[2], alpha]
}

/// A darker shade (for outlines over a translucent fill), opaque.
pub fn darker(c: Rgba) -> Rgba {
    [c[0] * 0.55, c[1] * 0.55, c[2] * 0.55, 1.0]
}

// ---------------------------------------------------------------------------------------------
// Zones, hazards

/// 可采 green / 缓采 amber / 禁采 red.
pub fn zone_class(c: ZoneClass) -> Rgba {
    match c {
        ZoneClass::Mineable => hex(0x2ca25f),
        ZoneClass::Deferred => hex(0xffb000),
        ZoneClass::NoMining => hex(0xd7191c),
    }
}

/// Goaf: water-bearing blue, dry brown-grey, unknown slate.
pub fn goaf(water: Option<bool>) -> Rgba {
    match water {
        Some(true) => hex(0x1f5fd1),
        Some(false) => hex(0x8c7b6b),
        None => hex(0x6f7f8f),
    }
}

/// Water bodies (aquifers, surface water, karst …): cyan.
pub fn water_body() -> Rgba {
    hex(0x00c8e0)
}

/// Collapse columns: sienna; water-conducting ones blue-teal.
pub fn collapse_column(water_conducting: Option<bool>) -> Rgba {
    match water_conducting {
        Some(true) => hex(0x2b8cbe),
        _ => hex(0xa0522d),
    }
}

/// Gas-rich zones: yellow-orange; outburst-prone ones deeper orange.
pub fn gas_zone(outburst_prone: Option<bool>) -> Rgba {
    match outburst_prone {
        Some(true) => hex(0xf16913),
        _ => hex(0xfdb813),
    }
}

/// Rock-burst zones by level (unknown level: grey-violet).
pub fn burst_zone(level: Option<BurstLevel>) -> Rgba {
    match level {
        Some(BurstLevel::None) => hex(0xb8c4b0),
        Some(BurstLevel::Weak) => hex(0xf0e442),
        Some(BurstLevel::Medium) => hex(0xe69f00),
        Some(BurstLevel::Strong) => hex(0xb2182b),
        None => hex(0x9e8fb2),
    }
}

/// Fire zones: red-orange; sealed ones darker.
pub fn fire_zone(sealed: Option<bool>) -> Rgba {
    match sealed {
        Some(true) => hex(0xa03c1e),
        _ => hex(0xff4500),
    }
}

/// Geophysical anomalies: purple.
pub fn anomaly() -> Rgba {
    hex(0x8e44ad)
}

/// The licence prism (采矿许可范围) wireframe: magenta.
pub fn licence() -> Rgba {
    hex(0xe0109a)
}

/// Fault surfaces and traces; water-conducting faults in deep blue.
pub fn fault(water_conducting: Option<bool>) -> Rgba {
    match water_conducting {
        Some(true) => hex(0x1a3fd6),
        _ => hex(0x7a3b1f),
    }
}

// ---------------------------------------------------------------------------------------------
// Derived lines

// The water lines as the mines' CAD plans draw them (layer names of real 采掘工程平面图:
// 积水区边界黑, 探水线红, 警戒线蓝; REFERENCE.md S93): the water-logged area's boundary black and
// solid, the exploration line red and dashed, the warning line blue and dash-dotted. The
// patterns are in [`water_line_pattern`].

/// 积水线 (the boundary of a water-logged area).
pub fn water_logging_line() -> Rgba {
    hex(0x1a1a1a)
}

/// 探水线 (exploration line).
pub fn exploration_line() -> Rgba {
    hex(0xe0201a)
}

/// 警戒线 (warning line).
pub fn warning_line() -> Rgba {
    hex(0x1e5aff)
}

/// The line pattern of a water line (on, off, … lengths in units of `u` metres; empty = solid):
/// 积水线 solid, 探水线 dashed, 警戒线 dash-dot.
pub fn water_line_pattern(kind: WaterLine, u: f32) -> Vec<f32> {
    match kind {
        WaterLine::Logging => Vec::new(),
        WaterLine::Exploration => vec![6.0 * u, 3.0 * u],
        WaterLine::Warning => vec![8.0 * u, 2.5 * u, 1.0 * u, 2.5 * u],
    }
}

/// The AutoCAD colour index of a water line in a DXF plan (REFERENCE.md S93): 积水线 black
/// (ACI 7, black on paper, white on a dark screen), 探水线 red, 警戒线 blue.
pub fn water_line_aci(kind: WaterLine) -> u8 {
    match kind {
        WaterLine::Logging => 7,
        WaterLine::Exploration => 1,
        WaterLine::Warning => 5,
    }
}

/// The three water lines of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaterLine {
    /// 积水线
    Logging,
    /// 探水线
    Exploration,
    /// 警戒线
    Warning,
}

/// 断层防隔水煤柱 (fault pillar).
pub fn fault_pillar() -> Rgba {
    hex(0x9c6b30)
}

// ---------------------------------------------------------------------------------------------
// The mine

/// Workings by status: existing grey, active orange, planned light blue (drawn dashed).
pub fn working(s: WorkingStatus) -> Rgba {
    match s {
        WorkingStatus::Existing => hex(0x8c8c8c),
        WorkingStatus::Active => hex(0xff8c00),
        WorkingStatus::Planned => hex(0x87cefa),
    }
}

/// The face marker of an active heading or longwall.
pub fn face() -> Rgba {
    hex(0xffff40)
}

/// Advance drill holes; those that found water in blue.
pub fn drillhole(water_found: Option<bool>) -> Rgba {
    match water_found {
        Some(true) => hex(0x0050ff),
        _ => hex(0x3a9e9e),
    }
}

/// Findings: major red, warning yellow.
pub fn finding(s: Severity) -> Rgba {
    match s {
        Severity::Major => hex(0xe31a1c),
        Severity::Warning => hex(0xffd700),
    }
}

/// Text of labels.
pub fn label() -> Rgba {
    hex(0x202020)
}

/// The faint ground reference grid.
pub fn ground() -> Rgba {
    with_alpha(hex(0xa0a0a0), 0.45)
}

// ---------------------------------------------------------------------------------------------
// Lithology

/// A lithology class: its colour and its legend names.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lithology {
    pub color: Rgba,
    pub zh: &'static str,
    pub en: &'static str,
}

/// The class of a borehole interval from its lithology text (Chinese or English, as logged)
/// and whether it is a seam interval (seams are coal, black). Unknown or missing: grey.
pub fn lithology(text: Option<&str>, seam: bool) -> Lithology {
    let l = |rgb: u32, zh: &'static str, en: &'static str| Lithology { color: hex(rgb), zh, en };
    let t = text.unwrap_or("").trim().to_lowercase();
    let has = |keys: &[&str]| keys.iter().any(|k| t.contains(k));
    if seam || has(&["煤", "coal", "lignite", "anthracite"]) {
        l(0x111111, "煤", "coal")
    } else if has(&["粉砂", "siltstone", "silt"]) {
        l(0xc8b46e, "粉砂岩", "siltstone")
    } else if has(&["砾岩", "conglomerate"]) {
        l(0xd08c4c, "砾岩", "conglomerate")
    } else if has(&["砂岩", "sandstone", "sand"]) {
        l(0xf2d13c, "砂岩", "sandstone")
    } else if has(&["灰岩", "白云岩", "limestone", "dolomite", "marl"]) {
        l(0x7f98b2, "灰岩", "limestone")
    } else if has(&["泥岩", "页岩", "mudstone", "shale", "claystone", "clay", "粘土", "黏土"]) {
        l(0x8a8a80, "泥岩", "mudstone")
    } else if has(&["黄土", "表土", "冲积", "loess", "soil", "alluvium", "overburden", "topsoil"]) {
        l(0xd9b38c, "黄土/表土", "loess / soil")
    } else if has(&["岩浆", "玄武", "花岗", "igneous", "basalt", "granite"]) {
        l(0xc0504d, "岩浆岩", "igneous")
    } else {
        l(0xbdbdbd, "未知", "unknown")
    }
}

// ---------------------------------------------------------------------------------------------
// Colour ramp

/// Viridis at 9 even stops, sRGB: perceptually uniform, readable in grey and by most colour-blind
/// viewers.
const VIRIDIS: [u32; 9] = [0x440154, 0x472d7b, 0x3b528b, 0x2c728e, 0x21918c, 0x28ae80, 0x5ec962, 0xaddc30, 0xfde725];

/// The ramp colour at `t` in [0, 1] (clamped; NaN gives the low end), opaque linear RGBA.
/// Interpolated in sRGB between the stops, then linearised.
pub fn ramp(t: f32) -> Rgba {
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    let x = t * (VIRIDIS.len() - 1) as f32;
    let i = (x.floor() as usize).min(VIRIDIS.len() - 2);
    let f = x - i as f32;
    let comp = |rgb: u32, shift: u32| ((rgb >> shift) & 0xff) as f32 / 255.0;
    let mix = |shift: u32| {
        let (a, b) = (comp(VIRIDIS[i], shift), comp(VIRIDIS[i + 1], shift));
        srgb_to_linear(a + (b - a) * f)
    };
    [mix(16), mix(8), mix(0), 1.0]
}

/// The ramp's stops for a [`super::RampLegend`] (from min to max).
pub fn ramp_stops() -> Vec<Rgba> {
    VIRIDIS.iter().map(|&c| hex(c)).collect()
}

/// Position of `v` in `[lo, hi]` as 0..1 (0.5 when the range is empty).
pub fn normalize(v: f32, lo: f32, hi: f32) -> f32 {
    if hi > lo {
        ((v - lo) / (hi - lo)).clamp(0.0, 1.0)
    } else {
        0.5
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;

    #[test]
    fn hex_is_linearised() {
        assert_eq!(hex(0xffffff), [1.0, 1.0, 1.0, 1.0]);
        assert_eq!(hex(0x000000), [0.0, 0.0, 0.0, 1.0]);
        // sRGB 0.5 is about 0.214 linear
        assert_abs_diff_eq!(hex(0x808080)[0], 0.2158, epsilon = 1e-3);
    }

    #[test]
    fn zone_classes_are_distinct_and_intuitive() {
        let (g, a, r) =
            (zone_class(ZoneClass::Mineable), zone_class(ZoneClass::Deferred), zone_class(ZoneClass::NoMining));
        assert!(g[1] > g[0] && g[1] > g[2], "mineable is green");
        assert!(a[0] > a[2] && a[1] > a[2], "deferred is amber");
        assert!(r[0] > r[1] && r[0] > r[2], "no-mining is red");
        assert!(goaf(Some(true))[2] > goaf(Some(true))[0], "water-bearing goaf is blue");
    }

    #[test]
    fn ramp_ends_and_monotone_luminance() {
        assert_eq!(ramp(0.0), hex(0x440154));
        assert_eq!(ramp(1.0), hex(0xfde725));
        assert_eq!(ramp(-3.0), ramp(0.0));
        assert_eq!(ramp(f32::NAN), ramp(0.0));
        let lum = |c: Rgba| 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
        let mut last = -1.0;
        for i in 0..=20 {
            let l = lum(ramp(i as f32 / 20.0));
            assert!(l > last, "viridis brightens monotonically");
            last = l;
        }
        assert_eq!(ramp_stops().len(), 9);
    }

    #[test]
    fn lithology_from_chinese_and_english_logs() {
        assert_eq!(lithology(Some("中粒砂岩(K8)"), false).en, "sandstone");
        assert_eq!(lithology(Some("粉砂岩"), false).en, "siltstone");
        assert_eq!(lithology(Some("砂质泥岩"), false).en, "mudstone");
        assert_eq!(lithology(Some("铝土质泥岩"), false).en, "mudstone");
        assert_eq!(lithology(Some("灰岩(K2)"), false).en, "limestone");
        assert_eq!(lithology(Some("奥陶系灰岩"), false).en, "limestone");
        assert_eq!(lithology(Some("煤"), false).en, "coal");
        assert_eq!(lithology(Some("Sandstone"), false).en, "sandstone");
        assert_eq!(lithology(Some("mudstone"), true).en, "coal", "a seam interval is coal");
        assert_eq!(lithology(Some("黄土"), false).en, "loess / soil");
        assert_eq!(lithology(None, false).en, "unknown");
        assert_eq!(lithology(Some("???"), false).color, hex(0xbdbdbd));
    }
}
