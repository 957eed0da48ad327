#!/usr/bin/env bash
# Prepends the license header to every Java file that lacks it.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
header="$top/src/etc/license-header.txt"
find "$top" -name '*.java' -not -path '*/target/*' -print0 | while IFS= read -r -d '' f; do
	if ! head -2 "$f" | grep -q 'Copyright 2026 the pingora-spring-boot authors'; then
		tmp=$(mktemp)
		cat "$header" "$f" > "$tmp" && mv "$tmp" "$f"
	fi
done
