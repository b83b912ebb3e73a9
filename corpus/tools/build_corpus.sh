#!/usr/bin/env bash
# Build NAME.docx and NAME.pdf next to every corpus/seeds/NAME.txt, then the project tables (DOCX, PDF, and XLSX/XLS
# through LibreOffice Calc), the PDFs with picture pages
# and the seeds as saved web pages and in traditional script.
set -euo pipefail

PYTHON="${PYTHON:-python3}"
tools="$(cd "$(dirname "$0")" && pwd)"
seeds="$(cd "$tools/../seeds" && pwd)"
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT

for txt in "$seeds"/*.txt; do
    name="${txt%.txt}"
    "$PYTHON" "$tools/txt2docx.py" "$txt" "$name.docx"
    rm -f "$name.pdf"
    soffice -env:UserInstallation="file://$profile" --headless \
        --convert-to pdf --outdir "$seeds" "$name.docx" >/dev/null
    test -s "$name.pdf"
    echo "built $name.docx $name.pdf"
done
"$PYTHON" "$tools/make_project_tables.py"
"$PYTHON" "$tools/make_workbooks.py"
"$PYTHON" "$tools/make_web_pages.py"
"$PYTHON" "$tools/make_traditional.py"
"$PYTHON" "$tools/make_scanned_pages.py"
