"""Imported once by the fork server that batch workers are forked from: loads the readers, the patterns and
jieba's dictionary, so each worker starts warm instead of loading them itself."""
from jxcheck.batch import warm_up

try:
    warm_up()
except Exception:  # noqa: BLE001 - a failed warm-up only costs each worker the time to load on its first file
    pass
