#!/usr/bin/env bash
# Installs the Debian packages SinoRad links against, only those missing (idempotent).
# As root it runs apt-get; otherwise it stops and prints the command to run.
set -euo pipefail
# slurm-wlm and munge: the cluster executor's tests start a one-machine Slurm (scripts/slurm-local.sh).
PACKAGES=(libgsl-dev libopenblas-dev zlib1g-dev libdeflate-dev libisal-dev libfast-float-dev libcairo2-dev libssl-dev libsvm-dev libxgboost-dev fonts-dejavu-core slurm-wlm munge)
missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "SinoRad needs these Debian packages: ${missing[*]}" >&2
  echo "Install them as root, then run make again:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing ${missing[*]} ..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
