#!/usr/bin/env bash
# Rebuild app/assets/fonts/NotoSansSC-minehaz-subset.otf: Noto Sans CJK SC, subset to GB 2312,
# Latin, punctuation and every character used in the repository (needs: apt-get install
# fonts-noto-cjk; pip install fonttools).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 - <<'PY' > /tmp/minehaz-chars.txt
import glob, os
chars = set()
for hi in range(0xA1, 0xF8):
    for lo in range(0xA1, 0xFF):
        try:
            chars.add(bytes([hi, lo]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
ranges = [(0x20, 0x7F), (0xA0, 0x180), (0x2000, 0x2070), (0x2100, 0x2300), (0x2460, 0x24FF), (0x25A0, 0x2600), (0x3000, 0x3040), (0xFF00, 0xFFF0)]
for lo, hi in ranges:
    chars.update(chr(c) for c in range(lo, hi))
for f in glob.glob("**/*", recursive=True):
    if os.path.isfile(f) and f.endswith((".rs", ".md", ".toml", ".csv", ".py", ".sh")) and not f.startswith("target/"):
        try:
            chars.update(open(f, encoding="utf-8").read())
        except (UnicodeDecodeError, OSError):
            pass
print("".join(sorted(c for c in chars if ord(c) >= 0x20)), end="")
PY
pyftsubset /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc --font-number=2 \
  --text-file=/tmp/minehaz-chars.txt --output-file=app/assets/fonts/NotoSansSC-minehaz-subset.otf \
  --layout-features='kern,liga,vert' --name-IDs='*' --no-hinting
