#!/usr/bin/env bash
# Install WordNet 3.0 for NLTK without nltk.download (whose server is unreachable here),
# from Debian's packages: wordnet-base (the database) and wordnet-sense-index (index.sense).
#
#   .ci/wordnet.sh TARGET_DIR      # then: export NLTK_DATA=TARGET_DIR
#
# Result: TARGET_DIR/corpora/wordnet/{index,data}.{noun,verb,adj,adv}, *.exc, index.sense,
# lexnames. NLTK's WordNet reader also needs `lexnames`, which Debian ships only as a man page
# (lexnames.5WN), so we generate it from the table there. Idempotent: an existing install is kept.
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 TARGET_DIR" >&2
    exit 2
fi
target="$1/corpora/wordnet"
if [ -s "$target/data.noun" ] && [ -s "$target/lexnames" ] && [ -s "$target/index.sense" ]; then
    echo "wordnet.sh: WordNet already installed in $target"
    exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
if ! apt-get download wordnet-base wordnet-sense-index >/dev/null 2>&1; then
    apt-get update >/dev/null          # an empty package list finds nothing: refresh it once
    apt-get download wordnet-base wordnet-sense-index >/dev/null
fi
for deb in ./*.deb; do
    dpkg -x "$deb" deb
done

mkdir -p "$target"
cp deb/usr/share/wordnet/* "$target/"

# lexnames: "NN<TAB>name<TAB>category", category 1 noun, 2 verb, 3 adjective, 4 adverb.
zcat deb/usr/share/man/man5/lexnames.5WN.gz \
    | awk -F'\t' '/^[0-9][0-9]\t/ {
          name = $2; gsub(/[ \t]+/, "", name)
          split(name, part, ".")
          cat = (part[1] == "noun") ? 1 : (part[1] == "verb") ? 2 : (part[1] == "adj") ? 3 : 4
          printf "%s\t%s\t%d\n", $1, name, cat
      }' > "$target/lexnames"

n=$(wc -l < "$target/lexnames")
if [ "$n" -ne 45 ]; then
    echo "wordnet.sh: expected 45 lexicographer files in lexnames, got $n" >&2
    exit 1
fi
echo "wordnet.sh: WordNet 3.0 installed in $target"
