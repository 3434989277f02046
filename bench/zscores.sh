#!/usr/bin/env bash
# WHO z-score sets per second on one core (target >= 5 million): HAZ, WAZ, WHZ, BAZ and ACZ with
# flags for 1,000,000 deterministic measurements, best of 5 rounds, release build.
# Usage: bash bench/zscores.sh [MEASUREMENTS]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --release -q -p stunting --example zscore_bench -- "${1:-1000000}"
echo "reproduce: bash bench/zscores.sh"
