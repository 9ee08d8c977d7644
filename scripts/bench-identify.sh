#!/usr/bin/env bash
# Issue 22's identification benchmark: for every page image in SampleScans and the photos in
# ../shared/samples (or SAMPLES=dir), on one core (taskset -c 0, OMP_THREAD_LIMIT=1, one page
# per process), release build:
#   - the identification stage alone (`scan-c1 identify --repeats 3`: the fastest of three runs,
#     decoding not counted), its route, and whether its first candidate is the expected template
#     (from the file name; "-" for pages of no known template);
#   - CPU seconds (user + sys, /usr/bin/time) of `scan-c1 scan --json` in auto and with
#     -t EXPECTED, their ratio, and the route and templates tried in auto;
# then the median and worst of each. A benchmark, not a test: run it on a quiet machine, and
# twice (a shared machine can be 15% off in one run).
# usage: scripts/bench-identify.sh [IMAGE ...] (after `swift build -c release --product scan-c1`)
set -uo pipefail
cd "$(dirname "$0")/.."
bin=${BIN:-.build/release/scan-c1}
shared=${SAMPLES:-../shared/samples}
[ -d "$shared" ] || shared=/work/shared/samples
export OMP_THREAD_LIMIT=1
expected() {
    case "$(basename "$1")" in
        *lembar1*) echo c1-ppwp-2019-lembar1 ;;
        *lembar2*) echo c1-ppwp-2019-lembar2 ;;
        *actually-page1*|*2024-hal1*) echo c-hasil-ppwp-2024-hal1 ;;
        *2024-hal2*) echo c-hasil-ppwp-2024-hal2 ;;
        *2024-hal3*) echo c-hasil-ppwp-2024-hal3 ;;
        dpr-2019-plano*|DPR_*|DPR-*) echo c1-plano-dpr-2019 ;;
        plano-2019*|contoh-*|pilpres-2019.*|2019-plano-sample.*) echo c1-plano-ppwp-2019 ;;
        *) echo - ;;
    esac
}
if [ $# -gt 0 ]; then images=("$@"); else
    mapfile -t images < <( { find SampleScans -type f \( -iname '*.jpg' -o -iname '*.png' -o -iname '*.webp' \);
        find "$shared"/kawalc1/2024-ppwp-photos "$shared"/kawalc1/2019-ppwp-plano-photos "$shared"/kawalc1/2019-dpr-plano-photos \
             "$shared"/kawalc1/2015-pilkada-plano-photos -type f \( -iname '*.jpg' -o -iname '*.webp' \) 2>/dev/null; } | sort)
fi
cpu() { # CPU seconds of one run; the command's JSON to $out
    /usr/bin/time -f '%U %S' -o "$tmp/t" taskset -c 0 "$@" > "$out" 2>/dev/null
    tail -1 "$tmp/t" | awk '{ printf "%.2f", $1 + $2 }'
}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
out=$tmp/out.json
printf '%-58s %-24s %7s %-11s %-5s %6s %6s %6s  %s\n' image expected id_ms route first auto_s t_s ratio "auto: route, tried / outcome"
: > "$tmp/rows"
for f in "${images[@]}"; do
    exp=$(expected "$f")
    line=$(taskset -c 0 "$bin" identify --repeats 3 "$f" 2>/dev/null)
    ms=$(echo "$line" | cut -f2 | cut -d' ' -f1); route=$(echo "$line" | cut -f3)
    first=$(echo "$line" | cut -f6 | cut -d' ' -f1)
    ok=-; [ "$exp" != - ] && { [ "$first" = "$exp" ] && ok=yes || ok=NO; }
    [ "$route" = tag ] && [ "$exp" != - ] && { echo "$line" | grep -q -- "-> $exp" && ok=yes || ok=NO; }
    a=$(cpu "$bin" scan --json "$f")
    how=$(jq -r '"\(.identification.route) \(.identification.tried | join(","))"' "$out" 2>/dev/null || echo "refused")
    t=-; r=-
    if [ "$exp" != - ]; then
        t=$(cpu "$bin" scan --json -t "$exp" "$f")
        r=$(awk -v a="$a" -v t="$t" 'BEGIN { if (t > 0) printf "%.2f", a / t; else print "-" }')
    fi
    name=$f; [ ${#name} -gt 58 ] && name=…${f: -57}
    printf '%-58s %-24s %7s %-11s %-5s %6s %6s %6s  %s\n' "$name" "$exp" "$ms" "$route" "$ok" "$a" "$t" "$r" "$how"
    echo "$ms $a $t $r $ok" >> "$tmp/rows"
done
summary() { # column name: median and worst of the numeric values
    sort -g | awk -v name="$1" '{ v[NR] = $1 } END { if (NR) printf "%s: median %s, worst %s (%d images)\n", name, v[int((NR + 1) / 2)], v[NR], NR }'
}
echo
awk '{ print $1 }' "$tmp/rows" | grep -v '^-$' | grep . | summary "identification ms"
awk '{ print $2 }' "$tmp/rows" | summary "auto CPU s"
awk '$3 != "-" { print $3 }' "$tmp/rows" | summary "-t CPU s"
awk '$4 != "-" { print $4 }' "$tmp/rows" | summary "auto / -t"
echo "identifier's first candidate right: $(grep -c ' yes$' "$tmp/rows") of $(grep -c -e ' yes$' -e ' NO$' "$tmp/rows") pages of a known template"
