"""jxcheck: audit the figures of budget-performance evaluation reports."""
__version__ = "0.1.0"
