#!/usr/bin/env bash
# Install the system packages minehaz builds against (Debian 12 / Ubuntu 22.04+): GDAL and PROJ
# with headers, clang for the PROJ bindings, gdal-bin (ogrinfo) for checks, Mesa's software
# Vulkan for headless rendering. A no-op when they are installed.
set -euo pipefail
# chromium prints `minehaz report --out report.pdf`; poppler-utils (pdftoppm, pdftotext, pdffonts)
# checks those PDFs in the tests.
# openjdk-17-jre-headless runs the roll-up's Spark job (engines/spark) in local mode in its test.
pkgs=(libgdal-dev libproj-dev libclang-dev pkg-config gdal-bin mesa-vulkan-drivers libvulkan1 chromium poppler-utils
  openjdk-17-jre-headless python3-pip)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# pyarrow: the independent reader the tests check the roll-up's GeoParquet files with;
# pyspark: a complete Spark for local mode, for the Spark job's test (about 450 MB, ~1 min);
# ezdxf: the CAD-side reader the DXF export's round-trip test checks layers, colours and linetypes with.
for mod in pyarrow pyspark ezdxf; do
  if ! python3 -c "import $mod" >/dev/null 2>&1; then
    python3 -m pip install --quiet "$mod" || python3 -m pip install --quiet --break-system-packages "$mod"
  fi
done
if ! command -v cargo >/dev/null; then
  echo "cargo not found: install Rust 1.95+ (https://rustup.rs)" >&2
  exit 1
fi
