#!/usr/bin/env bash
# Tests scripts/install.sh the way a PPK laptop gets the tool: copies the repository (tracked
# files and new ones not ignored, without .build) to a temporary folder, builds and installs it
# into a temporary prefix, deletes the copy, then reads a sample station with the installed
# program from another folder. Slow (a full release build, about 10 minutes on 2 busy cores):
# .ci/run does not run it; run it after changing the install, the resources or Package.swift.
#
#   scripts/test-install.sh            prints each check and "test-install: ok" at the end
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/scan-c1-install-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s)
fail() { echo "test-install: FAIL: $*" >&2; exit 1; }
ok() { echo "test-install: ok: $*" >&2; }

mkdir -p "$tmp/src" "$tmp/prefix" "$tmp/elsewhere"
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
    [ -e "$f" ] && printf '%s\0' "$f"
done | tar --null -T - -cf - | tar -xf - -C "$tmp/src"
ok "copied the repository to $tmp/src"

# A fresh build folder inside the copy, so nothing of this checkout's .build is used.
SCAN_C1_BUILD_PATH="$tmp/src/.build/install" "$tmp/src/scripts/install.sh" "$tmp/prefix"
rm -rf "$tmp/src"
ok "installed into $tmp/prefix, then deleted the copy it was built from"

tool="$tmp/prefix/bin/scan-c1"
[ -L "$tool" ] || fail "$tool is not a symlink"
if ldd "$tool" | grep -q "/opt/swift\|not found"; then
    ldd "$tool" | grep "/opt/swift\|not found" >&2
    fail "the program still needs Swift's libraries or misses one"
fi
ok "no Swift library needed at run time"

cd "$tmp/elsewhere"
n=$("$tool" templates | wc -l)
[ "$n" -ge 7 ] || fail "scan-c1 templates listed $n templates"
ok "scan-c1 templates lists $n templates from the installed folder"

samples="$repo/SampleScans/kpu-2019"
set +e
"$tool" verify "$samples/kubu-02-lembar1.jpg" "$samples/kubu-02-lembar2.jpg" --annotate "$tmp/elsewhere/kubu.png" >report.txt 2>stderr.txt
rc=$?
"$tool" scan --json "$samples/aluebatee-01-lembar2.jpg" >scan.json 2>>stderr.txt
rc2=$?
set -e
[ "$rc" -le 1 ] || { cat stderr.txt >&2; fail "verify exited $rc"; }
[ "$rc2" -le 1 ] || { cat stderr.txt >&2; fail "scan exited $rc2"; }
grep -q "^Halaman c1-ppwp-2019-lembar2" report.txt || fail "verify printed no page report"
grep -q '"template" : "c1-ppwp-2019-lembar2"' scan.json || fail "scan --json named no template"
[ -s kubu-c1-ppwp-2019-lembar1.png ] || fail "verify --annotate wrote no picture"
ok "verify and scan read a sample station with the installed program (exit $rc, $rc2)"

for f in share/doc/scan-c1/help.txt share/doc/scan-c1/install.md share/bash-completion/completions/scan-c1 \
         share/zsh/site-functions/_scan-c1 share/fish/vendor_completions.d/scan-c1.fish; do
    [ -s "$tmp/prefix/$f" ] || fail "$f is missing"
done
grep -q "Periksa halaman-halaman satu TPS" "$tmp/prefix/share/doc/scan-c1/help.txt" || fail "help.txt lacks verify's help"
bash -c "source '$tmp/prefix/share/bash-completion/completions/scan-c1'" || fail "the bash completion script does not load"
ok "help reference and completions installed"

# Installing again over it works; over a folder that is not ours, it refuses.
mkdir -p "$tmp/other/lib/scan-c1"
if SCAN_C1_BUILD_PATH="$tmp/unused" "$repo/scripts/install.sh" "$tmp/other" 2>/dev/null; then fail "installed over a folder not its own"; fi
ok "refuses to replace a folder it did not install"

echo "test-install: ok in $(( $(date +%s) - start )) s" >&2
