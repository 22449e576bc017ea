use super::*;
use geo_types::polygon;

fn square(x: f64, y: f64, d: f64) -> Polygon<f64> {
    polygon![(x: x, y: y), (x: x + d, y: y), (x: x + d, y: y + d), (x: x, y: y + d), (x: x, y: y)]
}

fn mine(id: &str, crs: &str, licence: Polygon<f64>, workings: Vec<(&str, Vec<[f64; 3]>)>) -> MineGeometry {
    let crs = Crs::parse(crs, &Location::default()).expect("crs");
    let workings = workings.into_iter().map(|(i, l)| (i.to_string(), l)).collect();
    MineGeometry::new(id, crs, vec![licence], workings, &Location::default()).expect("geometry").0
}

#[test]
fn overlaps_and_intrusions_are_measured_in_each_mines_crs() {
    let a = mine(
        "A",
        "EPSG:4547",
        square(480_000.0, 4_050_000.0, 2000.0),
        vec![("W1", vec![[481_500.0, 4_051_000.0, 900.0], [482_300.0, 4_051_000.0, 900.0]])],
    );
    let b = mine("B", "EPSG:4547", square(482_000.0, 4_050_000.0, 2000.0), vec![]);
    let c = mine("C", "EPSG:4547", square(485_000.0, 4_050_000.0, 2000.0), vec![]);
    let d = mine("D", "EPSG:4547", square(486_500.0, 4_050_500.0, 2000.0), vec![]);
    let f = cross::findings(&[a, b, c, d]);
    type Got<'a> = (&'a str, &'a str, Option<&'a str>, Option<&'a str>, f64);
    let got: Vec<Got<'_>> = f
        .iter()
        .map(|f| {
            (f.mine_id.as_str(), f.rule.as_str(), f.working.as_deref(), f.feature.as_deref(), f.measured.unwrap_or(0.0))
        })
        .collect();
    // A and B touch (no area), A's W1 runs 300 m into B; C and D overlap 500 × 1500 m.
    assert!(
        got.iter().any(|g| g.0 == "A"
            && g.1 == "licence.intrudes_neighbour"
            && g.2 == Some("W1")
            && g.3 == Some("B")
            && (g.4 - 300.0).abs() < 1e-6),
        "{got:?}"
    );
    for (m, other) in [("C", "D"), ("D", "C")] {
        let o = got.iter().find(|g| g.0 == m && g.1 == "licence.overlap").expect("overlap");
        assert_eq!(o.3, Some(other));
        assert!((o.4 - 750_000.0).abs() < 1e-3, "{o:?}");
    }
    assert!(
        !got.iter().any(|g| g.1 == "licence.overlap" && (g.0 == "A" || g.0 == "B")),
        "touching is not overlapping: {got:?}"
    );
    assert_eq!(got.len(), 3, "{got:?}");
    assert!(f.iter().all(|f| f.lonlat.is_some() && f.severity == "major"));
}

#[test]
fn a_pair_across_gauss_kruger_zones_is_found_and_measured() {
    // Two 3° zones meet at 115.5°E: A in zone 38 (CM 114°E, EPSG:4547), B in zone 39
    // (CM 117°E, EPSG:4548). B's licence is drawn in B's grid over A's east edge.
    let a_licence = square(620_000.0, 4_050_000.0, 4000.0);
    let a_crs = Crs::parse("EPSG:4547", &Location::default()).expect("crs");
    let b_crs = Crs::parse("EPSG:4548", &Location::default()).expect("crs");
    let t = Transformer::new(&a_crs, &b_crs, &Location::default()).expect("t");
    // A square of 1000 m inside A's licence (in A's grid), carried into B's grid.
    let inside_a = square(622_000.0, 4_051_000.0, 1000.0);
    let b_licence = t.polygon(&inside_a, &Location::default()).expect("poly");
    let a = mine("A", "EPSG:4547", a_licence, vec![]);
    let b = mine("B", "EPSG:4548", b_licence, vec![]);
    let f = cross::findings(&[a, b]);
    let over: Vec<&FindingRow> = f.iter().filter(|f| f.rule == "licence.overlap").collect();
    assert_eq!(over.len(), 2, "{f:?}");
    for o in over {
        // The same square in either grid: 1 km² within the grid's scale distortion.
        let m = o.measured.expect("measured");
        assert!((m - 1_000_000.0).abs() / 1_000_000.0 < 2e-3, "{}: {m}", o.mine_id);
    }
}

#[test]
fn a_heading_across_a_gap_into_a_neighbour_is_found() {
    // A and B are 400 m apart: their licence boxes do not meet, but A's heading W7 leaves its
    // licence, crosses the gap and runs 150 m into B (越界 into a neighbour).
    let a = mine(
        "A",
        "EPSG:4547",
        square(480_000.0, 4_050_000.0, 2000.0),
        vec![("W7", vec![[481_000.0, 4_051_000.0, 900.0], [482_550.0, 4_051_000.0, 900.0]])],
    );
    let b = mine("B", "EPSG:4547", square(482_400.0, 4_050_000.0, 2000.0), vec![]);
    let f = cross::findings(&[a, b]);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!((f[0].mine_id.as_str(), f[0].rule.as_str()), ("A", "licence.intrudes_neighbour"));
    assert_eq!((f[0].working.as_deref(), f[0].feature.as_deref()), (Some("W7"), Some("B")));
    assert!((f[0].measured.expect("m") - 150.0).abs() < 1e-6, "{f:?}");
}

#[test]
fn wkb_of_a_point_and_a_polygon() {
    let p = parquet_out::point_wkb([116.5, 39.9]);
    assert_eq!(p.len(), 21);
    assert_eq!(&p[..5], &[1, 1, 0, 0, 0]);
    assert_eq!(f64::from_le_bytes(p[5..13].try_into().expect("x")), 116.5);
    let w = parquet_out::licence_wkb(&MultiPolygon(vec![square(0.0, 0.0, 1.0)]));
    assert_eq!(&w[..9], &[1, 3, 0, 0, 0, 1, 0, 0, 0]);
    assert_eq!(w.len(), 9 + 4 + 5 * 16);
    let two = parquet_out::licence_wkb(&MultiPolygon(vec![square(0.0, 0.0, 1.0), square(5.0, 5.0, 1.0)]));
    assert_eq!(&two[..9], &[1, 6, 0, 0, 0, 2, 0, 0, 0]);
}

#[test]
fn wkb_reads_back_as_the_geometry_written_and_as_wkt() {
    use geo_types::Geometry;
    let poly = Polygon::new(square(0.0, 0.0, 10.0).exterior().clone(), vec![square(2.0, 2.0, 1.0).exterior().clone()]);
    let one = parquet_out::licence_wkb(&MultiPolygon(vec![poly.clone()]));
    assert_eq!(query::from_wkb(&one), Some(Geometry::Polygon(poly.clone())));
    let two = parquet_out::licence_wkb(&MultiPolygon(vec![poly.clone(), square(20.0, 0.0, 1.0)]));
    let Some(Geometry::MultiPolygon(m)) = query::from_wkb(&two) else { panic!("multipolygon") };
    assert_eq!(m.0.len(), 2);
    let pt = query::from_wkb(&parquet_out::point_wkb([112.5, 36.25])).expect("point");
    assert_eq!(query::to_wkt(&pt), "POINT (112.5 36.25)");
    assert!(query::to_wkt(&Geometry::Polygon(poly)).starts_with("POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2,"));
    // Truncated bytes and counts beyond the data are no geometry (never a panic or a huge allocation).
    assert_eq!(query::from_wkb(&one[..one.len() - 3]), None);
    let mut lying = one.clone();
    lying[9..13].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_eq!(query::from_wkb(&lying), None);
    assert_eq!(query::from_wkb(&[]), None);
}
