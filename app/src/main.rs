//! `minehaz`: the command line of the minehaz 3D GIS for the survey of hidden hazard-causing
//! factors in mines. Thin: it parses, dispatches to one module per subcommand, and maps errors
//! to exit codes (0 ok, 1 findings / verification failed, 2 unreadable or invalid input).

mod cmd;
mod render;
mod scene;
mod view;

use clap::{Parser, Subcommand, ValueEnum};
use minehaz_core::i18n::{set_lang, tr, Lang};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "minehaz",
    version,
    propagate_version = true,
    about = "矿山隐蔽致灾因素普查三维 GIS / 3D GIS for the survey of hidden hazard-causing factors in mines"
)]
struct Cli {
    /// 界面语言 / language: zh (中文, default) or en
    #[arg(long, global = true, value_enum, default_value = "zh")]
    lang: LangArg,
    /// 彩色输出 / colour: auto (terminal, unless NO_COLOR), always, never
    #[arg(long, global = true, value_enum, default_value = "auto")]
    color: ColorArg,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum LangArg {
    Zh,
    En,
}

/// A view of the scene.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq, Debug)]
pub enum ViewArg {
    Plan,
    #[value(name = "3d")]
    ThreeD,
    Section,
}

/// When to colour the text output.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum ColorArg {
    /// 终端且未设置 NO_COLOR 时 / on a terminal, unless NO_COLOR is set
    Auto,
    Always,
    Never,
}

static COLOR: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

/// Colour the text on stdout? (`--color`, NO_COLOR, a terminal.)
pub fn color_stdout() -> bool {
    use std::io::IsTerminal;
    match COLOR.load(std::sync::atomic::Ordering::Relaxed) {
        1 => true,
        2 => false,
        _ => std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal(),
    }
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// 概览：图层、数量、范围、坐标系、校验警告 / Overview: layers, counts, bounds, CRS, validation warnings
    Info {
        /// 调查数据包目录或 .gpkg 工程文件 / survey folder or .gpkg project store
        survey: PathBuf,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// 按规则检查：越界超层、煤柱、分区、探放水、瓦斯、冲击地压、火区、隐蔽工作面 / Check the rules (RULES.md)
    Check {
        /// 调查数据包目录或 .gpkg / survey folder or .gpkg
        survey: PathBuf,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// 检查日期 YYYY-MM-DD（默认今天）/ as-of date (default: today)
        #[arg(long)]
        as_of: Option<String>,
    },
    /// 导出派生图层：探水线、警戒线、断层煤柱、境界煤柱、允许掘进距离 / Write derived layers (exploration and warning lines, pillars, heading cover)
    Derive {
        /// 调查数据包目录或 .gpkg / survey folder or .gpkg
        survey: PathBuf,
        /// 输出 GeoPackage / output GeoPackage
        #[arg(long)]
        out: PathBuf,
        /// 覆盖已存在的输出文件 / replace an existing output file
        #[arg(long)]
        force: bool,
    },
    /// 导出为 CAD 图 (DXF, GBK)：巷道、采空区、积水线/探水线/警戒线、断层、分区、煤柱… / Export the mine plan for CAD (DXF R2000, GBK)
    Export(cmd::export::Args),
    /// 导入为 GeoPackage 工程文件（QGIS 可打开）/ Import into a GeoPackage project store (opens in QGIS)
    Import {
        /// 调查数据包目录或 .gpkg / survey folder or .gpkg
        survey: PathBuf,
        /// 输出工程文件 / output project store
        #[arg(long)]
        out: PathBuf,
        /// 操作人（写入审计记录；默认 $USER）/ who imports (audit log; default $USER)
        #[arg(long)]
        author: Option<String>,
        /// 覆盖已存在的工程文件（其审计记录将丢失）/ replace an existing store (its audit log is lost)
        #[arg(long)]
        force: bool,
    },
    /// 探放水设计：超前钻孔、放水孔、允许掘进距离与停掘点 / Advance drilling and drainage design, allowed advance and stop point (PLANNING.md)
    Plan(cmd::plan::Args),
    /// 露天边坡：由激光雷达点云量测台阶、两期差值与挖填方、边坡监测 / Open-pit slopes: benches from LiDAR, epoch difference and volumes, monitoring (SLOPES.md)
    Slope(cmd::slope::Args),
    /// 实时监视：应用事件流（工作面推进、人员定位、监测读数、气象预警），逐条回答新增/消除的问题与报警撤人名单 / the live mine: apply an event stream (faces, fixes, readings, weather), answer each with new and cleared findings and alarms naming who must leave (MONITORING.md)
    Watch(cmd::watch::Args),
    /// 从任意 GDAL 矢量数据（含 DXF）导入单个图层到工程文件 / Import one layer from any GDAL vector source (DXF too) into a store
    ImportLayer(cmd::import_layer::Args),
    /// 渲染平面图、三维视图或剖面图为 PNG（无需显示器）/ Render a plan, 3D or section view to PNG (headless)
    Render(cmd::render::Args),
    /// 性能测试：生成大矿井，计时检查、概览、设计、查看器分区编辑 / Benchmark check, info, plan and the viewer's zone edit on a generated mine
    Bench(cmd::bench::Args),
    /// 交互式三维查看器：图层、检查发现、拾取、分区标注、测量 / Interactive viewer: layers, findings, picking, zone marking, measuring
    View {
        /// 调查数据包目录或 .gpkg 工程文件（可在窗口中打开）/ survey folder or .gpkg store (or open one in the window)
        survey: Option<PathBuf>,
        /// 检查日期 YYYY-MM-DD（默认今天）/ as-of date (default: today)
        #[arg(long)]
        as_of: Option<String>,
        /// 初始视图 / starting view
        #[arg(long, value_enum, default_value = "3d", hide = true)]
        view: ViewArg,
        /// 剖面线 / section line x1,y1,x2,y2 (mine CRS)
        #[arg(long, allow_hyphen_values = true, hide = true)]
        section: Option<String>,
        /// 场景绘出后截图保存为 PNG 并退出 / save a screenshot once the scene is drawn, then exit
        #[arg(long, hide = true)]
        screenshot: Option<PathBuf>,
        /// 环绕 N 帧并输出平均帧时间后退出 / orbit N frames, print the mean frame time, exit
        #[arg(long, default_value_t = 0, hide = true)]
        bench_frames: usize,
        /// 窗口尺寸 / window size WxH
        #[arg(long, default_value = "1600x1000", hide = true)]
        size: String,
        /// 跟随 minehaz watch 正在写入的工程文件：问题随事件更新，报警横幅列出撤人名单 / follow a store that minehaz watch writes: findings move with the events, alarms in a banner with who must leave
        #[arg(long)]
        follow: bool,
    },
    /// 生成 shell 补全脚本 / Print a shell completion script
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// 生成手册页 (man) 到目录 / Write man pages into a folder
    Man {
        #[arg(long, default_value = ".")]
        out: PathBuf,
    },
    /// 签名密钥：生成、登记 / Signing keys: make, register (LEDGER.md)
    Key {
        #[command(subcommand)]
        action: cmd::key::KeyCmd,
    },
    /// 重大事故隐患台账：登记、五落实、整改、验收销号、列表 / The major-hazard ledger: open, assign, rectify, accept, list (LEDGER.md)
    Ledger {
        #[command(subcommand)]
        action: cmd::ledger::LedgerCmd,
    },
    /// 普查报告（HTML 或 PDF）：矿井与许可、普查覆盖、致灾因素、防治等级、检查发现、隐患台账、图件 / The survey report (HTML or PDF): mine and licence, coverage, hazard factors, levels, findings, ledger, maps
    Report(cmd::report::Args),
    /// 省级汇总：多矿井并行检查、跨矿井重叠与越界、GeoParquet、汇总表与总览图 / Provincial roll-up: many mines, cross-mine overlaps and intrusions, GeoParquet, summaries, overview map (ROLLUP.md)
    Rollup(cmd::rollup::Args),
    /// 审计记录 / Audit log
    Audit {
        #[command(subcommand)]
        action: AuditCmd,
    },
}

#[derive(Subcommand)]
enum AuditCmd {
    /// 校验：审计哈希链、各表内容封存（发现绕过 minehaz 的数据修改）、隐患台账的签名与重放 / Verify the audit chain, every table's content seal (data edited outside minehaz) and the ledger's signatures and replay
    Verify {
        /// 工程文件 / project store (.gpkg)
        file: PathBuf,
    },
    /// 列出审计记录 / List the audit rows
    Log { file: PathBuf },
}

/// `minehaz.1` and one page per subcommand (`minehaz-check.1` …) into `out`.
fn man_pages(out: &std::path::Path) -> anyhow::Result<u8> {
    let cmd = <Cli as clap::CommandFactory>::command();
    std::fs::create_dir_all(out).map_err(|e| minehaz_core::Error::io(out, e))?;
    let write = |name: String, c: clap::Command| -> anyhow::Result<std::path::PathBuf> {
        let mut buf = Vec::new();
        clap_mangen::Man::new(c).render(&mut buf)?;
        let path = out.join(format!("{name}.1"));
        std::fs::write(&path, buf).map_err(|e| minehaz_core::Error::io(&path, e))?;
        Ok(path)
    };
    let mut written = Vec::new();
    for sub in cmd.get_subcommands() {
        written.push(write(format!("minehaz-{}", sub.get_name()), sub.clone())?);
    }
    written.push(write("minehaz".into(), cmd)?);
    // Listed once all are written: a closed pipe cannot cut the writing short.
    for path in written {
        println!("{}", path.display());
    }
    Ok(0)
}

fn main() -> ExitCode {
    // A closed pipe (`minehaz info … | head -1`) ends the process quietly, as for any Unix
    // tool, instead of a panic in println!.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    COLOR.store(
        match cli.color {
            ColorArg::Auto => 0,
            ColorArg::Always => 1,
            ColorArg::Never => 2,
        },
        std::sync::atomic::Ordering::Relaxed,
    );
    set_lang(match cli.lang {
        LangArg::Zh => Lang::Zh,
        LangArg::En => Lang::En,
    });
    let result = match cli.command {
        Command::Info { survey, format } => cmd::info::run(&survey, format),
        Command::Check { survey, format, as_of } => cmd::check::run(&survey, format, as_of),
        Command::Derive { survey, out, force } => cmd::derive::run(&survey, &out, force),
        Command::Import { survey, out, author, force } => cmd::import::run(&survey, &out, author, force),
        Command::ImportLayer(args) => cmd::import_layer::run(&args),
        Command::Plan(args) => cmd::plan::run(&args),
        Command::Slope(args) => cmd::slope::run(&args),
        Command::Watch(args) => cmd::watch::run(&args),
        Command::Render(args) => cmd::render::run(&args),
        Command::Export(args) => cmd::export::run(&args),
        Command::Bench(args) => cmd::bench::run(&args),
        Command::View { survey, as_of, view, section, screenshot, bench_frames, size, follow } => {
            cmd::view::run(&cmd::view::Args { survey, as_of, view, section, screenshot, bench_frames, size, follow })
        }
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut <Cli as clap::CommandFactory>::command(),
                "minehaz",
                &mut std::io::stdout(),
            );
            Ok(0)
        }
        Command::Man { out } => man_pages(&out),
        Command::Key { action } => cmd::key::run(action),
        Command::Report(args) => cmd::report::run(&args),
        Command::Rollup(args) => cmd::rollup::run(&args),
        Command::Ledger { action } => cmd::ledger::run(action),
        Command::Audit { action: AuditCmd::Verify { file } } => cmd::audit::verify(&file),
        Command::Audit { action: AuditCmd::Log { file } } => cmd::audit::log(&file),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => match e.downcast_ref::<minehaz_core::Error>() {
            Some(core) => {
                eprintln!("{}", tr("minehaz: 输入无法读取或无效:", "minehaz: the input cannot be read or is invalid:"));
                eprintln!("{core}");
                ExitCode::from(u8::try_from(core.exit_code()).unwrap_or(2))
            }
            None => {
                eprintln!("minehaz: {e:#}");
                ExitCode::from(2)
            }
        },
    }
}
