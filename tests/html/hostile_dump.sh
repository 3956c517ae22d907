#!/usr/bin/env bash
# A lab dump with the leaking function renamed to markup that would run if
# a page ever inserted it as HTML (malformed on purpose).
set -euo pipefail
sed -e 's/main\.(\*billing)\.runInvoiceBatch(/main.<img src=x onerror=alert(1)>"><svg onload=alert(2)><\/script><script>alert(3)<\/script>(/' "$1"
