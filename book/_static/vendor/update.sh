#!/usr/bin/env bash
# Re-vendor the front-end assets the book serves itself (no CDN; see README.md here): MathJax and the Font Awesome icons
# the theme uses. Run from the repository root:
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

# Font Awesome Free, the version pydata-sphinx-theme bundles in its fontawesome.js (see the
# banner of _static/scripts/fontawesome.js after a build): only the icons the theme's templates
# use, as SVG files, and the stylesheet fontawesome.js would inject. recovery_science.sphinxext
# writes each <i class="fa-solid fa-NAME"> into the page as inline SVG at build time and drops
# fontawesome.js (1.4 MiB). A build naming an icon missing here fails: add it to FA_ICONS.
fa_version="${FONTAWESOME_VERSION:-6.5.2}"
FA_ICONS="solid/angle-left solid/angle-right solid/arrow-up solid/bars solid/list
  solid/magnifying-glass solid/download solid/expand solid/file solid/file-pdf solid/rocket
  solid/circle-half-stroke solid/moon solid/sun solid/xmark brands/github
  solid/bell solid/circle-info solid/circle-exclamation solid/triangle-exclamation solid/circle-xmark
  solid/lightbulb solid/share solid/pencil"
# (the last line: the admonition icons, which the theme draws with the icon font in CSS; the book
# draws them as masks from these files instead, see book/_static/icons.css)
tmp=$(mktemp -d)
(cd "$tmp" && npm pack "@fortawesome/fontawesome-free@$fa_version" --silent >/dev/null && tar xzf fortawesome-fontawesome-free-*.tgz)
dest=book/_static/vendor/fontawesome
rm -rf "$dest" && mkdir -p "$dest/svgs/solid" "$dest/svgs/brands"
for icon in $FA_ICONS; do cp "$tmp/package/svgs/$icon.svg" "$dest/svgs/$icon.svg"; done
cp "$tmp/package/css/svg-with-js.min.css" "$dest/"
cp "$tmp/package/LICENSE.txt" "$dest/LICENSE.txt"
echo "@fortawesome/fontawesome-free@$fa_version from the npm registry ($(date -u +%Y-%m-%d)): $(echo $FA_ICONS)" > "$dest/VERSION"
rm -rf "$tmp"
