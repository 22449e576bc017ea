//! `minehaz rollup INPUT… --out DIR [--as-of D] [--jobs N]` (ROLLUP.md): mines assessed in
//! parallel, the cross-mine findings, GeoParquet outputs, summary.json / summary.csv and an
//! overview map. Exit 2 only when every input failed, else 1 when any mine has a major
//! finding, else 0.

use crate::render::overlay::Painter;
use image::{Rgba, RgbaImage};
use minehaz_core::i18n::tr;
use minehaz_core::placement;
use minehaz_core::rollup::counties::{read_counties, County};
use minehaz_core::rollup::{self, highest, parquet_out, MineRow};
use minehaz_core::{text, Location};
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct Args {
    #[command(subcommand)]
    pub sub: Option<Sub>,
    /// 调查数据包目录、.gpkg 工程文件，或含多个矿井的目录（向下一层）/ survey folders, .gpkg stores, or folders holding many (one level deep)
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// 输出目录 / output folder
    #[arg(long, required = true)]
    pub out: Option<PathBuf>,
    /// 检查日期 YYYY-MM-DD（默认今天）/ as-of date (default: today)
    #[arg(long)]
    pub as_of: Option<String>,
    /// 并行矿井数（默认全部核心）/ mines assessed at once (default: all cores)
    #[arg(long, default_value_t = 0)]
    pub jobs: usize,
    /// 县界多边形图层（GeoJSON、Shapefile、GeoPackage），画在总览图上 / county outlines for the overview map
    #[arg(long)]
    pub counties: Option<PathBuf>,
    /// 县名字段（默认 county、name、县、xian 中第一个存在的）/ the county name field
    #[arg(long, requires = "counties")]
    pub county_field: Option<String>,
}

#[derive(clap::Subcommand)]
pub enum Sub {
    /// 用 SQL 查询汇总结果（嵌入式引擎 DataFusion；表 mines、findings）/ SQL over a roll-up's outputs (embedded DataFusion; tables mines, findings)
    Query(QueryArgs),
}

#[derive(clap::Args)]
pub struct QueryArgs {
    /// 汇总输出目录（minehaz rollup --out 所写）/ a roll-up folder (what minehaz rollup --out wrote)
    pub dir: PathBuf,
    /// SQL，例如 "SELECT county, COUNT(*) FROM mines GROUP BY county" / the query
    pub sql: String,
    /// 输出格式 / output format
    #[arg(long, value_enum, default_value_t = QueryFormat::Text)]
    pub format: QueryFormat,
    /// 查询线程数（默认全部核心）/ threads (default: all cores)
    #[arg(long, default_value_t = 0)]
    pub jobs: usize,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum QueryFormat {
    Text,
    Csv,
    Json,
}

/// `minehaz rollup query DIR SQL`: the answer on stdout; exit 0, or 2 for a bad folder or query.
fn query(a: &QueryArgs) -> anyhow::Result<u8> {
    use minehaz_core::rollup::query as q;
    let answer = q::query(&a.dir, &a.sql, a.jobs)?;
    let out = match a.format {
        QueryFormat::Text => {
            let rows = answer.rows();
            q::to_text(&answer, 80)? + &format!("({rows} {})\n", tr("行", if rows == 1 { "row" } else { "rows" }))
        }
        QueryFormat::Csv => q::to_csv(&answer)?,
        QueryFormat::Json => serde_json::to_string_pretty(&q::to_json(&answer)?)? + "\n",
    };
    print!("{out}");
    Ok(0)
}

/// The mark of a cross-mine finding on the overview.
pub const CROSS_MARK: [u8; 4] = [142, 36, 170, 255];

pub const COLOURS: [[u8; 4]; 4] = [[76, 175, 80, 255], [253, 216, 53, 255], [251, 140, 0, 255], [211, 47, 47, 255]];

/// Fill a polygon ring set (even-odd) in pixel coordinates.
fn fill(img: &mut RgbaImage, rings: &[Vec<[f32; 2]>], c: [u8; 4]) {
    let (w, h) = (img.width() as i32, img.height() as i32);
    let ys = rings.iter().flatten().map(|p| p[1]);
    let (y0, y1) = ys.fold((f32::MAX, f32::MIN), |(a, b), y| (a.min(y), b.max(y)));
    for y in (y0.floor().max(0.0) as i32)..=(y1.ceil().min(h as f32 - 1.0) as i32) {
        let yc = y as f32 + 0.5;
        let mut xs: Vec<f32> = Vec::new();
        for r in rings {
            for k in 0..r.len() {
                let (a, b) = (r[k], r[(k + 1) % r.len()]);
                if (a[1] <= yc) != (b[1] <= yc) {
                    xs.push(a[0] + (yc - a[1]) / (b[1] - a[1]) * (b[0] - a[0]));
                }
            }
        }
        xs.sort_by(f32::total_cmp);
        for pair in xs.chunks(2) {
            if let [a, b] = pair {
                for x in (a.round().max(0.0) as i32)..(b.round().min(w as f32) as i32) {
                    let px = img.get_pixel_mut(x as u32, y as u32);
                    // Translucent: overlaps show.
                    for (v, c) in px.0.iter_mut().zip(c).take(3) {
                        *v = ((*v as u16 + c as u16) / 2) as u8;
                    }
                }
            }
        }
    }
}

/// The overview map: county outlines where given, every mine's licence coloured by its
/// highest level, its id and majors.
fn overview(mines: &[MineRow], cross: &[[f64; 2]], counties: &[County], title: &str, out: &Path) -> anyhow::Result<()> {
    use geo::BoundingRect;
    let (w, h) = (1600u32, 1100u32);
    let mut img = RgbaImage::from_pixel(w, h, Rgba([250, 250, 248, 255]));
    let p = Painter::new()?;
    let rects: Vec<_> = mines
        .iter()
        .filter_map(|m| m.geometry.as_ref()?.bounding_rect())
        .chain(counties.iter().filter_map(|c| c.outline.bounding_rect()))
        .collect();
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for r in &rects {
        x0 = x0.min(r.min().x);
        y0 = y0.min(r.min().y);
        x1 = x1.max(r.max().x);
        y1 = y1.max(r.max().y);
    }
    if rects.is_empty() {
        x0 = 0.0;
        y0 = 0.0;
        x1 = 1.0;
        y1 = 1.0;
    }
    // Equirectangular, x scaled by cos(latitude) so the map is not stretched.
    let k = ((y0 + y1) / 2.0).to_radians().cos().max(0.1);
    let (mx, my, top) = (60.0, 60.0, 70.0);
    let sx = (w as f64 - 2.0 * mx) / ((x1 - x0) * k).max(1e-9);
    let sy = (h as f64 - top - my) / (y1 - y0).max(1e-9);
    let s = sx.min(sy);
    let px = |x: f64, y: f64| [(mx + (x - x0) * k * s) as f32, (top + (y1 - y) * s) as f32];
    // County outlines: dashed, under the mines; their names are placed first among the labels.
    let outline = [110, 110, 130, 255];
    for c in counties {
        for poly in &c.outline.0 {
            for r in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                let pts: Vec<[f32; 2]> = r.0.iter().map(|c| px(c.x, c.y)).collect();
                dashed(&p, &mut img, &pts, outline);
            }
        }
    }
    let mut labels = Vec::new();
    for m in mines {
        let Some(g) = &m.geometry else { continue };
        let c = highest(m).map_or([160, 160, 160, 255], |i| COLOURS[i]);
        for poly in &g.0 {
            let rings: Vec<Vec<[f32; 2]>> = std::iter::once(poly.exterior())
                .chain(poly.interiors())
                .map(|r| r.0.iter().map(|c| px(c.x, c.y)).collect())
                .collect();
            fill(&mut img, &rings, c);
            for r in &rings {
                for k in 1..r.len() {
                    p.line(&mut img, r[k - 1], r[k], 1, [60, 60, 60, 255]);
                }
            }
        }
        if let Some(r) = g.bounding_rect() {
            let at = px((r.min().x + r.max().x) / 2.0, (r.min().y + r.max().y) / 2.0);
            // A mine smaller than a few pixels at this scale still shows as a dot.
            let (a, b) = (px(r.min().x, r.min().y), px(r.max().x, r.max().y));
            if (b[0] - a[0]).abs() < 10.0 || (a[1] - b[1]).abs() < 10.0 {
                p.rect(&mut img, at[0] as i32 - 6, at[1] as i32 - 6, 12, 12, c);
            }
            // Mines with majors are labelled first; the placer leaves out what has no room, so a
            // crowded province shows its colours, not a smear.
            let label = format!("{} ({})", m.mine_id, m.majors);
            let priority = if m.majors > 0 { 1 } else { 2 };
            labels.push((at, label, [20, 20, 20, 255], 14.0, priority));
        }
    }
    for c in counties {
        use geo::InteriorPoint;
        if let Some(at) = c.outline.interior_point() {
            labels.push((px(at.x(), at.y()), c.name.clone(), outline, 16.0, 0));
        }
    }
    let requests: Vec<placement::Request> = labels
        .iter()
        .map(|(at, t, _, size, priority)| placement::Request {
            anchor: *at,
            size: [p.text_width(t, *size) + 2.0, size * 1.3],
            priority: *priority,
        })
        .collect();
    // The title and the level key along the bottom stay clear.
    let blocked =
        [placement::Rect::new(0.0, 0.0, w as f32, 70.0), placement::Rect::new(0.0, h as f32 - 50.0, w as f32, 50.0)];
    for pl in placement::place(&requests, w as f32, h as f32, &blocked).0 {
        let (_, t, c, size, _) = &labels[pl.index];
        if let Some([a, b]) = pl.leader {
            p.line(&mut img, a, b, 1, [90, 90, 90, 255]);
        }
        p.label(&mut img, pl.rect.x0 + 1.0, pl.rect.y0, *size, *c, t);
    }
    // Where the cross-mine findings (overlaps, intrusions) are: purple marks over the licences
    // (red is the highest level's colour).
    for at in cross {
        let q = px(at[0], at[1]);
        p.rect(&mut img, q[0] as i32 - 7, q[1] as i32 - 7, 14, 14, [255, 255, 255, 255]);
        p.rect(&mut img, q[0] as i32 - 5, q[1] as i32 - 5, 10, 10, CROSS_MARK);
    }
    p.text(&mut img, 20.0, 34.0, 24.0, [20, 20, 20, 255], title);
    let names = [tr("低", "low"), tr("中", "medium"), tr("高", "high"), tr("最高", "highest")];
    let mut x = 20.0;
    for (c, n) in COLOURS.iter().zip(names) {
        p.rect(&mut img, x as i32, (h - 36) as i32, 18, 18, *c);
        x += 24.0;
        x += p.text(&mut img, x, (h - 38) as f32, 15.0, [20, 20, 20, 255], n) + 16.0;
    }
    p.text(
        &mut img,
        x,
        (h - 38) as f32,
        15.0,
        [20, 20, 20, 255],
        tr(
            "（最高防治等级；括号内为重大问题数；紫色方块：许可范围重叠或越界进入相邻矿）",
            "(highest protection level; majors in brackets; purple squares: licence overlaps and intrusions into a neighbour)",
        ),
    );
    minehaz_core::io::write_atomically(out, |tmp| {
        img.save_with_format(tmp, image::ImageFormat::Png)
            .map_err(|e| minehaz_core::Error::io(out, std::io::Error::other(e)))
    })?;
    Ok(())
}

/// A polyline drawn dashed (12 px on, 8 px off), for boundaries that are not licences.
fn dashed(p: &Painter, img: &mut RgbaImage, pts: &[[f32; 2]], c: [u8; 4]) {
    let mut phase = 0.0f32;
    for w in pts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let len = ((b[0] - a[0]).powi(2) + (b[1] - a[1]).powi(2)).sqrt();
        let mut t = 0.0;
        while t < len {
            let step = if phase < 12.0 { 12.0 - phase } else { 20.0 - phase }.min(len - t);
            if phase < 12.0 {
                let at = |u: f32| [a[0] + (b[0] - a[0]) * u / len, a[1] + (b[1] - a[1]) * u / len];
                p.line(img, at(t), at(t + step), 2, c);
            }
            t += step;
            phase = (phase + step) % 20.0;
        }
    }
}

pub fn run(a: &Args) -> anyhow::Result<u8> {
    if let Some(Sub::Query(q)) = &a.sub {
        return query(q);
    }
    let Some(out) = &a.out else {
        anyhow::bail!("--out is required");
    };
    let as_of = super::parse_as_of(a.as_of.as_deref())?;
    if out.exists() && !out.is_dir() {
        return Err(minehaz_core::Error::at(
            Location::file(out).field("--out"),
            text!("输出须为目录", "the output must be a folder"),
        )
        .into());
    }
    std::fs::create_dir_all(out).map_err(|e| minehaz_core::Error::io(out, e))?;
    // The county layer first: a bad one stops the roll-up before any work.
    let counties = match &a.counties {
        Some(f) => read_counties(f, a.county_field.as_deref())?,
        None => Vec::new(),
    };
    let r = super::step("汇总各矿井", "rolling up the mines", || rollup::run(&a.inputs, as_of, a.jobs))?;
    for (i, e) in &r.failed {
        eprintln!("{} {i}:\n{e}", tr("失败:", "failed:"));
    }
    parquet_out::write_mines(&out.join("mines.parquet"), &r.mines)?;
    parquet_out::write_findings(&out.join("findings.parquet"), &r.findings)?;
    let summary = serde_json::to_string_pretty(&r.summary())? + "\n";
    let index = serde_json::to_string_pretty(&r.index())? + "\n";
    for (name, text) in [("summary.json", summary), ("summary.csv", r.summary_csv()), (rollup::INDEX, index)] {
        let p = out.join(name);
        minehaz_core::io::write_atomically(&p, |tmp| {
            std::fs::write(tmp, &text).map_err(|e| minehaz_core::Error::io(&p, e))
        })?;
    }
    let title = format!(
        "{} — {} {}  ({} {})",
        tr("矿山隐蔽致灾因素普查汇总", "Provincial roll-up"),
        r.mines.len(),
        tr("座矿井", "mines"),
        tr("检查日期", "as of"),
        as_of
    );
    let cross: Vec<[f64; 2]> =
        r.findings.iter().filter(|f| rollup::CROSS_RULES.contains(&f.rule.as_str())).filter_map(|f| f.lonlat).collect();
    overview(&r.mines, &cross, &counties, &title, &out.join("overview.png"))?;
    let majors: i64 = r.mines.iter().map(|m| m.majors).sum();
    println!(
        "{} {}: {} {}, {} {}, {} {}, {} {}",
        tr("已写入", "Wrote"),
        out.display(),
        r.mines.len(),
        tr("座矿井", "mines"),
        r.failed.len(),
        tr("个失败", "failed"),
        r.findings.len(),
        tr("项发现", "findings"),
        majors,
        tr("项重大", "major")
    );
    if r.mines.is_empty() {
        return Ok(2);
    }
    Ok(u8::from(majors > 0))
}
