#!/usr/bin/env bash
# Installs scan-c1 on a PPK laptop (or any Debian/Ubuntu machine): builds it in release mode with
# Swift's own libraries linked in (the laptop needs no Swift toolchain), then copies the binary
# with the templates and models it loads at run time, a reference of every command's --help, and
# shell completions.
#
#   scripts/install.sh [PREFIX]      PREFIX: /usr/local by default; $HOME/.local needs no root
#
# What goes where (docs/install.md says more):
#   PREFIX/lib/scan-c1/scan-c1                          the program
#   PREFIX/lib/scan-c1/scan-c1_FormScan.resources/      page templates   } found beside the program
#   PREFIX/lib/scan-c1/scan-c1_DigitReader.resources/   reader models    } (Bundle.module)
#   PREFIX/bin/scan-c1 -> ../lib/scan-c1/scan-c1        (a symlink: the program finds its real folder)
#   PREFIX/share/doc/scan-c1/                           help.txt, README.md, result-schema.md,
#                                                       runtime-packages.txt
#   PREFIX/share/bash-completion/completions/scan-c1, PREFIX/share/zsh/site-functions/_scan-c1,
#   PREFIX/share/fish/vendor_completions.d/scan-c1.fish
#
# It never replaces a file or folder it did not install: PREFIX/lib/scan-c1 must be absent or
# hold the marker .installed-by-scan-c1, PREFIX/bin/scan-c1 absent or a symlink into it.
# Environment: SCAN_C1_BUILD_PATH, the build folder (default: .build/install, kept apart from
# the usual .build/release because the flags differ).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
prefix=${1:-/usr/local}
case "$prefix" in /*) ;; *) prefix="$(pwd)/$prefix" ;; esac
build=${SCAN_C1_BUILD_PATH:-$repo/.build/install}

say() { echo "install: $*" >&2; }
die() { echo "install: error: $*" >&2; exit 1; }

lib="$prefix/lib/scan-c1"
bin="$prefix/bin/scan-c1"
if [ -e "$lib" ] && [ ! -e "$lib/.installed-by-scan-c1" ]; then
    die "$lib exists and was not installed by this script: remove it or choose another PREFIX"
fi
if [ -e "$bin" ] || [ -L "$bin" ]; then
    if [ ! -L "$bin" ] || [ "$(readlink "$bin")" != "../lib/scan-c1/scan-c1" ]; then
        die "$bin exists and is not the symlink this script installs: remove it or choose another PREFIX"
    fi
fi

scripts/setup.sh
say "building (release, Swift libraries linked statically) in $build"
swift build -c release --static-swift-stdlib --scratch-path "$build" --product scan-c1 >&2
out="$build/release"
[ -x "$out/scan-c1" ] || die "the build left no $out/scan-c1"

# A fresh copy beside the old one, then swapped in: a failure leaves the old install working.
mkdir -p "$prefix/lib" "$prefix/bin"
stage=$(mktemp -d "$prefix/lib/.scan-c1.XXXXXX")
trap 'rm -rf "$stage"' EXIT
install -m 0755 "$out/scan-c1" "$stage/scan-c1"
for bundle in "$out"/*.resources; do
    cp -R "$bundle" "$stage/"
done
touch "$stage/.installed-by-scan-c1"
# The copy must run from its own folder, with its own templates and models.
"$stage/scan-c1" templates >/dev/null || die "the staged program does not start (see above)"
if [ -e "$lib" ]; then
    old="$prefix/lib/.scan-c1.old.$$"
    mv "$lib" "$old"
    mv "$stage" "$lib"
    rm -rf "$old"
else
    mv "$stage" "$lib"
fi
trap - EXIT
ln -sfn ../lib/scan-c1/scan-c1 "$bin"

# The --help of every command, in one file (verify's in Indonesian and in English).
doc="$prefix/share/doc/scan-c1"
mkdir -p "$doc"
{
    echo "scan-c1 $("$lib/scan-c1" --version): every command's --help"
    echo
    "$lib/scan-c1" --help
    subcommands=$("$lib/scan-c1" --help | awk '/^SUBCOMMANDS:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {on = 0}')
    for sub in $subcommands; do
        echo; echo "================================================================"; echo
        "$lib/scan-c1" "$sub" --help
    done
    echo; echo "================================================================"; echo
    "$lib/scan-c1" verify --lang en --help
} >"$doc/help.txt"
cp README.md docs/result-schema.md docs/install.md "$doc/"

# Shell completions (argument-parser writes them).
mkdir -p "$prefix/share/bash-completion/completions" "$prefix/share/zsh/site-functions" "$prefix/share/fish/vendor_completions.d"
"$lib/scan-c1" --generate-completion-script bash >"$prefix/share/bash-completion/completions/scan-c1"
"$lib/scan-c1" --generate-completion-script zsh >"$prefix/share/zsh/site-functions/_scan-c1"
"$lib/scan-c1" --generate-completion-script fish >"$prefix/share/fish/vendor_completions.d/scan-c1.fish"

# The C libraries the program links (Tesseract, Leptonica, libjpeg, libpng, libheif, AprilTag, SQLite):
# the Debian packages a laptop must have, for `apt-get install`.
# Only the libraries the program names itself (apt brings theirs).
needed=$(readelf -d "$lib/scan-c1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
for name in $needed; do
    so=$(ldd "$lib/scan-c1" | awk -v n="$name" '$1 == n {print $3}')
    [ -n "$so" ] || { echo "?: $name"; continue; }
    dpkg -S "$(readlink -f "$so")" 2>/dev/null || dpkg -S "$so" 2>/dev/null || echo "?: $so"
done | cut -d: -f1 | sort -u >"$doc/runtime-packages.txt"
# The Tesseract language data the words reader uses (Indonesian; English as the fallback): data
# files, not libraries, so the loop above does not see them.
printf '%s\n' tesseract-ocr-ind tesseract-ocr-eng >>"$doc/runtime-packages.txt"
sort -u -o "$doc/runtime-packages.txt" "$doc/runtime-packages.txt"
if grep -q "^?" "$doc/runtime-packages.txt"; then
    say "warning: libraries no Debian package owns: $(grep '^?' "$doc/runtime-packages.txt" | tr '\n' ' ')"
fi

say "installed $("$bin" --version) in $prefix"
say "  program: $bin -> $lib/scan-c1"
say "  help: $doc/help.txt; completions for bash, zsh and fish under $prefix/share"
say "  on another machine, first: apt-get install $(grep -v "^?" "$doc/runtime-packages.txt" | tr "\n" " ")"
case ":$PATH:" in *":$prefix/bin:"*) ;; *) say "  add $prefix/bin to PATH to run it as scan-c1" ;; esac
