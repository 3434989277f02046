#!/usr/bin/env bash
# Lints schema.graphql with graphql-schema-linter, every built-in rule (descriptions on every type,
# field, argument, enum value and input value; Relay connection and PageInfo shapes; naming; sorted
# fields). No rule is switched off, so there is no config file to explain.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --silent
npx --no-install graphql-schema-linter ../../schema.graphql
