"""jxcheck: audit the figures of budget-performance evaluation reports."""
__version__ = "0.1.0"


def frames(db: str):
    """The store at db as pandas DataFrames: documents, facts, checks, findings, reviews (jxcheck.dataframes.Frames)."""
    from jxcheck.dataframes import frames as read
    return read(db)
