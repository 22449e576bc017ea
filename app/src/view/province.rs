//! A roll-up folder in the viewer (ROLLUP.md's outputs): the province map (overview.png, as
//! `minehaz rollup` drew it) and the mines coloured by their highest level; a click opens the
//! mine. The roll-up stays listed, so one can go from mine to mine.

use super::state::AppState;
use std::path::{Path, PathBuf};

/// One mine of the roll-up's index.
#[derive(Debug, Clone)]
pub struct ProvinceMine {
    pub mine_id: String,
    pub name: String,
    pub county: Option<String>,
    pub input: Option<PathBuf>,
    pub highest: Option<usize>,
    pub majors: i64,
}

/// An opened roll-up folder.
#[derive(Clone)]
pub struct Province {
    pub dir: PathBuf,
    pub mines: Vec<ProvinceMine>,
    /// overview.png, decoded.
    pub overview: Option<egui::ColorImage>,
    /// Its texture, uploaded once.
    pub texture: Option<egui::TextureHandle>,
}

/// Is `dir` a roll-up folder (its summary and index)?
impl std::fmt::Debug for Province {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Province({}, {} mines)", self.dir.display(), self.mines.len())
    }
}

pub fn is_rollup(dir: &Path) -> bool {
    dir.is_dir() && dir.join("summary.json").is_file() && dir.join(minehaz_core::rollup::INDEX).is_file()
}

pub fn read(dir: &Path) -> anyhow::Result<Province> {
    let p = dir.join(minehaz_core::rollup::INDEX);
    let text = std::fs::read_to_string(&p).map_err(|e| minehaz_core::Error::io(&p, e))?;
    let v: serde_json::Value = serde_json::from_str(&text)?;
    let mines = v
        .as_array()
        .map(|a| {
            a.iter()
                .map(|m| ProvinceMine {
                    mine_id: m["mine_id"].as_str().unwrap_or_default().to_string(),
                    name: m["name"].as_str().unwrap_or_default().to_string(),
                    county: m["county"].as_str().map(str::to_string),
                    input: m["input"].as_str().map(PathBuf::from),
                    highest: m["highest"].as_u64().map(|x| x as usize),
                    majors: m["majors"].as_i64().unwrap_or(0),
                })
                .collect()
        })
        .unwrap_or_default();
    let overview = image::open(dir.join("overview.png")).ok().map(|img| {
        let img = img.to_rgba8();
        egui::ColorImage::from_rgba_unmultiplied([img.width() as usize, img.height() as usize], img.as_raw())
    });
    Ok(Province { dir: dir.to_path_buf(), mines, overview, texture: None })
}

impl AppState {
    /// Open mine `i` of the roll-up.
    pub fn open_province_mine(&mut self, i: usize) -> anyhow::Result<()> {
        let Some(m) = self.province.as_ref().and_then(|p| p.mines.get(i)).cloned() else { return Ok(()) };
        let input = m.input.ok_or_else(|| anyhow::anyhow!("{}: no input recorded", m.mine_id))?;
        self.open(&input)
    }
}
