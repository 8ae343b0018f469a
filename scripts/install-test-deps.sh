#!/usr/bin/env bash
# Installs what `make test` needs beyond Go itself. Safe to run repeatedly.
set -uo pipefail
command -v go >/dev/null || export PATH=$PATH:/usr/local/go/bin
go mod download
