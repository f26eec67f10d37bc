"""Benchmark support: synthetic workbooks shaped like real engagements (``workbooks``)."""
