#!/usr/bin/env bash
# Re-vendor the front-end assets the book serves itself (no CDN). Run from the repository root:
#   bash book/_static/vendor/update.sh
# MathJax 3 from the npm registry: the TeX -> CommonHTML bundle, its fonts and its TeX
# extensions (for autoloaded packages). Sphinx's mathjax_path points at tex-chtml.js.
set -euo pipefail
version="${MATHJAX_VERSION:-3.2.2}"
tmp=$(mktemp -d)
(cd "$tmp" && npm pack "mathjax@$version" --silent >/dev/null && tar xzf mathjax-*.tgz)
dest=book/_static/vendor/mathjax
rm -rf "$dest" && mkdir -p "$dest/output/chtml/fonts" "$dest/input/tex"
cp "$tmp/package/es5/tex-chtml.js" "$dest/"
cp -r "$tmp/package/es5/output/chtml/fonts/woff-v2" "$dest/output/chtml/fonts/"
cp -r "$tmp/package/es5/input/tex/extensions" "$dest/input/tex/"
cp "$tmp/package/LICENSE" "$dest/LICENSE"
echo "mathjax@$version from the npm registry ($(date -u +%Y-%m-%d))" > "$dest/VERSION"
rm -rf "$tmp"
