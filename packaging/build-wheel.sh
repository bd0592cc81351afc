#!/usr/bin/env bash
# Builds MediaCat's source distribution and wheel into dist/ (with PyPA `build`: `pip install build`).
#
#   bash packaging/build-wheel.sh [--no-isolation] [--outdir DIR]
#
# By default `build` makes a fresh build environment (it downloads setuptools and wheel); --no-isolation
# uses the current Python's setuptools instead, for building offline. The wheel is built from the sdist,
# so a file the sdist forgets shows up as a broken wheel here rather than for a user.
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-python3}"
outdir="dist"
options=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-isolation) options+=(--no-isolation) ;;
    --outdir) [ $# -ge 2 ] || { echo "build-wheel: --outdir needs a folder" >&2; exit 2; }
              outdir="$2"; shift ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-wheel: unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
if ! "$python" -c "import build" 2>/dev/null; then
  echo "build-wheel: $python has no PyPA build module: run '$python -m pip install build'" >&2
  exit 2
fi
rm -rf build ./*.egg-info  # stale build/lib files would otherwise end up in the wheel
"$python" -m build --outdir "$outdir" "${options[@]}" .
ls -l "$outdir"
