#!/bin/bash
# Submits the site array (train-sites.sbatch) and the assemble job that
# waits for it (assemble.sbatch, --dependency=afterok), and prints
# "<array job id> <assemble job id>".
#
#   DATA=/shared/train.svm SITES=4 OUT_DIR=/shared/sites MODEL=/shared/model.lm \
#       deploy/slurm/submit.sh [sbatch options for both jobs, e.g. --partition=cpu]
#
# The variables of train-sites.sbatch and assemble.sbatch (FORMAT, CODE,
# HIDDEN, EPOCHS, BATCH, LR, SEED, LABELCODE, ALLOW_MISSING) pass through.
# INDEXES=2 (or 1,3 or 0-3) submits only those sites, with a new assemble
# job: the way to complete a model after an index failed or was cancelled
# (its first assemble job then never starts: scancel it).
# SITES_OPTS and ASSEMBLE_OPTS add sbatch options to one of the two jobs
# (e.g. SITES_OPTS=--cpus-per-task=4).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${DATA:?set DATA to the data file}"
: "${SITES:?set SITES to the number of sites}"
: "${OUT_DIR:?set OUT_DIR to the site directory}"
: "${MODEL:?set MODEL to the model file to write}"
export DATA SITES OUT_DIR MODEL
mkdir -p "$OUT_DIR"
indexes=${INDEXES:-0-$((SITES - 1))}
# shellcheck disable=SC2086 # the *_OPTS are word lists
array=$(sbatch --parsable --export=ALL --array="$indexes" ${SITES_OPTS:-} "$@" "$here/train-sites.sbatch")
array=${array%%;*}
# shellcheck disable=SC2086
assemble=$(sbatch --parsable --export=ALL --dependency="afterok:$array" ${ASSEMBLE_OPTS:-} "$@" "$here/assemble.sbatch")
assemble=${assemble%%;*}
echo "$array $assemble"
