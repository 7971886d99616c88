#!/usr/bin/env bash
# Merges ckanext-opengov's Solr schema additions into CKAN's Solr schema before Solr starts.
#
# The solr service runs `solr-precreate ckan /var/solr/configsets/ckan-opengov`. The Solr image's
# `solr-precreate` first sources every *.sh in /docker-entrypoint-initdb.d (this file is mounted
# there), then copies the configset to /var/solr/data/ckan when that core does not exist yet, then
# starts Solr. This script builds that configset on every start:
#
#     CKAN's configset shipped in ckan/ckan-solr  +  schema-opengov.xml (bind-mounted read-only)
#
# and, when the core already exists (a restart, an upgrade of the image or of the suite), refreshes
# the core's schema the same way. So the schema Solr serves is always "CKAN's schema of this image
# plus the suite's additions of this checkout", and re-running it never merges twice.
#
# schema-opengov.xml holds <fieldType>, <field>, <dynamicField> and <copyField> elements, either bare
# or wrapped in one <schema> element (an XML declaration and comments are fine). They are inserted,
# between marker comments, right before the closing </schema> of CKAN's schema, where Solr reads
# top-level definitions. CKAN's root element (name="ckan-2.12") is kept, so CKAN's schema version
# check still passes.
#
# The script is *sourced* by the Solr image: everything runs in a subshell so that `exit` and
# `set -e` stay local, and a failure stops Solr loudly instead of serving an incomplete schema.
# Paths can be overridden through the environment (tests/test_docker.py runs it on a temp tree).
(
set -euo pipefail

base_configset=${OPENGOV_SOLR_BASE_CONFIGSET:-${SOLR_CONFIG_DIR:-/opt/solr/server/solr/configsets}/ckan}
merged_configset=${OPENGOV_SOLR_CONFIGSET:-/var/solr/configsets/ckan-opengov}
core_dir=${OPENGOV_SOLR_CORE_DIR:-/var/solr/data/ckan}
additions=${OPENGOV_SOLR_ADDITIONS:-/opt/opengov/schema-opengov.xml}

say() { echo "opengov-schema: $*"; }
die() { echo "opengov-schema: ERROR: $*" >&2; exit 1; }

[ -d "$base_configset/conf" ] || die "CKAN's configset not found at $base_configset (is the image ckan/ckan-solr?)"

# Solr reads one of these names depending on its version and schema factory; every one of them
# that holds CKAN's schema gets the additions, so whichever Solr picks is complete.
schema_names=(managed-schema managed-schema.xml schema.xml)

is_ckan_schema() { grep -q '<schema[^>]*name="ckan-' "$1"; }

# The additions without comments (a comment mentioning <schema> must not be taken for the root),
# XML prolog and <schema> wrapper. GNU sed -z edits the whole file at once, so a root tag spread
# over several lines is removed too.
fragment=$(mktemp)
trap 'rm -f "$fragment"' EXIT
if [ -s "$additions" ]; then
  sed -z \
    -e 's/<!--\([^-]\|-[^-]\)*-->//g' \
    -e 's/<?xml[^>]*?>//' \
    -e 's/<!DOCTYPE[^>]*>//' \
    -e 's/<schema\([[:space:]][^>]*\)\{0,1\}>//' \
    -e 's#</schema>##' \
    "$additions" > "$fragment"
  grep -q -E '<(field|fieldType|dynamicField|copyField)[[:space:]/>]' "$fragment" \
    || die "$additions holds no <field>, <fieldType>, <dynamicField> or <copyField> element"
else
  say "no schema additions at $additions: serving CKAN's schema alone (the suite's per-language search fields are missing)"
fi

# merge SRC DEST: CKAN's schema SRC plus the additions, written to DEST.
merge() {
  local src=$1 dest=$2 tmp inserted=0 line
  tmp=$(mktemp "$(dirname "$dest")/.merge.XXXXXX")
  while IFS= read -r line || [ -n "$line" ]; do
    if [ "$inserted" = 0 ] && [[ $line == *"</schema>"* ]]; then
      if [ -s "$fragment" ]; then
        echo "<!-- BEGIN ckanext-opengov schema additions: schema-opengov.xml, merged by docker/solr/opengov-schema.sh -->"
        cat "$fragment"
        echo "<!-- END ckanext-opengov schema additions -->"
      fi
      inserted=1
    fi
    printf '%s\n' "$line"
  done < "$src" > "$tmp"
  [ "$inserted" = 1 ] || { rm -f "$tmp"; die "no closing </schema> in $src"; }
  chmod 644 "$tmp"
  mv -f "$tmp" "$dest"
}

# 1. A fresh configset: CKAN's, with the additions merged (always rebuilt from the image's copy).
rm -rf "$merged_configset"
mkdir -p "$(dirname "$merged_configset")"
cp -R "$base_configset" "$merged_configset"
merged_any=0
for name in "${schema_names[@]}"; do
  schema="$merged_configset/conf/$name"
  if [ -f "$schema" ] && is_ckan_schema "$schema"; then
    merge "$base_configset/conf/$name" "$schema"
    merged_any=1
  fi
done
[ "$merged_any" = 1 ] || die "no CKAN schema (name=\"ckan-...\") in $base_configset/conf"
say "configset ready at $merged_configset"

# 2. An existing core gets the same schema files (solr-precreate leaves existing cores untouched).
if [ -d "$core_dir/conf" ]; then
  for name in "${schema_names[@]}"; do
    if [ -f "$merged_configset/conf/$name" ] && is_ckan_schema "$merged_configset/conf/$name"; then
      cp -f "$merged_configset/conf/$name" "$core_dir/conf/$name"
    fi
  done
  say "schema of the existing core $core_dir refreshed"
fi
)
