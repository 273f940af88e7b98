#!/usr/bin/env bash
# The long reliability run (docs/reliability.md): every property test with the hypothesis
# "long" profile (20x CI's examples), the form and webhook fuzz with every hostile value, and
# the fault tests. Writes its output, with hypothesis's example counts, to bench/results/.
# Usage: scripts/reliability_long.sh   (PostgreSQL parts need DATABASE_URL=postgresql+psycopg://...)
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/results
out="bench/results/reliability-long-$(date -u +%Y%m%dT%H%M%S).txt"
{
    echo "reliability long run $(date -u +%FT%TZ) on $(nproc) CPUs; DATABASE_URL=${DATABASE_URL:-sqlite}"
    .venv/bin/python -m pytest -p no:cacheprovider -q -s \
        --hypothesis-profile=long --hypothesis-show-statistics \
        tests/reliability \
        tests/services/test_outbox_faults.py \
        tests/services/test_import_properties.py \
        tests/services/test_answer_pages_properties.py \
        tests/sms/test_conversation_properties.py \
        tests/questionnaire/test_answers.py \
        tests/questionnaire/test_validation.py
} 2>&1 | tee "$out"
echo "written: $out"
