#!/usr/bin/env bash
# Install the system packages minehaz builds against (Debian 12 / Ubuntu 22.04+): GDAL and PROJ
# with headers, clang for the PROJ bindings, gdal-bin (ogrinfo) for checks, Mesa's software
# Vulkan for headless rendering. A no-op when they are installed.
set -euo pipefail
# chromium prints `minehaz report --out report.pdf`; poppler-utils (pdftoppm, pdftotext, pdffonts)
# checks those PDFs in the tests.
pkgs=(libgdal-dev libproj-dev libclang-dev pkg-config gdal-bin mesa-vulkan-drivers libvulkan1 chromium poppler-utils)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# pyarrow: the independent reader the tests check the roll-up's GeoParquet files with.
if ! python3 -c "import pyarrow" >/dev/null 2>&1; then
  python3 -m pip install --quiet pyarrow
fi
if ! command -v cargo >/dev/null; then
  echo "cargo not found: install Rust 1.95+ (https://rustup.rs)" >&2
  exit 1
fi
