#!/usr/bin/env bash
# The PDF edition: Jupyter Book's LaTeX builder (xelatex) with Debian's TeX packages, installed
# here if missing (as root, or with sudo), as .ci/browser.sh installs Chromium. Writes
# _build/latex/book.pdf from the stored outputs (nothing is executed) and prints its page count.
# About 240 MB to fetch and 2-3 min to install; the build itself takes a few minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
PACKAGES=(
  texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended texlive-xetex latexmk
  tex-gyre fonts-freefont-otf xindy texlive-lang-greek
  texlive-lang-cjk texlive-lang-chinese fonts-wqy-microhei  # xeCJK (+ its ctexhook.sty), a CJK font
  poppler-utils                                              # pdfinfo, pdftoppm
)
missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
start=$(date +%s)
jupyter-book build . --builder pdflatex
pdf=_build/latex/book.pdf
test -s "$pdf" || { echo "no $pdf was written" >&2; exit 1; }
pages=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')
echo "PDF: $pdf, $pages pages, built in $(( $(date +%s) - start )) s"
