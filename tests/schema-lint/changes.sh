#!/usr/bin/env bash
# The schema change check: every commit since .ci/schema-baseline that changed schema.graphql is
# diffed against its parent's (diff.mjs, @graphql-inspector/core); a breaking change fails unless
# that commit's message says `BREAKING:` and why.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --silent
cd ../..
base=$(cat .ci/schema-baseline)
if ! git cat-file -e "$base^{commit}" 2>/dev/null; then
  echo "schema changes: baseline $base is not in this clone's history; nothing to compare"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
checked=0
for c in $(git rev-list --reverse "$base..HEAD" -- schema.graphql); do
  checked=$((checked + 1))
  git show "$c^:schema.graphql" >"$tmp/old.graphql"
  git show "$c:schema.graphql" >"$tmp/new.graphql"
  echo "-- $(git log -1 --format='%h %s' "$c" | cut -c1-100)"
  if ! node tests/schema-lint/diff.mjs "$tmp/old.graphql" "$tmp/new.graphql"; then
    if git log -1 --format=%B "$c" | grep -q 'BREAKING:'; then
      echo "   breaking, and said so in the commit message (BREAKING:)"
    else
      echo "   error: a breaking change to the public schema; say BREAKING: and why in the commit message" >&2
      failed=1
    fi
  fi
done
echo "schema changes: $checked commits since $(echo "$base" | cut -c1-7) changed schema.graphql"
exit $failed
